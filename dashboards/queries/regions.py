"""Queries of the Regions page: activity per region and quarter, a summary per region, a region's cities."""

from __future__ import annotations

import pandas as pd

from dashboards.filters import Filters, Window
from dashboards.queries import db
from dashboards.queries.common import ATTENDANCE, CITIES, EVENTS, Scope, where, window, with_partial
from dashboards.security.access import Viewer
from data_pipeline.contract import REGIONS

# regional_activity_quarterly is by region and quarter only: country, event type and topic cannot apply.
QUARTERLY = Scope("quarter", country=None)
_CITY_ACTIVITY = Scope("start_date", region=None, country=None, event_type="event_type", topic="topic")


def heatmap(filters: Filters, *, viewer: Viewer | None = None) -> pd.DataFrame:
    """Every region and quarter overlapping the period: events, attendances, unique participants,
    participant-hours, joins and USD awarded (zeros included). Whole quarters, the first one possibly starting
    before the period; `partial` marks a quarter still running at the period's end (fewer days of data)."""
    win = window(filters, viewer)
    w, params = where(filters, win, Scope("quarter", date_end="quarter_end", country=None))
    sql = f"""
        with q as (select *, cast(quarter + interval 3 month - interval 1 day as date) as quarter_end
                   from regional_activity_quarterly)
        select region, quarter, events, attendances, unique_participants, round(participant_hours, 1)
            as participant_hours, joins, round(awarded_usd) as awarded_usd
        from q where {w}
        order by quarter, region
    """
    return with_partial(db.frame(sql, params, viewer=viewer), Window(None, win.end, win.label), "quarter", "quarter")


def summary(filters: Filters, *, viewer: Viewer | None = None) -> pd.DataFrame:
    """One row per region: members at the period's end, new members, dormant members, steering seats,
    events, unique participants, participant-hours, USD awarded and disbursed in the period; and a last row 'No
    region' for what has none (global events, people from non-member cities), when there is any, so that each
    column adds up to the network's total (but participants: a person reached in two regions counts in both)."""
    win = window(filters, viewer)
    city_w, p1 = where(filters, win, CITIES, alias="c")
    join_w, p2 = where(filters, win, Scope("joined_on"))
    ev_w, p3 = where(filters, win, EVENTS)
    att_w, p4 = where(filters, win, ATTENDANCE)
    aw_w, p5 = where(filters, win, Scope("award_date"))
    pay_w, p6 = where(filters, win, Scope("paid_on"))
    sql = f"""
        with mem as (
            select c.region, count(*) as members, count_if(c.dormant) as dormant,
                count_if(c.on_steering_committee) as steering_seats
            from city_counting c
            where {city_w} and is_member_on(c.joined_on, c.left_on, $end) group by 1
        ),
        jo as (select region, count(*) as new_members from city_counting where {join_w} group by 1),
        ev as (select coalesce(region, 'No region') as region, count(*) as events from fct_events where {ev_w}
               group by 1),
        pa as (select coalesce(region, 'No region') as region, participants, participant_hours
               from (select region, people(participant_key) as participants, sum(hours) as participant_hours
                     from fct_attendance where {att_w} group by region)),
        aw as (select coalesce(region, 'No region') as region, sum(awarded_usd) as awarded_usd
               from grant_portfolio where {aw_w} group by 1),
        pay as (select coalesce(region, 'No region') as region, sum(amount_usd) as disbursed_usd
                from fct_disbursements where {pay_w} group by 1),
        final as (
            select r.region, coalesce(mem.members, 0) as members, coalesce(jo.new_members, 0) as new_members,
                coalesce(mem.dormant, 0) as dormant, coalesce(mem.steering_seats, 0) as steering_seats,
                coalesce(ev.events, 0) as events, coalesce(pa.participants, 0) as participants,
                round(coalesce(pa.participant_hours, 0), 1) as participant_hours,
                round(coalesce(aw.awarded_usd, 0)) as awarded_usd, round(coalesce(pay.disbursed_usd, 0))
                    as disbursed_usd, r.ord
            from (select unnest($region_order) as region, generate_subscripts($region_order, 1) as ord
                  union all select 'No region', 99) r
            left join mem using (region) left join jo using (region) left join ev using (region)
            left join pa using (region) left join aw using (region) left join pay using (region)
            where $all_regions or list_contains($regions, r.region)
        )
        select * exclude (ord) from final
        where region <> 'No region' or events + participants + participant_hours + awarded_usd + disbursed_usd > 0
        order by ord
    """
    params = p1 | p2 | p3 | p4 | p5 | p6 | {"end": win.end, "all_regions": not filters.regions,
                                             "regions": list(filters.regions), "region_order": list(REGIONS)}
    return db.frame(sql, params, viewer=viewer)


def cities(filters: Filters, region: str | None, *, viewer: Viewer | None = None) -> pd.DataFrame:
    """The cities of one region (members or not at the period's end), with their activity in the period."""
    win = window(filters, viewer)
    city_w, p1 = where(filters, win, Scope(None, region=None), alias="c")
    ev_w, p2 = where(filters, win, _CITY_ACTIVITY, alias="e")
    att_w, p3 = where(filters, win, _CITY_ACTIVITY, alias="a")
    sql = f"""
        with hosted as (select e.city_id, count(*) as events_hosted from fct_events e where {ev_w} group by 1),
        sent as (select a.participant_city_id as city_id, count(distinct a.participant_key) as participants,
                        count(distinct a.event_id) as events_attended
                 from fct_attendance a where {att_w} group by 1)
        select c.city_id, c.city_name, c.country_name, c.membership,
            is_member_on(c.joined_on, c.left_on, $end) as member_at_end,
            c.joined_on, c.left_on, coalesce(hosted.events_hosted, 0) as events_hosted,
            coalesce(sent.events_attended, 0) as events_attended, coalesce(sent.participants, 0) as participants,
            c.milestones_reached, c.on_steering_committee, c.last_activity_on, c.dormant
        from city_engagement c
        left join hosted using (city_id) left join sent using (city_id)
        where c.region = $region and {city_w}
        order by member_at_end desc, participants desc, c.city_name
    """
    return db.frame(sql, p1 | p2 | p3 | {"end": win.end, "region": region or ""}, viewer=viewer)

"""Queries of the Membership page (the member map is also on the Overview)."""

from __future__ import annotations

import pandas as pd

from dashboards.filters import Filters
from dashboards.queries import db
from dashboards.queries.common import CITIES, Scope, first_activity, period_spine, where, window, with_partial
from dashboards.security.access import Viewer

_CITY_ACTIVITY = Scope("start_date", region=None, country=None, event_type="event_type", topic="topic")


def member_map(filters: Filters, *, viewer: Viewer | None = None) -> pd.DataFrame:
    """Member cities at the period's end with where they are and their reach in the period.

    `participants` counts distinct people from the city at events in the period (event type and topic filters
    apply); `milestones` counts engagement-ladder steps reached by the period's end.
    """
    win = window(filters, viewer)
    city_w, p1 = where(filters, win, CITIES, alias="c")
    att_w, p2 = where(filters, win, _CITY_ACTIVITY, alias="a")
    ev_w, p3 = where(filters, win, _CITY_ACTIVITY, alias="e")
    # the period's people as one bitmap, computed first: people_by_city reads it as a constant (db.py)
    seen = (f"select people_map(a.participant_key) from fct_attendance a "
            f"where a.participant_city_id is not null and {att_w}")
    sql = f"""
        with reach as (select * from people_by_city(getvariable('seen'))),
        hosted as (
            select e.city_id, count(*) as events_hosted from fct_events e
            where e.city_id is not null and {ev_w} group by 1
        ),
        ladder as (
            select city_id, count(*) as milestones from city_milestones where achieved_on <= $end group by 1
        ),
        final as (
            select c.city_id, c.city_name, c.country_iso3, c.country_name, c.region, c.latitude, c.longitude,
                c.membership, c.visibility, c.on_steering_committee,
                coalesce(reach.participants, 0) as participants,
                coalesce(hosted.events_hosted, 0) as events_hosted,
                coalesce(ladder.milestones, 0) as milestones
            from city_engagement c
            left join reach using (city_id) left join hosted using (city_id) left join ladder using (city_id)
            where {city_w} and is_member_on(c.joined_on, c.left_on, $end)
        )
        select * from final order by city_name
    """
    return db.frame(sql, p1 | p2 | p3 | {"end": win.end}, viewer=viewer, first={"seen": seen})


def members_not_shown(filters: Filters, region: str | None = None, *, viewer: Viewer | None = None) -> int:
    """Members at the period's end (of `region`, if given) that count in every total but that this viewer may not
    see named, placed or listed (confidential members, for viewers who may not see them): members in
    city_counting less those in city_engagement, for the same filters. What a map or a list of cities says it
    leaves out."""
    win = window(filters, viewer)
    city_w, params = where(filters, win, CITIES, alias="c")
    member = ("is_member_on(c.joined_on, c.left_on, $end) "
              "and ($region::varchar is null or c.region = $region)")
    sql = f"""
        select (select count(*) from city_counting c where {city_w} and {member})
            - (select count(*) from city_engagement c where {city_w} and {member}) as n
    """
    return int(db.frame(sql, params | {"end": win.end, "region": region}, viewer=viewer)["n"].iloc[0])


def members_over_time(filters: Filters, *, viewer: Viewer | None = None) -> pd.DataFrame:
    """Per period and region: members at the period's end, joins and exits during it, and `partial` for a period
    the window covers only part of."""
    win = window(filters, viewer)
    grain = win.grain
    spine, params = period_spine(win, grain, first_activity(viewer))
    city_w, p1 = where(filters, win, CITIES)
    sql = f"""
        with spine as ({spine}),
        bounds as (
            select period, period_end, greatest(period, $spine_start::date) as period_from
            from spine
        ),
        cities as (select region, joined_on, left_on from city_counting where {city_w}),
        final as (
            select bounds.period, r.region,
                count(c.joined_on) filter (where is_member_on(c.joined_on, c.left_on, bounds.period_end)) as members,
                count(c.joined_on) filter (where c.joined_on between bounds.period_from and bounds.period_end)
                    as joins,
                count(c.joined_on) filter (where c.left_on between bounds.period_from and bounds.period_end)
                    as exits
            from bounds
            cross join (select region from ref_regions) r
            left join cities c on c.region = r.region
            group by all
        )
        select * from final
        where region in (select region from cities)
        order by period, region
    """
    return with_partial(db.frame(sql, params | p1, viewer=viewer), win, grain)


def steering_terms(filters: Filters, *, viewer: Viewer | None = None) -> pd.DataFrame:
    """Steering-committee terms that overlap the period, with whether each is current at the reference date."""
    win = window(filters, viewer)
    w, params = where(filters, win, Scope("term_start", date_end="term_end"))
    sql = f"""
        select city_id, city_name, region, country_iso3, role, term_start, term_end, is_current
        from steering_committee where {w}
        order by region, term_start
    """
    return db.frame(sql, params, viewer=viewer)


def ladder(filters: Filters, *, viewer: Viewer | None = None) -> pd.DataFrame:
    """How many member cities (at the period's end) had reached each step of the engagement ladder by then,
    and how many reached it during the period."""
    win = window(filters, viewer)
    city_w, params = where(filters, win, CITIES, alias="c")
    sql = f"""
        with members as (
            select c.city_id from city_engagement c
            where {city_w} and is_member_on(c.joined_on, c.left_on, $end)
        ),
        steps as (select milestone, step from ref_milestones),
        reached as (
            select m.step, count(*) as cities,
                count(*) filter (where $start::date is null or m.achieved_on >= $start::date) as in_period
            from city_milestones m join members using (city_id)
            where m.achieved_on <= $end
            group by 1
        ),
        final as (
            select steps.step, steps.milestone, coalesce(reached.cities, 0) as cities,
                coalesce(reached.in_period, 0) as in_period, (select count(*) from members) as members
            from steps left join reached using (step)
        )
        select * from final order by step
    """
    return db.frame(sql, params | {"end": win.end, "start": win.start}, viewer=viewer)


def dormant(filters: Filters, *, viewer: Viewer | None = None) -> pd.DataFrame:
    """Members with no recorded activity in the 365 days before the reference date (not the chosen period),
    oldest silence first."""
    city_w, params = where(filters, None, CITIES)
    sql = f"""
        select city_id, city_name, country_name, region, membership, joined_on, last_activity_on,
            date_diff('day', coalesce(last_activity_on, joined_on), (select as_of from meta_build)) as days_quiet,
            milestones_reached, events_hosted, participants
        from city_engagement
        where dormant and {city_w}
        order by days_quiet desc, city_name
    """
    return db.frame(sql, params, viewer=viewer)

"""Queries of the Overview page: headline KPIs against the period before, trends, regions."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboards.filters import Filters, Window
from dashboards.queries import db
from dashboards.queries.common import (
    ATTENDANCE,
    CITIES,
    EVENTS,
    Scope,
    first_activity,
    period_of,
    period_spine,
    where,
    window,
    with_partial,
)
from dashboards.security.access import Viewer
from data_pipeline.contract import REGIONS

KPI_COLUMNS = ("members", "new_members", "active_cities", "events", "participants", "participant_hours",
               "women_share", "awarded_usd", "disbursed_usd", "on_track_share")
# Activity of a city: dates and event filters apply, the place is the city's own (filtered on the city).
_CITY_ACTIVITY = Scope("start_date", region=None, country=None, event_type="event_type", topic="topic")


# KPIs that count things (whole numbers); the others are amounts and shares.
_COUNTED = ("members", "new_members", "active_cities", "events", "participants")


def _kpi_select(filters: Filters, win: Window, prefix: str, which: str) -> tuple[str, dict]:
    city_w, p1 = where(filters, win, CITIES, prefix=prefix, alias="c")
    joined_w, p2 = where(filters, win, Scope("joined_on"), prefix=prefix)
    ev_w, p3 = where(filters, win, EVENTS, prefix=prefix)
    att_w, p4 = where(filters, win, ATTENDANCE, prefix=prefix)
    host_w, p5 = where(filters, win, _CITY_ACTIVITY, prefix=prefix, alias="e")
    sent_w, p6 = where(filters, win, _CITY_ACTIVITY, prefix=prefix, alias="a")
    grant_w, p7 = where(filters, win, Scope("award_date"), prefix=prefix)
    pay_w, p8 = where(filters, win, Scope("paid_on"), prefix=prefix)
    ind_w, p9 = where(filters, win, Scope("period_end"), prefix=prefix)
    # One pass over attendance for its three KPIs: the period's people as one key bitmap, split by sex with
    # people_split (db.py); the active cities are the members among the hosts and senders of the period's events.
    # One row per KPI (kpi, value), stacked with union all: as one row of ten scalar subqueries per period, DuckDB's
    # join-order search over them took longer than running the query.
    sql = f"""
        with seen as (
            select people_map(participant_key) as seen, coalesce(sum(hours), 0) as participant_hours
            from fct_attendance where {att_w}
        ),
        by_sex as (
            select sum(participants) filter (where is_woman(value)) as women,
                sum(participants) filter (where gender_stated(value)) as known
            from people_split((select seen from seen)) where attribute = 'gender'
        ),
        active as (
            select e.city_id from fct_events e where {host_w}
            union select a.participant_city_id from fct_attendance a where {sent_w}
        )
        select '{which}' as which, 'members' as kpi, count(*)::double as value from city_counting c
            where {city_w} and is_member_on(c.joined_on, c.left_on, ${prefix}end)
        union all select '{which}', 'new_members', count(*) from city_counting where {joined_w}
        union all select '{which}', 'active_cities', count(*) from city_counting c
            where {city_w} and c.city_id in (select city_id from active)
        union all select '{which}', 'events', count(*) from fct_events where {ev_w}
        union all select '{which}', 'participants', coalesce(bit_count(seen), 0) from seen
        union all select '{which}', 'participant_hours', participant_hours from seen
        union all select '{which}', 'women_share', women_share(women, known) from by_sex
        union all select '{which}', 'awarded_usd', coalesce(sum(awarded_usd), 0) from grant_portfolio where {grant_w}
        union all select '{which}', 'disbursed_usd', coalesce(sum(amount_usd), 0) from fct_disbursements
            where {pay_w}
        union all select '{which}', 'on_track_share', count_if(status = 'on track') / nullif(count(*), 0)
            from indicator_achievement where {ind_w} and status in ('on track', 'off track')
    """
    return sql, p1 | p2 | p3 | p4 | p5 | p6 | p7 | p8 | p9


def kpis(filters: Filters, *, viewer: Viewer | None = None) -> pd.DataFrame:
    """The headline KPIs of the period and of the equal period before it.

    One row per period (`which` = 'current' / 'previous'; no previous row for "all time"), one column per KPI:
    members at the period's end, new members, cities that hosted or sent someone to an event, events, unique
    participants, participant-hours, the share of women among participants of known gender, USD awarded and
    disbursed, and the share of indicators reported on track among those due in the period.
    """
    win = window(filters, viewer)
    sql, params = _kpi_select(filters, win, "c_", "current")
    parts = [f"select * from ({sql})"]
    if win.previous is not None:
        prev_sql, prev_params = _kpi_select(filters, win.previous, "p_", "previous")
        parts.append(f"select * from ({prev_sql})")
        params |= prev_params
    stacked = db.frame(" union all ".join(parts), params, viewer=viewer)
    # turned into one row per period in plain Python: pandas' pivot, reindex and astype cost more than the rest
    value = dict(zip(zip(stacked["which"], stacked["kpi"], strict=True), stacked["value"], strict=True))
    periods = [w for w in ("current", "previous") if (w, "members") in value]
    wide = {"which": periods} | {
        kpi: np.array([value.get((w, kpi)) for w in periods], dtype="int64" if kpi in _COUNTED else "float64")
        for kpi in KPI_COLUMNS}
    return pd.DataFrame(wide)


def people_count(filters: Filters, *, viewer: Viewer | None = None) -> int:
    """Different people who took part in events in the period (the "Unique participants" key figure)."""
    w, params = where(filters, window(filters, viewer), ATTENDANCE)
    df = db.frame(f"select people(participant_key) as n from fct_attendance where {w}", params, viewer=viewer)
    return int(df["n"].fillna(0).iloc[0])


def trend(filters: Filters, *, viewer: Viewer | None = None) -> pd.DataFrame:
    """Per month (or quarter for long periods): events, unique participants, new members, USD awarded, and
    `partial` for a period the window covers only part of."""
    win = window(filters, viewer)
    grain = win.grain
    spine, params = period_spine(win, grain, first_activity(viewer))
    ev_w, p1 = where(filters, win, EVENTS)
    att_w, p2 = where(filters, win, ATTENDANCE)
    join_w, p3 = where(filters, win, Scope("joined_on"))
    grant_w, p4 = where(filters, win, Scope("award_date"))
    sql = f"""
        with spine as ({spine}),
        ev as (select {period_of(grain)} as period, count(*) as n
               from fct_events where {ev_w} group by 1),
        pa as (select {period_of(grain)} as period, people(participant_key) as n
               from fct_attendance where {att_w} group by 1),
        jo as (select period_start('{grain}', joined_on) as period, count(*) as n
               from city_counting where {join_w} group by 1),
        aw as (select period_start('{grain}', award_date) as period, sum(awarded_usd) as n
               from grant_portfolio where {grant_w} group by 1),
        final as (
            select spine.period, '{grain}' as grain,
                coalesce(ev.n, 0) as events, coalesce(pa.n, 0) as participants,
                coalesce(jo.n, 0) as new_members, round(coalesce(aw.n, 0)) as awarded_usd
            from spine
            left join ev using (period) left join pa using (period)
            left join jo using (period) left join aw using (period)
        )
        select * from final order by period
    """
    return with_partial(db.frame(sql, params | p1 | p2 | p3 | p4, viewer=viewer), win, grain)


def by_region(filters: Filters, *, viewer: Viewer | None = None) -> pd.DataFrame:
    """Per region (and 'No region' for activity without one): members at the period's end, new members,
    events, unique participants, participant-hours and USD awarded in the period."""
    win = window(filters, viewer)
    city_w, p1 = where(filters, win, CITIES)
    join_w, p2 = where(filters, win, Scope("joined_on"))
    ev_w, p3 = where(filters, win, EVENTS)
    att_w, p4 = where(filters, win, ATTENDANCE)
    grant_w, p5 = where(filters, win, Scope("award_date"))
    sql = f"""
        with regions as (
            select unnest($region_order) as region, generate_subscripts($region_order, 1) as ord
            union all select 'No region', 99
        ),
        mem as (select region, count(*) as members from city_counting
                where {city_w} and is_member_on(joined_on, left_on, $end) group by 1),
        jo as (select region, count(*) as new_members from city_counting where {join_w} group by 1),
        ev as (select coalesce(region, 'No region') as region, count(*) as events
               from fct_events where {ev_w} group by 1),
        pa as (select coalesce(region, 'No region') as region, participants, participant_hours
               from (select region, people(participant_key) as participants, sum(hours) as participant_hours
                     from fct_attendance where {att_w} group by region)),  -- grouping on coalesce(...) is slower
        aw as (select coalesce(region, 'No region') as region, sum(awarded_usd) as awarded_usd
               from grant_portfolio where {grant_w} group by 1),
        final as (
            select regions.region,
                coalesce(mem.members, 0) as members, coalesce(jo.new_members, 0) as new_members,
                coalesce(ev.events, 0) as events, coalesce(pa.participants, 0) as participants,
                round(coalesce(pa.participant_hours, 0), 1) as participant_hours,
                round(coalesce(aw.awarded_usd, 0)) as awarded_usd, regions.ord
            from regions
            left join mem using (region) left join jo using (region) left join ev using (region)
            left join pa using (region) left join aw using (region)
            where $all_regions or list_contains($regions, regions.region)
        )
        select * exclude (ord) from final order by ord
    """
    params = p1 | p2 | p3 | p4 | p5 | {"end": win.end, "all_regions": not filters.regions,
                                        "regions": list(filters.regions), "region_order": list(REGIONS)}
    return db.frame(sql, params, viewer=viewer)

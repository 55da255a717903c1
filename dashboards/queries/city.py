"""Queries of the city profile: one city's membership, ladder, events, people, grants and indicators.

Region and country filters do not apply here (the city fixes them); the period, event type and topic do.
"""

from __future__ import annotations

import pandas as pd

from dashboards.filters import Filters
from dashboards.queries import db
from dashboards.queries.common import (
    Scope,
    first_activity,
    indicator_result,
    period_of,
    period_spine,
    where,
    window,
    with_indicator_labels,
    with_original_amount,
    with_partial,
)
from dashboards.security.access import Viewer

ACTIVITY = Scope("start_date", region=None, country=None, event_type="event_type", topic="topic")
GRANTS = Scope("start_date", date_end="end_date", region=None, country=None)


def profile(city_id: str, *, viewer: Viewer | None = None) -> pd.DataFrame:
    """The city's row of city_engagement (empty when there is no such city)."""
    return db.frame("select * from city_engagement where city_id = $id", {"id": city_id}, viewer=viewer)


def first_city(*, viewer: Viewer | None = None) -> str | None:
    """The id of a city whose profile the viewer may open (None when there is none)."""
    found = db.frame("select min(city_id) as city_id from city_engagement", viewer=viewer)
    return found["city_id"].iloc[0] if len(found) and found["city_id"].notna().iloc[0] else None


def milestones(city_id: str, *, viewer: Viewer | None = None) -> pd.DataFrame:
    """Every step of the engagement ladder, with the date the city reached it (NULL if not yet)."""
    sql = """
        select r.step, r.milestone, m.achieved_on
        from ref_milestones r left join city_milestones m on m.milestone = r.milestone and m.city_id = $id
        order by r.step
    """
    return db.frame(sql, {"id": city_id}, viewer=viewer)


def terms(city_id: str, *, viewer: Viewer | None = None) -> pd.DataFrame:
    """The city's steering-committee terms, latest first."""
    return db.frame("select role, term_start, term_end, is_current from steering_committee where city_id = $id "
                    "order by term_start desc", {"id": city_id}, viewer=viewer)


def summary(filters: Filters, city_id: str, *, viewer: Viewer | None = None) -> pd.DataFrame:
    """One row: events hosted and attended, unique people and participant-hours from the city in the period."""
    w_e, p1 = where(filters, window(filters, viewer), ACTIVITY)
    w_a, p2 = where(filters, window(filters, viewer), ACTIVITY)
    sql = f"""
        select
            (select count(*) from fct_events where city_id = $id and {w_e}) as events_hosted,
            (select count(distinct event_id) from fct_attendance where participant_city_id = $id and {w_a})
                as events_attended,
            (select count(distinct participant_key) from fct_attendance where participant_city_id = $id and {w_a})
                as participants,
            (select coalesce(round(sum(hours), 1), 0) from fct_attendance where participant_city_id = $id and {w_a})
                as participant_hours
    """
    return db.frame(sql, p1 | p2 | {"id": city_id}, viewer=viewer)


def activity(filters: Filters, city_id: str, *, viewer: Viewer | None = None) -> pd.DataFrame:
    """Per period of the window: events the city hosted and people from the city who took part, and `partial` for
    a period the window covers only part of."""
    win = window(filters, viewer)
    grain = win.grain
    spine, params = period_spine(win, grain, first_activity(viewer))
    w, p = where(filters, win, ACTIVITY)
    sql = f"""
        with spine as ({spine}),
        hosted as (select {period_of(grain)} as period, count(*) as events_hosted
                   from fct_events where city_id = $id and {w} group by 1),
        sent as (select {period_of(grain)} as period, count(distinct participant_key) as participants
                 from fct_attendance where participant_city_id = $id and {w} group by 1)
        select spine.period, '{grain}' as grain, coalesce(hosted.events_hosted, 0) as events_hosted,
            coalesce(sent.participants, 0) as participants
        from spine left join hosted using (period) left join sent using (period) order by period
    """
    return with_partial(db.frame(sql, params | p | {"id": city_id}, viewer=viewer), win, grain)


def events(filters: Filters, city_id: str, *, viewer: Viewer | None = None) -> pd.DataFrame:
    """Events in the period the city hosted or sent people to, newest first, with how many came from it."""
    w, params = where(filters, window(filters, viewer), ACTIVITY, alias="e")
    sql = f"""
        with sent as (
            select event_id, count(*) as from_city from fct_attendance where participant_city_id = $id group by 1
        )
        select e.event_id, e.start_date, e.title, e.event_type, e.modality, e.topic,
            case when e.city_id = $id and sent.event_id is not null then 'hosted and attended'
                 when e.city_id = $id then 'hosted' else 'attended' end as involvement,
            coalesce(e.city_name, 'online / elsewhere') as venue, coalesce(sent.from_city, 0) as from_city,
            e.attendances
        from fct_events e left join sent using (event_id)
        where (e.city_id = $id or sent.event_id is not null) and {w}
        order by e.start_date desc, e.event_id
    """
    return db.frame(sql, params | {"id": city_id}, viewer=viewer)


def grants(filters: Filters, city_id: str, *, viewer: Viewer | None = None) -> pd.DataFrame:
    """The city's grants whose work overlaps the period (`awarded_original`: as awarded, when not in USD)."""
    w, params = where(filters, window(filters, viewer), GRANTS)
    sql = f"""
        select grant_id, title, donor_name, programme, theme, status, currency, amount_awarded,
            round(awarded_usd) as awarded_usd,
            round(disbursed_usd) as disbursed_usd, start_date, end_date, indicators, indicators_on_track,
            indicators_off_track
        from grant_portfolio where city_id = $id and {w}
        order by start_date desc
    """
    return with_original_amount(db.frame(sql, params | {"id": city_id}, viewer=viewer))


def indicators(filters: Filters, city_id: str, *, viewer: Viewer | None = None) -> pd.DataFrame:
    """Indicators of the city's grants in the period, each with its latest report up to the period's end (judged
    and labelled as on the Grants page)."""
    win = window(filters, viewer)
    w, params = where(filters, win, GRANTS, alias="g")
    sql = f"""
        with latest as (
            select i.*, row_number() over (partition by i.indicator_id order by i.period_end desc) as recency
            from indicator_achievement i
            where i.city_id = $id and i.actual is not null and i.period_end <= $end
        )
        select l.indicator_id, l.grant_id, l.title, {indicator_result("l")}
        from latest l join grant_portfolio g using (grant_id)
        where l.recency = 1 and {w}
        order by l.status = 'off track' desc, l.indicator_id
    """
    return with_indicator_labels(db.frame(sql, params | {"id": city_id, "end": win.end}, viewer=viewer))

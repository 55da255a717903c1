"""Queries of the Training & reach page: events, people reached and what they learned."""

from __future__ import annotations

import pandas as pd

from dashboards.filters import Filters, Window
from dashboards.queries import db
from dashboards.queries.common import (
    ATTENDANCE,
    EVENTS,
    first_activity,
    period_of,
    period_spine,
    where,
    window,
    with_partial,
)
from dashboards.security.access import Viewer


def events_over_time(filters: Filters, *, viewer: Viewer | None = None) -> pd.DataFrame:
    """Events and attendances per period, event type and modality (periods without events are absent), and
    `partial` for a period the window covers only part of."""
    win = window(filters, viewer)
    grain = win.grain
    w, params = where(filters, win, EVENTS)
    sql = f"""
        select {period_of(grain)} as period, '{grain}' as grain, event_type, modality,
            count(*) as events, sum(attendances) as attendances,
            coalesce(count(*) filter (where region is null), 0) as without_region
        from fct_events where {w}
        group by all order by period, event_type, modality
    """
    return with_partial(db.frame(sql, params, viewer=viewer), win, grain)


def attendance_over_time(filters: Filters, *, viewer: Viewer | None = None) -> pd.DataFrame:
    """Per period (every period of the window, zeros included): attendances and unique participants, and `partial`
    for a period the window covers only part of."""
    win = window(filters, viewer)
    grain = win.grain
    spine, params = period_spine(win, grain, first_activity(viewer))
    w, p = where(filters, win, ATTENDANCE)
    sql = f"""
        with spine as ({spine}),
        att as (
            select {period_of(grain)} as period, count(*) as attendances,
                people(participant_key) as participants, sum(hours) as participant_hours
            from fct_attendance where {w} group by 1
        )
        select spine.period, '{grain}' as grain, coalesce(att.attendances, 0) as attendances,
            coalesce(att.participants, 0) as participants, round(coalesce(att.participant_hours, 0), 1)
                as participant_hours
        from spine left join att using (period) order by period
    """
    return with_partial(db.frame(sql, params | p, viewer=viewer), win, grain)


def topics(filters: Filters, *, viewer: Viewer | None = None) -> pd.DataFrame:
    """Per topic: events, attendances and unique participants in the period, largest reach first."""
    win = window(filters, viewer)
    w, params = where(filters, win, ATTENDANCE, alias="a")
    ew, p2 = where(filters, win, EVENTS, alias="e")
    sql = f"""
        with ev as (select e.topic, count(*) as events from fct_events e where {ew} group by 1),
        att as (
            select a.topic, count(*) as attendances, people(a.participant_key) as participants
            from fct_attendance a where {w} group by 1
        )
        select ev.topic, ev.events, coalesce(att.attendances, 0) as attendances,
            coalesce(att.participants, 0) as participants
        from ev left join att using (topic)
        order by participants desc, events desc, topic
    """
    return db.frame(sql, params | p2, viewer=viewer)


def people(filters: Filters, *, viewer: Viewer | None = None) -> pd.DataFrame:
    """Unique participants of the period by sex, age band and role (`dimension`, `value`, `participants`)."""
    win = window(filters, viewer)
    w, params = where(filters, win, ATTENDANCE)
    # one bitmap of the period's people, split by each value of each attribute (people_split, db.py)
    sql = f"""
        with seen as (select people_map(participant_key) as seen from fct_attendance where {w})
        select attribute as dimension, value, participants from people_split((select seen from seen))
        where participants > 0
    """
    return db.frame(sql, params, viewer=viewer)


def _learning_select(filters: Filters, win: Window, prefix: str, by_type: bool) -> tuple[str, dict]:
    w, params = where(filters, win, ATTENDANCE, prefix=prefix)
    group = "event_type" if by_type else "'All event types'"
    # Counts and sums from attendance_by_event (a fifth of the rows at scale, so much faster for all time);
    # only the distinct people need the attendance rows themselves.
    sql = f"""
        with sums as (
            select {group} as event_type,
                cast(sum(attendances) as bigint) as attendances,
                sum(completed) as completed,
                cast(coalesce(sum(scored), 0) as bigint) as scored,
                sum(gain_sum) as gain_sum,
                sum(pre_sum) as pre_sum,
                sum(post_sum) as post_sum,
                cast(coalesce(sum(rated), 0) as bigint) as rated,
                sum(satisfaction_sum) as satisfaction_sum
            from attendance_by_event where {w}
            group by 1
        ),
        people as (
            select {group} as event_type, people(participant_key) as participants
            from fct_attendance where {w}
            group by 1
        )
        select sums.event_type,
            sums.attendances,
            coalesce(people.participants, 0) as participants,
            sums.completed / nullif(sums.attendances, 0) as completion_rate,
            sums.scored,
            sums.gain_sum / nullif(sums.scored, 0) as knowledge_gain,
            sums.pre_sum / nullif(sums.scored, 0) as pre_score,
            sums.post_sum / nullif(sums.scored, 0) as post_score,
            sums.rated,
            sums.satisfaction_sum / nullif(sums.rated, 0) as satisfaction
        from sums left join people using (event_type)
    """
    return sql, params


def learning(filters: Filters, *, viewer: Viewer | None = None) -> pd.DataFrame:
    """Per event type: completion rate, mean knowledge gain (post minus pre score, points out of 100, over
    attendances with both scores) and mean satisfaction (1-5, over ratings given), with the counts behind them."""
    sql, params = _learning_select(filters, window(filters, viewer), "", by_type=True)
    df = db.frame(f"select * from ({sql}) order by attendances desc", params, viewer=viewer)
    return df.round({"completion_rate": 4, "knowledge_gain": 2, "pre_score": 2, "post_score": 2, "satisfaction": 2})


def learning_kpis(filters: Filters, *, viewer: Viewer | None = None) -> pd.DataFrame:
    """The same measures over all event types, for the period (`which` = 'current') and the one before."""
    win = window(filters, viewer)
    sql, params = _learning_select(filters, win, "c_", by_type=False)
    parts = [f"select 'current' as which, * from ({sql})"]
    if win.previous is not None:
        prev_sql, prev_params = _learning_select(filters, win.previous, "p_", by_type=False)
        parts.append(f"select 'previous' as which, * from ({prev_sql})")
        params |= prev_params
    return db.frame(" union all ".join(parts), params, viewer=viewer)

"""Queries of the Grants & outcomes page: the portfolio, its timeline and the indicators' results."""

from __future__ import annotations

import pandas as pd

from dashboards.filters import Filters
from dashboards.queries import db
from dashboards.queries.common import (
    Scope,
    indicator_result,
    where,
    window,
    with_indicator_labels,
    with_original_amount,
    with_partial,
)
from dashboards.security.access import Viewer

# A grant belongs to a period when its funded work overlaps it; grants without dates never happen.
ACTIVE = Scope("start_date", date_end="end_date")
DIMENSIONS = {"donor_name": "Donor", "programme": "Programme", "theme": "Theme", "status": "Status",
              "region": "Region"}


def portfolio(filters: Filters, *, viewer: Viewer | None = None) -> pd.DataFrame:
    """Grants whose work overlaps the period, by donor, programme, theme, status and region:
    `dimension`, `value`, `grants`, `awarded_usd`, `disbursed_usd` (disbursed = paid to date), and
    `awarded_original` ("GBP 1.2M") where every grant of the group was awarded in one currency other than USD."""
    w, params = where(filters, window(filters, viewer), ACTIVE)
    parts = [
        f"""select '{dim}' as dimension, coalesce(cast({dim} as varchar), 'No {label.lower()}') as value,
                count(*) as grants, round(sum(awarded_usd)) as awarded_usd, round(sum(disbursed_usd)) as disbursed_usd,
                case when count(distinct currency) = 1 then any_value(currency) end as currency,
                sum(amount_awarded) as amount_awarded
            from active group by 1, 2"""
        for dim, label in DIMENSIONS.items()
    ]
    sql = f"with active as (select * from grant_portfolio where {w}) " + " union all ".join(parts)
    df = db.frame(f"select * from ({sql}) order by dimension, awarded_usd desc", params, viewer=viewer)
    return with_original_amount(df, short=True)


def grants(filters: Filters, *, viewer: Viewer | None = None) -> pd.DataFrame:
    """Every grant whose work overlaps the period, with its money (in USD, and `awarded_original` as awarded when
    that was another currency) and how its indicators stand."""
    w, params = where(filters, window(filters, viewer), ACTIVE)
    sql = f"""
        select grant_id, title, donor_name, city_id, coalesce(city_name, '(regional)') as city_name, region,
            country_iso3, programme, theme, status, currency, amount_awarded, round(awarded_usd) as awarded_usd,
            round(disbursed_usd) as disbursed_usd, round(disbursed_share, 3) as disbursed_share,
            award_date, start_date, end_date, indicators, indicators_on_track, indicators_off_track
        from grant_portfolio where {w}
        order by awarded_usd desc, grant_id
    """
    return with_original_amount(db.frame(sql, params, viewer=viewer))


def indicator_status(filters: Filters, *, viewer: Viewer | None = None) -> pd.DataFrame:
    """Indicator reports due in the period, per quarter of their period end and status; `partial` marks a quarter
    the period covers only part of."""
    win = window(filters, viewer)
    w, params = where(filters, win, Scope("period_end"))
    sql = f"""
        select period_start('quarter', period_end) as quarter, status, count(*) as indicators
        from indicator_achievement where {w}
        group by all order by quarter, status
    """
    return with_partial(db.frame(sql, params, viewer=viewer), win, "quarter", "quarter")


def indicators(filters: Filters, *, viewer: Viewer | None = None) -> pd.DataFrame:
    """Indicators of the grants in scope (work overlapping the period, region, country), with their latest report
    up to the period's end, judged by indicator_achievement (docs/marts.md) and labelled for reading:
    one row per indicator, off-track first, for the picker and the off-track list."""
    win = window(filters, viewer)
    w, params = where(filters, win, ACTIVE, alias="g")
    sql = f"""
        with reports as (
            select i.*, row_number() over (partition by i.indicator_id order by i.period_end desc) as recency
            from indicator_achievement i join grant_portfolio g using (grant_id)
            where {w} and i.actual is not null and i.period_end <= $end
        ),
        latest as (select * exclude (recency) from reports where recency = 1),
        final as (
            select latest.indicator_id, latest.title, latest.grant_id, g.title as grant_title, g.donor_name,
                latest.city_id, coalesce(g.city_name, '(regional)') as city_name, latest.region,
                {indicator_result("latest")}
            from latest join grant_portfolio g using (grant_id)
        )
        select * from final
        order by status = 'off track' desc, progress nulls last, indicator_id
    """
    return with_indicator_labels(db.frame(sql, params | {"end": win.end}, viewer=viewer))


def off_track(filters: Filters, *, viewer: Viewer | None = None, listed: pd.DataFrame | None = None) -> pd.DataFrame:
    """Indicators whose latest report up to the period's end is off track: `listed` (what `indicators` answered
    for the same filters and viewer) filtered, queried when not given."""
    if listed is None:
        listed = indicators(filters, viewer=viewer)
    return listed[listed["status"] == "off track"].reset_index(drop=True)


def indicator_series(indicator_id: str | None, *, viewer: Viewer | None = None) -> pd.DataFrame:
    """Every reporting period of one indicator: how it is judged, the period's target and actual, the totals to
    date it is judged on, progress and status."""
    sql = f"""
        select indicator_id, title, {indicator_result("i")}, period_start, target, actual
        from indicator_achievement i where indicator_id = $id order by period_end
    """
    return db.frame(sql, {"id": indicator_id or ""}, viewer=viewer)

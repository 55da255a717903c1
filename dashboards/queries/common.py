"""What every page needs from the database: build facts, filter options, and the WHERE-clause builder."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

import pandas as pd

from dashboards import formatting as fmt
from dashboards import notes
from dashboards.filters import Filters, Window, partial_note, resolve
from dashboards.i18n import _
from dashboards.queries import db
from dashboards.security.access import Viewer
from data_pipeline.contract import EVENT_TYPES

FILTER_NAMES = {"period": "period", "region": "region", "country": "country", "event": "event type",
                "topic": "topic"}


@dataclass(frozen=True)
class Scope:
    """Which column of a table each filter applies to; None = the filter does not apply to that table."""

    date: str | None
    region: str | None = "region"
    country: str | None = "country_iso3"
    event_type: str | None = None
    topic: str | None = None
    date_end: str | None = None  # set for things that last (grants, terms): "overlaps the period"

    def ignores(self, filters: Filters) -> list[str]:
        """Names of the chosen filters this table cannot be filtered by, for the chart's note."""
        applies = {"region": self.region, "country": self.country, "event": self.event_type,
                   "topic": self.topic}
        return [FILTER_NAMES[k] for k in filters.active() if not applies[k]]


EVENTS = Scope("start_date", event_type="event_type", topic="topic")
ATTENDANCE = Scope("start_date", event_type="event_type", topic="topic")
CITIES = Scope(None)
GRANTS_AWARDED = Scope("award_date")
PAYMENTS = Scope("paid_on")
INDICATORS = Scope("period_end")


def where(filters: Filters, window: Window | None, scope: Scope, *, prefix: str = "", alias: str = "",
          dates: bool = True) -> tuple[str, dict]:
    """A SQL condition (never empty: "true" when nothing applies) and its bound parameters.

    Column names come from `scope` (code, not input); values go into parameters named `<prefix>...` so two
    conditions (this period and the one before) can share one statement.
    """
    col = (lambda c: f"{alias}.{c}") if alias else (lambda c: c)
    clauses: list[str] = []
    params: dict = {}
    if dates and window is not None and scope.date:
        start_col, end_col = col(scope.date), col(scope.date_end or scope.date)
        clauses.append(f"{start_col} <= ${prefix}end")
        params[f"{prefix}end"] = window.end
        if window.start is not None:
            clauses.append(f"{end_col} >= ${prefix}start" if scope.date_end is None
                           else f"coalesce({end_col}, ${prefix}end) >= ${prefix}start")
            params[f"{prefix}start"] = window.start
    for attr, values, name in (("region", filters.regions, "regions"), ("country", filters.countries, "countries"),
                               ("event_type", filters.event_types, "event_types"),
                               ("topic", filters.topics, "topics")):
        column = getattr(scope, attr)
        if values and column:
            clauses.append(f"list_contains(${prefix}{name}, {col(column)})")
            params[f"{prefix}{name}"] = list(values)
    return (" and ".join(clauses) or "true"), params


def build_info(viewer: Viewer | None = None) -> dict:
    """The published build: built_at, as_of (the data's reference date), source, pipeline_version, is_demo."""
    return dict(_build_info(db.database_version(), viewer or db.current_viewer()))


@functools.lru_cache(maxsize=64)
def _build_info(version: str, viewer: Viewer) -> dict:
    """build_info of one database version as `viewer` sees it, kept in the process: nearly every callback asks
    for it two or three times, and even a cached answer costs a hash and an unpickle each
    time, and the first a query through the policy views. `version` only keys it: a new database is a new entry."""
    info = db.frame("select * from meta_build", viewer=viewer).iloc[0].to_dict()
    return info | {"as_of": pd.Timestamp(info["as_of"]).date(), "built_at": pd.Timestamp(info["built_at"])}


def as_of(viewer: Viewer | None = None) -> dt.date:
    """The data's reference date: "now" for every period of the dashboard."""
    return build_info(viewer)["as_of"]


def window(filters: Filters, viewer: Viewer | None = None) -> Window:
    """The dates of the chosen period in this database."""
    return resolve(filters, as_of(viewer))


def first_activity(viewer: Viewer | None = None) -> dt.date:
    """The first day anything happened (a city joined): where "all time" starts and quarter lists begin."""
    value = db.frame("select min(joined_on) as d from city_engagement", viewer=viewer)["d"].iloc[0]
    return pd.Timestamp(value).date() if pd.notna(value) else as_of(viewer)


def filter_options(viewer: Viewer | None = None) -> dict[str, list[dict]]:
    """Options of the filter bar from this database: countries with a member city or an event, topics used."""
    countries = db.frame(
        """with used as (
               select country_iso3, region from city_engagement
               union select country_iso3, region from fct_events where country_iso3 is not null
           )
           select distinct used.country_iso3 as iso3, coalesce(c.name, used.country_iso3) as name, used.region
           from used left join ref_countries c on c.iso3 = used.country_iso3
           where used.country_iso3 is not null
           order by name""",
        viewer=viewer,
    )
    topics = db.frame("select distinct topic from fct_events where topic is not null order by topic", viewer=viewer)
    return {
        "countries": countries.to_dict("records"),
        "topics": topics["topic"].tolist(),
        "event_types": list(EVENT_TYPES),
    }


def city_names(city_ids: list[str], viewer: Viewer | None = None) -> dict[str, str]:
    """The names of the given cities the viewer may see, by id."""
    if not city_ids:
        return {}
    df = db.frame("select city_id, city_name from city_engagement where list_contains($ids, city_id)",
                  {"ids": list(city_ids)}, viewer=viewer)
    return dict(zip(df["city_id"], df["city_name"], strict=True))


def country_names(viewer: Viewer | None = None) -> dict[str, str]:
    """Every country's name by its ISO-3 code."""
    df = db.frame("select iso3, name from ref_countries", viewer=viewer)
    return dict(zip(df["iso3"], df["name"], strict=True))


def period_of(grain: str) -> str:
    """SQL for the period (a date) an event or attendance falls in at `grain`. fct_events and fct_attendance
    store the month and quarter: grouping ten million attendances on them is ~40% faster than truncating
    every date."""
    return grain if grain in ("month", "quarter") else f"period_start('{grain}', start_date)"


def with_partial(frame: pd.DataFrame, window: Window, grain: str, column: str = "period") -> pd.DataFrame:
    """`frame` with `partial`: True for the periods (starting on `column`) the window covers only part of, such
    as the quarter still running at the data's date, which figures draw apart (figures.common.mark_partial) and
    notes name (notes.partial_periods)."""
    starts = pd.to_datetime(frame[column]).dt.date if len(frame) else []
    return frame.assign(partial=[partial_note(s, grain, window) is not None for s in starts])


# What an empty chart says about where the data lies: the table, its date column (the last of a span), and which
# filters apply. Planned events are not activity: only dates up to the data's date count.
SPANS = {
    "events": ("fct_events", "start_date", "start_date", EVENTS),
    "attendance": ("fct_attendance", "start_date", "start_date", ATTENDANCE),
    "grants": ("grant_portfolio", "start_date", "end_date", Scope("start_date", date_end="end_date")),
    "awards": ("grant_portfolio", "award_date", "award_date", GRANTS_AWARDED),
    "payments": ("fct_disbursements", "paid_on", "paid_on", PAYMENTS),
    "joins": ("city_counting", "joined_on", "joined_on", Scope("joined_on")),
    "indicators": ("indicator_achievement", "period_end", "period_end", INDICATORS),
}


# What an empty chart of each measure speaks of, and the SPANS entry that says where its dates lie.
NOTHING = {
    "events": ("events", "events"), "participants": ("participants", "attendance"),
    "unique_participants": ("participants", "attendance"), "attendances": ("attendances", "attendance"),
    "participant_hours": ("participant-hours", "attendance"), "members": ("member cities", "joins"),
    "joins": ("cities joining", "joins"), "awarded_usd": ("grants awarded", "awards"),
    "grants": ("grants at work", "grants"), "indicators": ("indicator reports", "indicators"),
}


def nothing_in(measure: str, filters: Filters, viewer: Viewer | None = None, *, where: str = "") -> str:
    """The words of an empty chart of `measure` (a NOTHING key): none in the period (`where`: " in any region"),
    and where in time the data has some, for the other filters."""
    what, kind = NOTHING[measure]
    return notes.nothing_in(what + where, window(filters, viewer), *span(kind, filters, viewer))


def span(what: str, filters: Filters, viewer: Viewer | None = None) -> tuple[dt.date | None, dt.date | None]:
    """The first and last date of `what` (a SPANS key) in this data for the filters other than the period: where
    the data lies, for an empty period's words. (None, None) when there is none at all."""
    table, first, last, scope = SPANS[what]
    w, params = where(filters, None, scope)
    capped = f"{first} <= (select as_of from meta_build)" if what in ("events", "attendance") else "true"
    df = db.frame(f"select min({first}) as first, max({last}) as last from {table} where {w} and {capped}",
                  params, viewer=viewer)
    found = df.iloc[0]
    return tuple(pd.Timestamp(found[c]).date() if pd.notna(found[c]) else None for c in ("first", "last"))


def period_spine(window: Window, grain: str, first: dt.date) -> tuple[str, dict]:
    """SQL for one row per period covering the window (`period`, its first day; `period_end`, its last, cut at the
    window's end: the date_spine macro, data_pipeline/sql/macros/periods.sql), and its parameters."""
    start = window.start or first
    return (
        f"""select period_start as period, period_end
            from date_spine('{grain}', $spine_start::date, $spine_end::date)""",
        {"spine_start": start, "spine_end": window.end},
    )


def with_original_amount(frame: pd.DataFrame, *, short: bool = False) -> pd.DataFrame:
    """`frame` (`amount_awarded`, `currency`: NULL where a group mixes currencies) with `awarded_original`, the
    amount as awarded where that was not US dollars ("GBP 250,000"; "" otherwise)."""
    return frame.assign(awarded_original=[
        fmt.original_amount(amount, currency, short=short)
        for amount, currency in zip(frame["amount_awarded"], frame["currency"], strict=True)])


# What an indicator list shows of each report: the values it is judged on (totals to date), how it is judged
# (direction, range, unit, how values add up) and the verdict, all from indicator_achievement (docs/marts.md).
INDICATOR_RESULT = ("result_type", "measure", "unit", "direction", "aggregation", "range_low", "range_high",
                    "baseline_value", "baseline_year", "period_end", "target_to_date", "actual_to_date",
                    "target_met", "progress", "status")


def indicator_result(alias: str) -> str:
    """The select list of INDICATOR_RESULT from indicator_achievement as `alias` (progress rounded to 0.1%)."""
    return ", ".join(f"round({alias}.progress, 3) as progress" if c == "progress" else f"{alias}.{c}"
                     for c in INDICATOR_RESULT)


def with_indicator_labels(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` (INDICATOR_RESULT columns) with the words a reader sees: `target_label` ("at least 200 people",
    "40% to 60%"), `actual_label` ("180 people"), `progress_label` ("46%", or "met" / "not met" where there
    is no way to measure a share of) and `adds_up` ("total to date", "latest level", "sum of periods to date")."""
    rows = frame.to_dict("records")
    return frame.assign(
        target_label=[fmt.indicator_target(r["target_to_date"], r["direction"], r["measure"], r["unit"],
                                           low=r["range_low"], high=r["range_high"]) for r in rows],
        actual_label=[fmt.indicator_value(r["actual_to_date"], r["measure"], r["unit"]) for r in rows],
        progress_label=[fmt.indicator_progress(r["progress"], r["target_met"], r["direction"]) for r in rows],
        adds_up=[_(fmt.AGGREGATION_WORDS[r["aggregation"]]) if r["aggregation"] in fmt.AGGREGATION_WORDS else ""
                 for r in rows],
    )

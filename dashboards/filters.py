"""The filter state of a page and its round trip through the URL query string.

The whole state lives in the URL so a copied link or a reload shows exactly the same view. `Filters` is the
typed state; `from_query` / `to_query` are the only code that reads or writes the query string, and both are
pure so they can be tested without a browser. Periods are relative to the data's reference date (`as_of` in
`meta_build`), never the wall clock: "last 12 months" of a database built from data ending in August 2025 ends
in August 2025.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from urllib.parse import parse_qs, urlencode

from dashboards import formatting as fmt
from dashboards.i18n import N_, _, current_language, ngettext
from data_pipeline.contract import EVENT_TYPES, REGIONS

DEFAULT_PERIOD = "last-12-months"
PRESETS = {  # the period dropdown's words, translated where shown (components/filter_bar.py)
    "last-12-months": N_("Last 12 months"),
    "this-year": N_("This year"),
    "last-year": N_("Last year"),
    "quarter": N_("A quarter…"),
    "custom": N_("Custom range…"),
    "all": N_("All time"),
}
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_ISO3 = re.compile(r"^[A-Z]{3}$")
_MAX_TEXT = 80  # topics are free text; a longer value is not a topic


def slug(text: str) -> str:
    """"East & Southern Africa" -> "east-southern-africa": readable URL values for code lists."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


REGION_BY_SLUG = {slug(r): r for r in REGIONS}
EVENT_TYPE_BY_SLUG = {slug(t): t for t in EVENT_TYPES}


@dataclass(frozen=True)
class Filters:
    """What the person looking at the dashboard has chosen. Empty tuples mean "all"."""

    period: str = DEFAULT_PERIOD  # a PRESETS key except "quarter", a quarter "2024-Q3", or "custom"
    start: dt.date | None = None  # custom range only
    end: dt.date | None = None
    regions: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    event_types: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()

    @property
    def preset(self) -> str:
        """The period dropdown's value: a quarter reads as "quarter"."""
        return "quarter" if _QUARTER.match(self.period) else self.period

    @property
    def quarter(self) -> str | None:
        return self.period if _QUARTER.match(self.period) else None

    def active(self) -> dict[str, tuple[str, ...]]:
        """The non-period filters that narrow the data, by URL key."""
        chosen = {"region": self.regions, "country": self.countries, "event": self.event_types,
                  "topic": self.topics}
        return {k: v for k, v in chosen.items() if v}

    def without(self, key: str) -> Filters:
        """These filters with one cleared (a chip's x): "period" returns to the default period."""
        if key == "period":
            return replace(self, period=DEFAULT_PERIOD, start=None, end=None)
        attr = {"region": "regions", "country": "countries", "event": "event_types", "topic": "topics"}[key]
        return replace(self, **{attr: ()})


def _ordered(values, order: tuple[str, ...]) -> tuple[str, ...]:
    chosen = set(values)
    return tuple(v for v in order if v in chosen)


def _date(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def make(period: str | None = None, *, start=None, end=None, regions=(), countries=(), event_types=(),
         topics=()) -> Filters:
    """Filters from loose input (controls, URL), dropping what is not valid and putting values in a fixed order.

    Unknown regions, event types or malformed country codes are ignored rather than failing the page: a link
    edited by hand still opens, showing what could be understood.
    """
    period = period or DEFAULT_PERIOD
    start, end = _date(str(start)[:10]) if start else None, _date(str(end)[:10]) if end else None
    if period == "custom":
        if start is None and end is None:
            period = DEFAULT_PERIOD
        elif start and end and end < start:
            start, end = end, start
    elif period not in PRESETS or period == "quarter":
        period = period if _QUARTER.match(period) else DEFAULT_PERIOD
    if period != "custom":
        start = end = None
    return Filters(
        period=period,
        start=start,
        end=end,
        regions=_ordered((r for r in regions or () if r in REGIONS), REGIONS),
        countries=tuple(sorted({c.upper() for c in countries or () if _ISO3.match(str(c).upper())})),
        event_types=_ordered((t for t in event_types or () if t in EVENT_TYPES), EVENT_TYPES),
        topics=tuple(sorted({t.strip() for t in topics or () if t and t.strip() and len(t) <= _MAX_TEXT})),
    )


def from_query(search: str | None, allowed_regions: tuple[str, ...] | None = None) -> Filters:
    """Filters from a query string such as "?period=2024-Q3&region=mena&country=JOR".

    `allowed_regions` (default: the current viewer's, for hub leads) narrows the regions: a region the viewer
    does not cover is dropped, and no choice means all of theirs. This keeps the pages showing the hub's own
    numbers; it is a convenience, not the protection (the query layer refuses other regions' rows anyway).
    """
    if allowed_regions is None:
        from dashboards.queries.db import current_viewer
        from dashboards.security.access import chosen_regions

        allowed_regions = chosen_regions(current_viewer())
    chosen = _from_query(search)
    if allowed_regions is not None:
        kept = tuple(r for r in chosen.regions if r in allowed_regions)
        chosen = replace(chosen, regions=kept or _ordered(allowed_regions, REGIONS))
    return chosen


def _from_query(search: str | None) -> Filters:
    params = parse_qs((search or "").lstrip("?"), keep_blank_values=False)
    first = {k: v[0] for k, v in params.items()}
    return make(
        first.get("period"),
        start=first.get("from"),
        end=first.get("to"),
        regions=[REGION_BY_SLUG.get(v, v) for v in params.get("region", [])],
        countries=params.get("country", []),
        event_types=[EVENT_TYPE_BY_SLUG.get(v, v) for v in params.get("event", [])],
        topics=params.get("topic", []),
    )


def to_query(filters: Filters, *, lang: str | None = None) -> str:
    """The query string of `filters`, "" for the defaults; `from_query(to_query(f)) == f` for valid filters.

    `lang`, the page's language when the URL names one (i18n/negotiate.py), is written last: it is no filter,
    but the filter bar writes the whole query string and must not drop it."""
    pairs: list[tuple[str, str]] = []
    if filters.period != DEFAULT_PERIOD:
        pairs.append(("period", filters.period))
    if filters.period == "custom":
        if filters.start:
            pairs.append(("from", filters.start.isoformat()))
        if filters.end:
            pairs.append(("to", filters.end.isoformat()))
    pairs += [("region", slug(r)) for r in filters.regions]
    pairs += [("country", c) for c in filters.countries]
    pairs += [("event", slug(t)) for t in filters.event_types]
    pairs += [("topic", t) for t in filters.topics]
    if lang:
        pairs.append(("lang", lang))
    return "?" + urlencode(pairs) if pairs else ""


# --- periods ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    """The dates a period covers (start None = since the beginning) and the equal period before it."""

    start: dt.date | None
    end: dt.date
    label: str
    previous: Window | None = None

    @property
    def days(self) -> int | None:
        return None if self.start is None else (self.end - self.start).days + 1

    @property
    def is_empty(self) -> bool:
        return self.start is not None and self.end < self.start

    @property
    def grain(self) -> str:
        """The time step of trend charts: months up to two years, quarters beyond."""
        return "month" if self.days is not None and self.days <= 731 else "quarter"

    def describe(self) -> str:
        """"2026 Q3 (1 Jul 2026 – 30 Sep 2026)", in the reader's language ("T3 2026 (1 juil. 2026 – ...)")."""
        return f"{self.label} ({fmt.period(self.start, self.end)})"


def _years_back(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def quarter_start(day: dt.date) -> dt.date:
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def quarter_name(day: dt.date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def quarter_label(quarter: str) -> str:
    """"2026-Q3" as the reader reads it: "2026 Q3" (pages and saved views compare English labels), "T3 2026",
    "الربع الثالث 2026" (formatting.quarter, the locale's own quarter names)."""
    year, number = quarter.split("-Q")
    if current_language() == "en":
        return f"{year} Q{number}"
    return fmt.quarter(dt.date(int(year), 3 * int(number), 1))


def _quarter_bounds(name: str) -> tuple[dt.date, dt.date]:
    year, q = (int(x) for x in _QUARTER.match(name).groups())
    start = dt.date(year, 3 * q - 2, 1)
    after = dt.date(year + (q == 4), 1 if q == 4 else 3 * q + 1, 1)
    return start, after - dt.timedelta(days=1)


def quarters_between(first: dt.date, last: dt.date) -> list[str]:
    """Quarter names from the one holding `last` back to the one holding `first`, newest first."""
    names, day = [], quarter_start(last)
    while day >= quarter_start(first):
        names.append(quarter_name(day))
        day = quarter_start(day - dt.timedelta(days=1))
    return names


def resolve(filters: Filters, as_of: dt.date) -> Window:
    """The dates of the chosen period, relative to the data's reference date, with the period before it.

    The period before has the same length and, for calendar periods that are still running, the same number
    of days (this year to 6 August is compared with last year to 6 August).
    """
    p = filters.period
    if p == "all":
        return Window(None, as_of, _("All time"))
    if p == "this-year":
        start = dt.date(as_of.year, 1, 1)
        prev = Window(dt.date(as_of.year - 1, 1, 1), _years_back(as_of, 1),
                      _("{year} to the same day").format(year=as_of.year - 1))
        return Window(start, as_of, _("This year ({year})").format(year=as_of.year), prev)
    if p == "last-year":
        y = as_of.year - 1
        prev = Window(dt.date(y - 1, 1, 1), dt.date(y - 1, 12, 31), str(y - 1))
        return Window(dt.date(y, 1, 1), dt.date(y, 12, 31), _("Last year ({year})").format(year=y), prev)
    if _QUARTER.match(p):
        start, last = _quarter_bounds(p)
        end = min(last, as_of)
        prev_start = quarter_start(start - dt.timedelta(days=1))
        # A finished quarter is compared with the whole quarter before; a running one with as many days of it,
        # and says so: "vs 2026 Q3" over one month of it would compare a month with a quarter.
        prev_name = quarter_label(quarter_name(prev_start))
        if end == last:
            return Window(start, end, quarter_label(p), Window(prev_start, start - dt.timedelta(days=1), prev_name))
        prev_end = min(prev_start + (end - start), start - dt.timedelta(days=1))
        return Window(start, end, _("{period} so far").format(period=quarter_label(p)),
                      Window(prev_start, prev_end, _("{period} to {day}").format(
                          period=prev_name, day=f"{prev_end.day} {prev_end:%b}")))
    if p == "custom":
        start = filters.start
        end = filters.end or as_of
        if start is None:
            return Window(None, end, _("Custom range"))
        length = end - start
        prev_end = start - dt.timedelta(days=1)
        return Window(start, end, _("Custom range"), Window(prev_end - length, prev_end, _("the period before")))
    # Whole calendar months, the last one running to the reference date, so monthly bars are comparable.
    start = _years_back(dt.date(as_of.year, as_of.month, 1), 1) + dt.timedelta(days=32)
    start = start.replace(day=1)
    prev = Window(_years_back(start, 1), _years_back(as_of, 1), _("the 12 months before"))
    return Window(start, as_of, _("Last 12 months"), prev)


GRAIN_MONTHS = {"month": 1, "quarter": 3, "year": 12}


def period_bounds(start: dt.date, grain: str) -> tuple[dt.date, dt.date]:
    """First and last day of the month, quarter or year starting on `start`."""
    years, month = divmod(start.month - 1 + GRAIN_MONTHS[grain], 12)
    return start, dt.date(start.year + years, month + 1, 1) - dt.timedelta(days=1)


def period_name(start: dt.date, grain: str) -> str:
    """"Oct 2026", "Q4 2026" or "2026", in the reader's language ("oct. 2026", "T4 2026")."""
    if grain == "month":
        return fmt.month(start)
    if grain == "quarter":
        return fmt.quarter(start)
    return str(start.year)


def partial_note(start: dt.date, grain: str, window: Window) -> str | None:
    """How much of a period the window covers, when not all of it: "Q4 2026 so far: 1 of 3 months (to 30 Oct
    2026)" for a period still running at the window's end, "Mar 2025 from 15 Mar 2025: 17 of 31 days" for one the
    window starts inside; None for a whole period. A partial period's count is not comparable with a whole one's."""
    first, last = period_bounds(start, grain)
    low = max(first, window.start) if window.start else first
    high = min(last, window.end)
    covered, total = (high - low).days + 1, (last - first).days + 1
    if covered >= total or covered <= 0:
        return None
    if grain == "month":
        amount = ngettext("{covered} of {total} day", "{covered} of {total} days", total).format(
            covered=covered, total=total)
    else:
        months = GRAIN_MONTHS[grain]
        amount = ngettext("{covered} of {total} month", "{covered} of {total} months", months).format(
            covered=max(1, round(covered / 30.44)), total=months)
    if high < last:
        return _("{period} so far: {amount} (to {day})").format(period=period_name(start, grain), amount=amount,
                                                                day=fmt.day(high))
    return _("{period} from {day}: {amount}").format(period=period_name(start, grain), day=fmt.day(low),
                                                     amount=amount)


def describe(filters: Filters, as_of: dt.date) -> str:
    """The filters in one sentence, for the print header and exported files."""
    parts = [resolve(filters, as_of).describe()]
    names = {"region": _("Regions"), "country": _("Countries"), "event": _("Event types"), "topic": _("Topics")}
    parts += [_("{filter}: {values}").format(filter=names[k], values=_(", ").join(v))
              for k, v in filters.active().items()]
    return _("; ").join(parts)


# --- the filter bar's controls ---------------------------------------------------------------------------------


def to_controls(filters: Filters) -> dict:
    """The value of each filter-bar control for `filters`."""
    return {
        "period": filters.preset,
        "quarter": filters.quarter,
        "start": filters.start.isoformat() if filters.start else None,
        "end": filters.end.isoformat() if filters.end else None,
        "regions": list(filters.regions),
        "countries": list(filters.countries),
        "event_types": list(filters.event_types),
        "topics": list(filters.topics),
    }


def from_controls(period, quarter, start, end, regions, countries, event_types, topics, *,
                  window: Window) -> Filters:
    """Filters from the filter bar's values. Choosing "custom range" before picking dates starts from the
    dates currently shown (`window`); choosing "a quarter" without one takes the quarter of the window's end."""
    if period == "quarter":
        period = quarter or quarter_name(window.end)
    if period == "custom" and not (start or end):
        start, end = window.start, window.end
    return make(period, start=start, end=end, regions=regions or (), countries=countries or (),
                event_types=event_types or (), topics=topics or ())

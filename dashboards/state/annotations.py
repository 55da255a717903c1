"""Notes on the numbers (what DHIS2 calls interpretations): a short dated note on a chart for a period.

"Q3 dip: elections in two hub countries", on training/events for 2026-Q3. Notes are shown beside the chart and
printed in the pack, to the people allowed to read them, and kept in the app's state file (dashboards/state/store.py),
outside the analytics database, so a rebuild or rollback keeps them.

Who reads and writes a note is decided here, on the server, for every call (`visible` and `_check_writer`; the
table is in docs/security.md):
- staff notes (the default) are read by administrators, programme managers and steering-committee members; a
  hub lead reads them only when the note is about one of their regions (a note on the whole network may speak of
  any region);
- notes marked for donors are read by every donor too, and notes marked for the public by everyone; neither
  donors nor the public ever read a note not marked for them;
- nobody reads a note on a chart of a page their role may not open;
- administrators and programme managers write notes, about the whole network or one region, for any audience;
  hub leads write staff notes about their own region only; nobody else writes. A note is removed by its author or
  an administrator (kept in the file, marked removed, for the audit trail).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from dashboards import formatting as fmt
from dashboards.filters import GRAIN_MONTHS, Filters, Window, period_bounds, period_name
from dashboards.i18n import N_, Refused
from dashboards.reports.charts import CHARTS
from dashboards.security import audit
from dashboards.security.access import NETWORK, REGION, Viewer
from dashboards.state import store as appstate
from data_pipeline.contract import REGIONS

STAFF, DONORS, PUBLIC = "staff", "donors", "public"
AUDIENCES = (STAFF, DONORS, PUBLIC)
WRITERS = frozenset({"admin", "programme_manager", "hub_lead"})
MIN_TEXT, MAX_TEXT = 3, 500

# Everything a person reads from this module, in one place for the translations to come.
TEXT = {
    "unknown_chart": N_("there is no chart {chart!r}"),
    "page_closed": N_("the {role} role may not open the page of {chart}"),
    "not_writer": N_("only administrators, programme managers and hub leads write notes on the numbers"),
    "hub_audience": N_("hub leads write notes for staff only; ask a programme manager to publish one for {audience}"),
    "hub_region": N_("a hub lead's note is about one of their regions ({regions})"),
    "unknown_region": N_("unknown region {region!r}; regions are: {regions}"),
    "unknown_audience": N_("audience {audience!r} is not one of {audiences}"),
    "short": N_("a note needs at least {n} characters"),
    "long": N_("a note has at most {n} characters (this one has {length})"),
    "control": N_("a note is plain text: it may not hold control characters"),
    "period": N_("period {period!r} is not a quarter (2026-Q3), a month (2026-09), a year (2026) or two dates "
                 "(2026-07-01..2026-09-30)"),
    "not_yours": N_("only its author or an administrator may remove note {id}"),
}

SCHEMA = """
create table if not exists chart_notes (
    id integer primary key,
    chart_id text not null,
    period_start text not null,
    period_end text not null,
    period_label text not null,
    region text,  -- null: the whole network
    audience text not null check (audience in ('staff', 'donors', 'public')),
    body text not null,
    author text not null,
    author_role text not null,
    created_at text not null,
    removed_at text,
    removed_by text
);
create index if not exists chart_notes_by_chart on chart_notes (chart_id, period_end)
"""

_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_YEAR = re.compile(r"^(\d{4})$")
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\s*\.\.\s*(\d{4}-\d{2}-\d{2})$")


class NoteRefused(Refused):
    """A note that may not be written, read or removed as asked; the message says why."""

    TEXT = TEXT


@dataclass(frozen=True)
class Note:
    """One note on a chart: what it says, for which period and region, for whom, by whom and when."""

    id: int
    chart_id: str
    period_start: dt.date
    period_end: dt.date
    period_label: str
    region: str | None
    audience: str
    text: str
    author: str
    author_role: str
    created_at: dt.datetime

    @property
    def period_name(self) -> str:
        """The period it is about in the reader's language ("Q3 2026", "T3 2026"), from its dates: the stored
        `period_label` is in its writer's language, kept for the audit trail and never shown."""
        return period_name_of(self.period_start, self.period_end)

    @property
    def dated(self) -> str:
        """"12 Oct 2026 · Q3 2026 · MENA": when it was written, the period it is about and its region."""
        return " · ".join(p for p in (fmt.day(self.created_at.date()), self.period_name, self.region) if p)


def period_name_of(start: dt.date, end: dt.date) -> str:
    """A note's period named in the current language: a whole year, quarter or month by its name ("2026",
    "Q3 2026", "Sep 2026"), other dates as a range. Only the dates are read, so every note, old or new, reads in
    its reader's language."""
    for grain in ("year", "quarter", "month"):
        if start.day == 1 and (start.month - 1) % GRAIN_MONTHS[grain] == 0 and \
                period_bounds(start, grain)[1] == end:
            return period_name(start, grain)
    return fmt.period(start, end)


def parse_period(period: str | tuple[dt.date, dt.date]) -> tuple[dt.date, dt.date, str]:
    """(first day, last day, label) of a quarter "2026-Q3", a month "2026-09", a year "2026", a range
    "2026-07-01..2026-09-30" or a (start, end) pair of dates."""
    if isinstance(period, tuple) and len(period) == 2 and all(isinstance(d, dt.date) for d in period):
        start, end = sorted(period)
        return start, end, fmt.period(start, end)
    text = str(period or "").strip()
    try:
        if m := _QUARTER.match(text):
            start = dt.date(int(m[1]), 3 * int(m[2]) - 2, 1)
            return *period_bounds(start, "quarter"), period_name(start, "quarter")
        if m := _MONTH.match(text):
            start = dt.date(int(m[1]), int(m[2]), 1)
            return *period_bounds(start, "month"), period_name(start, "month")
        if m := _YEAR.match(text):
            start = dt.date(int(m[1]), 1, 1)
            return *period_bounds(start, "year"), period_name(start, "year")
        if m := _RANGE.match(text):
            start, end = sorted((dt.date.fromisoformat(m[1]), dt.date.fromisoformat(m[2])))
            return start, end, fmt.period(start, end)
    except ValueError:
        pass
    raise NoteRefused("period", period=text)


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFC", str(text or "")).strip()
    if any(unicodedata.category(c) == "Cc" and c not in "\n\t" for c in text):
        raise NoteRefused("control")
    if len(text) < MIN_TEXT:
        raise NoteRefused("short", n=MIN_TEXT)
    if len(text) > MAX_TEXT:
        raise NoteRefused("long", n=MAX_TEXT, length=len(text))
    return text


def _chart_page(chart_id: str) -> str:
    chart = CHARTS.get(chart_id)
    if chart is None:
        raise NoteRefused("unknown_chart", chart=chart_id)
    return chart.page


def _check_writer(viewer: Viewer, chart_id: str, audience: str, region: str | None) -> None:
    page = _chart_page(chart_id)
    if viewer.role not in WRITERS or viewer.kind is None:
        raise NoteRefused("not_writer")
    if not viewer.may_open(page):
        raise NoteRefused("page_closed", role=viewer.role, chart=chart_id)
    if audience not in AUDIENCES:
        raise NoteRefused("unknown_audience", audience=audience, audiences=", ".join(AUDIENCES))
    if region is not None and region not in REGIONS:
        raise NoteRefused("unknown_region", region=region, regions=", ".join(REGIONS))
    if viewer.scope == REGION:
        if audience != STAFF:
            raise NoteRefused("hub_audience", audience=audience)
        if region not in viewer.regions:
            raise NoteRefused("hub_region", regions=", ".join(viewer.regions))


def visible(viewer: Viewer, note: Note) -> bool:
    """Whether `viewer` may read `note` (the module's docstring says the rule in words)."""
    chart = CHARTS.get(note.chart_id)
    if viewer.kind is None or chart is None or not viewer.may_open(chart.page):
        return False
    if note.audience == PUBLIC:
        return True
    if note.audience == DONORS:
        return viewer.scope in (NETWORK, REGION, "donor")
    if viewer.scope == NETWORK:
        return True
    return viewer.scope == REGION and note.region is not None and note.region in viewer.regions


def add(viewer: Viewer, chart_id: str, period: str | tuple[dt.date, dt.date], text: str, audience: str = STAFF,
        *, region: str | None = None, path: Path | None = None) -> Note:
    """Write a note on `chart_id` about `period` (see parse_period) for `audience`, about the whole network or
    one `region` (a hub lead's: their own, by default the first they lead). Refused (NoteRefused) unless the viewer
    may write it."""
    if viewer.scope == REGION and region is None and viewer.regions:
        region = viewer.regions[0]
    _check_writer(viewer, chart_id, audience, region)
    start, end, label = parse_period(period)
    body = _clean(text)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    with appstate.transaction(SCHEMA, path=path) as con:
        cur = con.execute(
            "insert into chart_notes (chart_id, period_start, period_end, period_label, region, audience, body,"
            " author, author_role, created_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (chart_id, start.isoformat(), end.isoformat(), label, region, audience, body, viewer.user, viewer.role,
             now.isoformat()))
        note_id = cur.lastrowid
    audit.record("note_added", actor=viewer.user, role=viewer.role, note=note_id, chart=chart_id, period=label,
                 audience=audience, region=region)
    return Note(note_id, chart_id, start, end, label, region, audience, body, viewer.user, viewer.role, now)


def _note(row) -> Note:
    return Note(row["id"], row["chart_id"], dt.date.fromisoformat(row["period_start"]),
                dt.date.fromisoformat(row["period_end"]), row["period_label"], row["region"], row["audience"],
                row["body"], row["author"], row["author_role"], dt.datetime.fromisoformat(row["created_at"]))


def for_chart(viewer: Viewer, chart_id: str, filters: Filters | None = None, *, window: Window | None = None,
              path: Path | None = None) -> list[Note]:
    """The notes `viewer` may read on `chart_id` whose period overlaps the chart's (`window`, else the filters'
    period in this database) and whose region is one the filters show (a note about MENA is not shown beside
    Europe's numbers), oldest period first."""
    _chart_page(chart_id)
    filters = filters or Filters()
    if window is None:
        from dashboards.queries import common

        window = common.window(filters, viewer)
    with appstate.transaction(SCHEMA, path=path, write=False) as con:
        # a window without a start ("all time") overlaps every period up to its end
        start = window.start.isoformat() if window.start else "0000-01-01"
        rows = con.execute(
            "select * from chart_notes where chart_id = ? and removed_at is null and period_start <= ?"
            " and period_end >= ? order by period_start, created_at, id",
            (chart_id, window.end.isoformat(), start)).fetchall()
    notes = [_note(r) for r in rows]
    return [n for n in notes if visible(viewer, n)
            and (n.region is None or not filters.regions or n.region in filters.regions)]


def removable(viewer: Viewer, note: Note) -> bool:
    """Whether `viewer` may remove `note`: one they read, written by them, or any they read if an administrator
    (the page offers its Remove button on this rule; `remove` applies it)."""
    return visible(viewer, note) and (note.author == viewer.user or viewer.role == "admin")


def remove(viewer: Viewer, note_id: int, *, path: Path | None = None) -> bool:
    """Remove a note (its author or an administrator); False when there is no such note."""
    with appstate.transaction(SCHEMA, path=path) as con:
        row = con.execute("select * from chart_notes where id = ? and removed_at is null", (note_id,)).fetchone()
        if row is None or not visible(viewer, _note(row)):
            return False
        if not removable(viewer, _note(row)):
            raise NoteRefused("not_yours", id=note_id)
        con.execute("update chart_notes set removed_at = ?, removed_by = ? where id = ?",
                    (dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(), viewer.user, note_id))
    audit.record("note_removed", actor=viewer.user, role=viewer.role, note=note_id)
    return True

"""The committee pack: one A4 PDF of the charts a person chooses (or a saved set, "steering committee quarterly"),
made on the server, offline, under the person's own access policy.

    pack.make(viewer, spec, lang) -> PDF bytes

A `Spec` names the pack's title, its filters (a query string, as the filter bar writes it) and its charts (ids of
dashboards/reports/charts.py, each with the options its page offers and, if it differs, its own filters); with
`summary`, the impact summary's words come first. `gather` collects everything the PDF prints, as `viewer`:

- every chart by its page's own callback (charts.draw), so the viewer's row limits, masked confidential members
  and suppressed counts are exactly their page's; a chart of a page they may not open is refused, not left out;
- the filters are the page's: checked like a saved view's (saved_views.checked_query) and narrowed to what the
  viewer covers, with the same notice as on the page;
- the notes on each chart the viewer may read (dashboards/state/annotations.py), for the chart's period and regions;
- the cover facts: period, filters, data date and build (queries.common.build_info, as the viewer);
- the impact summary's sentences (words.summary_sentences) for the impact page's audience, the viewer.

Pack sets are specs kept by name in the app's state file (`save_set`, `get_set`, `list_sets`), which
subscriptions (delivery.py) send on a schedule. Administrators and programme managers keep them; anyone signed in
may make one, as themselves.

Languages: `lang` ("en", "fr", "ar") is the pack's: everything is gathered and printed in it (`using(lang)`: the
impact summary's sentences, the period and filters, the charts' words, pack_pdf.TEXT), whatever the request's
language; a scheduled pack takes its subscription's. The refusals below (TEXT) stay English: they answer the
person or the command line that asked, not the pack's reader.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from dashboards import filters as flt
from dashboards import settings
from dashboards.i18n import N_, _, using
from dashboards.queries import db
from dashboards.reports import charts
from dashboards.security import audit
from dashboards.security.access import ROLES, Viewer
from dashboards.state import annotations
from dashboards.state import store as appstate
from dashboards.state.saved_views import ViewRefused, checked_query, region_notice
from data_pipeline.contract import REGIONS

LANGS = ("en", "fr", "ar")
MAX_ITEMS = 24
MAX_TITLE = 120
KEEPERS = frozenset({"admin", "programme_manager"})

TEXT = {
    "lang": "language {lang!r} is not one of {langs}",
    "title": f"a pack needs a title of 1 to {MAX_TITLE} characters",
    "items": f"a pack holds 1 to {MAX_ITEMS} charts",
    "item": "each chart of a pack is a chart id or {{\"chart\": id, \"options\": {{...}}, \"query\": \"?...\"}}",
    "query": "the filters of a pack are a query string such as '?period=2026-Q3&region=mena', not {query!r}",
    "spec": "a pack is {{\"title\": ..., \"query\": \"?...\", \"charts\": [...], \"summary\": true}}: {why}",
    "keepers": "only administrators and programme managers keep pack sets",
    "set_exists": "there is already a pack set named {name!r}",
    "no_set": "there is no pack set {name!r}",
    "summary_none": N_("The impact summary is not part of this pack: your role does not open the impact page."),
}


class PackRefused(ValueError):
    """A pack that may not be made or kept as asked (its spec, its charts, or the viewer's role); says why."""


@dataclass(frozen=True)
class Item:
    """One chart of a pack: its id, its options, and its own filters when they differ from the pack's."""

    chart: str
    options: tuple[tuple[str, object], ...] = ()
    query: str | None = None


@dataclass(frozen=True)
class Spec:
    """What a pack holds: title, filters (a query string), charts, and whether the impact summary's words lead."""

    title: str
    items: tuple[Item, ...]
    query: str = ""
    summary: bool = True

    def as_json(self) -> dict:
        return {"title": self.title, "query": self.query, "summary": self.summary,
                "charts": [{"chart": i.chart, "options": dict(i.options), **({"query": i.query} if i.query else {})}
                           for i in self.items]}


def _query(text) -> str:
    if text is None or text == "":
        return ""
    if not isinstance(text, str) or not text.startswith("?") or len(text) > 2000:
        raise PackRefused(TEXT["query"].format(query=str(text)[:80]))
    return text


def spec_from(raw: dict | Spec) -> Spec:
    """A Spec from its JSON form ({"title", "query", "charts": [id or {"chart", "options", "query"}], "summary"}),
    checked for shape and known charts (what a viewer may have is checked when the pack is made)."""
    if isinstance(raw, Spec):
        return raw
    if not isinstance(raw, dict):
        raise PackRefused(TEXT["spec"].format(why="not an object"))
    unknown = sorted(set(raw) - {"title", "query", "charts", "summary"})
    if unknown:
        raise PackRefused(TEXT["spec"].format(why=f"unknown key {unknown[0]!r}"))
    title = " ".join(str(raw.get("title") or "").split())
    if not 1 <= len(title) <= MAX_TITLE:
        raise PackRefused(TEXT["title"])
    listed = raw.get("charts")
    if not isinstance(listed, list) or not 1 <= len(listed) <= MAX_ITEMS:
        raise PackRefused(TEXT["items"])
    items = []
    for entry in listed:
        entry = {"chart": entry} if isinstance(entry, str) else entry
        if not isinstance(entry, dict) or set(entry) - {"chart", "options", "query"} or \
                not isinstance(entry.get("chart"), str) or not isinstance(entry.get("options", {}), dict):
            raise PackRefused(TEXT["item"])
        if entry["chart"] not in charts.CHARTS:
            raise PackRefused(f"there is no chart {entry['chart']!r}; charts are: {', '.join(charts.CHARTS)}")
        query = _query(entry.get("query")) or None
        items.append(Item(entry["chart"], tuple(sorted(entry.get("options", {}).items())), query))
    return Spec(title, tuple(items), _query(raw.get("query")), bool(raw.get("summary", True)))


# --- what the pack prints ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PackChart:
    """One chart as printed: the page's drawing, its image, the notes on it, and its filters if its own."""

    drawn: charts.Drawn
    image: bytes | None
    notes: tuple[annotations.Note, ...]
    filters_text: str | None = None
    notice: str | None = None


@dataclass(frozen=True)
class Pack:
    """Everything the PDF prints, for one viewer."""

    title: str
    prepared_for: str
    period: str
    filters_text: str
    as_of: dt.date
    built_at: dt.datetime
    is_demo: bool
    suppress_below: int | None  # the threshold when the viewer's counts are suppressed, else None
    lang: str
    notice: str | None = None
    summary: tuple[str, ...] = ()
    summary_note: str | None = None
    charts: tuple[PackChart, ...] = field(default_factory=tuple)
    made_at: dt.datetime | None = None


def check_lang(lang: str | None) -> str:
    lang = (lang or "en").strip().lower()
    if lang not in LANGS:
        raise PackRefused(TEXT["lang"].format(lang=lang, langs=", ".join(LANGS)))
    return lang


def gather(viewer: Viewer, spec: Spec | dict, lang: str = "en", *, images: bool = True) -> Pack:
    """What the pack of `spec` prints for `viewer` (see the module docstring); `images=False` skips drawing the
    charts as images (for tests of content). The browser that draws the images starts first, while the charts'
    queries run."""
    spec = spec_from(spec)
    lang = check_lang(lang)
    with using(lang), charts.Painter() if images else contextlib.nullcontext() as painter:
        return _gather(viewer, spec, lang, painter)


def _gather(viewer: Viewer, spec: Spec, lang: str, painter: charts.Painter | None) -> Pack:
    from dashboards.queries import common
    from dashboards.queries import impact as impact_q
    from dashboards.reports.words import summary_sentences

    try:
        # A pack's filters may be someone else's choice (a pack set): regions the viewer does not cover are
        # narrowed to theirs, with the page's notice, not refused.
        pack_query = checked_query(viewer, spec.query, other_regions=True)
        item_queries = [checked_query(viewer, item.query, other_regions=True) if item.query else pack_query
                        for item in spec.items]
        drawn = charts.draw(viewer, [(item.chart, q, dict(item.options))
                                     for item, q in zip(spec.items, item_queries, strict=True)])
    except (ViewRefused, charts.ChartRefused) as exc:
        raise PackRefused(str(exc)) from exc
    with db.acting_as(viewer):
        chosen = flt.from_query(pack_query)
        build = common.build_info()
        win = common.window(chosen)
        summary, summary_note = (), None
        if spec.summary and viewer.may_open("impact"):
            data = impact_q.report(chosen, period_label=_("All time") if chosen.period == "all" else win.describe(),
                                   filters_text=flt.describe(chosen, build["as_of"]))
            summary = tuple(summary_sentences(data))
        elif spec.summary:
            summary_note = _(TEXT["summary_none"])
        printed = []
        pictures = painter.paint([d.figure for d in drawn]) if painter else [None] * len(drawn)
        for d, query, picture in zip(drawn, item_queries, pictures, strict=True):
            own = flt.from_query(query)
            notes = annotations.for_chart(viewer, d.chart.id, own, window=common.window(own))
            printed.append(PackChart(d, picture, tuple(notes),
                                     flt.describe(own, build["as_of"]) if query != pack_query else None,
                                     region_notice(viewer, query) if query != pack_query else None))
    role = _(ROLES[viewer.role].label) if viewer.kind else viewer.role
    return Pack(
        title=spec.title, prepared_for=f"{viewer.user} ({role})", period=win.describe(),
        filters_text=flt.describe(chosen, build["as_of"]), as_of=build["as_of"],
        built_at=pd.Timestamp(build["built_at"]).to_pydatetime(),
        is_demo=bool(build.get("is_demo")) or settings.get().demo,
        suppress_below=settings.get().suppress_below if viewer.suppressed else None, lang=lang,
        notice=region_notice(viewer, pack_query), summary=summary, summary_note=summary_note,
        charts=tuple(printed), made_at=dt.datetime.now(dt.UTC).replace(microsecond=0))


def make(viewer: Viewer, spec: Spec | dict, lang: str = "en") -> bytes:
    """The pack of `spec` as an A4 PDF, made as `viewer` (PackRefused if they may not have it)."""
    from dashboards.reports import pack_pdf

    pack = gather(viewer, spec, lang)
    pdf = pack_pdf.render(pack)
    audit.record("pack_made", actor=viewer.user, role=viewer.role, title=pack.title, charts=len(pack.charts),
                 filters=pack.filters_text)
    return pdf


def filename(pack: Pack | Spec, period: str = "") -> str:
    """"scn-pack-steering-committee-quarterly-2026-q3.pdf"."""
    from dashboards.reports import exports

    return exports.filename("scn-pack", pack.title, period, ext="pdf")


# --- pack sets -------------------------------------------------------------------------------------------------

SCHEMA = """
create table if not exists pack_sets (
    id integer primary key,
    name text not null unique collate nocase,
    spec text not null,
    owner text not null,
    updated_at text not null
)
"""


@dataclass(frozen=True)
class PackSet:
    """A named pack spec ("steering committee quarterly") that people choose and subscriptions send."""

    id: int
    name: str
    spec: Spec
    owner: str
    updated_at: str


def _set(row) -> PackSet:
    return PackSet(row["id"], row["name"], spec_from(json.loads(row["spec"])), row["owner"], row["updated_at"])


def save_set(viewer: Viewer, name: str, spec: Spec | dict, *, replace: bool = False,
             path: Path | None = None) -> PackSet:
    """Keep `spec` as the pack set `name` (administrators and programme managers)."""
    if viewer.role not in KEEPERS:
        raise PackRefused(TEXT["keepers"])
    name = " ".join(str(name or "").split())
    spec = spec_from(spec)
    if not 1 <= len(name) <= MAX_TITLE:
        raise PackRefused(TEXT["title"])
    for item in spec.items:  # a set is made for others: its options must at least suit its keeper
        charts.options_for(charts.CHARTS[item.chart], viewer, dict(item.options))
    now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    with appstate.transaction(SCHEMA, path=path) as con:
        row = con.execute("select id from pack_sets where name = ?", (name,)).fetchone()
        if row and not replace:
            raise PackRefused(TEXT["set_exists"].format(name=name))
        if row:
            con.execute("update pack_sets set spec = ?, owner = ?, updated_at = ? where id = ?",
                        (json.dumps(spec.as_json()), viewer.user, now, row["id"]))
        else:
            con.execute("insert into pack_sets (name, spec, owner, updated_at) values (?, ?, ?, ?)",
                        (name, json.dumps(spec.as_json()), viewer.user, now))
        saved = _set(con.execute("select * from pack_sets where name = ?", (name,)).fetchone())
    audit.record("pack_set_saved", actor=viewer.user, role=viewer.role, name=name, charts=len(spec.items))
    return saved


def get_set(name_or_id: str | int, *, path: Path | None = None) -> PackSet:
    with appstate.transaction(SCHEMA, path=path, write=False) as con:
        row = con.execute("select * from pack_sets where id = ? or name = ?",
                          (name_or_id if isinstance(name_or_id, int) or str(name_or_id).isdigit() else -1,
                           str(name_or_id))).fetchone()
    if row is None:
        raise PackRefused(TEXT["no_set"].format(name=name_or_id))
    return _set(row)


def list_sets(*, path: Path | None = None) -> list[PackSet]:
    with appstate.transaction(SCHEMA, path=path, write=False) as con:
        return [_set(r) for r in con.execute("select * from pack_sets order by lower(name)").fetchall()]


def for_period(spec: Spec, query_period: dict[str, str]) -> Spec:
    """`spec` with its period set to `query_period` ({"period": "2026-Q3"} or a custom range), its other filters
    kept: a scheduled pack reports on the period just ended."""
    chosen = flt.from_query(spec.query, allowed_regions=REGIONS)
    period = flt.make(query_period.get("period"), start=query_period.get("from"), end=query_period.get("to"))
    chosen = dataclasses.replace(chosen, period=period.period, start=period.start, end=period.end)
    return dataclasses.replace(spec, query=flt.to_query(chosen))

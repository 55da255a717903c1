"""The charts a pack can hold, drawn exactly as their page draws them, and how a chart becomes an image.

A chart of the pack is not drawn again by other code: `draw` calls the page's own callback (the adapter that reads
the filters, calls the query function and the figure function, and writes the "based on" note) as the pack's
viewer (`db.acting_as`), so the viewer's row limits, masked confidential members and suppressed counts apply
exactly as on their page, and a change to a page's chart changes the pack's with it. `CHARTS` says, for each chart,
which page it is on, which callback draws it, where in the callback's answer its figure and note are, and which of
the page's controls it takes as options (checked by the page's own allowed-values rule for the viewer, the rule the
gate applies to the page's requests).

Images: kaleido 1.x driving the system Chromium (`settings.chromium_path`), with the app's own plotly.js bundle
(assets/vendor) and the map geometry (assets/topojson) loaded from disk, MathJax off: nothing is fetched from the
network, and the image is what the page's browser draws. One browser per pack, started while the charts' queries
run (`Painter`), its charts drawn one after another (2 cores: drawing in parallel tabs was no faster);
bench/pack.py measures a pack of 8 charts.
"""

from __future__ import annotations

import asyncio
import json
import logging
import queue
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from dashboards import settings
from dashboards.i18n import N_
from dashboards.queries import db
from dashboards.security.access import Viewer

ASSETS = Path(__file__).resolve().parent.parent.parent / "assets"
PLOTLY_JS = ASSETS / "vendor" / "plotly-scn.min.js"
MAP_GEOMETRY = ASSETS / "topojson" / "world_110m.json"
WIDTH_PX = 900  # a chart is laid out this wide (about a desktop card), then printed 180 mm wide on A4
SCALE = 2  # pixels per layout pixel: sharp when printed at ~250 dpi
DRAW_TIMEOUT_S = 60
MAX_VALUES = 40  # labelled bars printed as text under a chart; more would be a table nobody reads


class ChartRefused(ValueError):
    """A chart the viewer may not have, or an option its page would not accept from them; says which."""


class DrawingFailed(RuntimeError):
    """The browser could not draw the charts (missing, crashed, timed out); says what to do."""


@dataclass(frozen=True)
class Chart:
    """One chart of a page: `call(page_module, search, options)` runs the page's callback; its answer holds the
    figure at `figure` and the "based on" note at `note` (None: the page shows no note under it)."""

    id: str  # "<page>/<chart>", as notes on the numbers and pack specs name it
    page: str  # the page module (access.ROLES' pages)
    label: str  # what a person choosing charts reads
    call: Callable
    figure: int
    note: int | None = None
    options: dict[str, tuple[str, object]] = field(default_factory=dict)  # name -> (the page's control, default)


def _chart(page: str, chart: str, label: str, call: Callable, figure: int, note: int | None = None,
           **options: tuple[str, object]) -> Chart:
    return Chart(f"{page}/{chart}", page, label, call, figure, note, options)


CHARTS: dict[str, Chart] = {c.id: c for c in (
    _chart("overview", "map", N_("Overview: member cities map"), lambda m, s, o: m.show_map(s), 0, 1),
    _chart("overview", "regions", N_("Overview: activity by region"),
           lambda m, s, o: m.show_regions(s, o["measure"]), 0, 1, measure=("region-measure", "participants")),
    _chart("overview", "trend", N_("Overview: main KPIs over time"), lambda m, s, o: m.show_trend(s), 0, 1),
    _chart("membership", "growth", N_("Membership: members by region"), lambda m, s, o: m.show_growth(s), 0, 1),
    _chart("membership", "flows", N_("Membership: joins and exits"), lambda m, s, o: m.show_growth(s), 2, 3),
    _chart("membership", "map", N_("Membership: member cities map"),
           lambda m, s, o: m.show_map(s, o["colour_by"]), 0, 1, colour_by=("colour-by", "region")),
    _chart("membership", "terms", N_("Membership: steering committee terms"),
           lambda m, s, o: m.show_committee(s), 0, 2),
    _chart("membership", "seats", N_("Membership: steering committee by region"),
           lambda m, s, o: m.show_committee(s), 3, 4),
    _chart("membership", "ladder", N_("Membership: engagement ladder"), lambda m, s, o: m.show_ladder(s), 0, 1),
    _chart("training", "events", N_("Training: events over time"),
           lambda m, s, o: m.show_events(s, o["by"]), 0, 1, by=("events-by", "event_type")),
    _chart("training", "people", N_("Training: people reached over time"), lambda m, s, o: m.show_people(s), 0, 1),
    _chart("training", "who", N_("Training: who took part"), lambda m, s, o: m.show_who(s), 0, 1),
    _chart("training", "learning", N_("Training: learning results"), lambda m, s, o: m.show_learning(s), 0, 1),
    _chart("training", "topics", N_("Training: topics"), lambda m, s, o: m.show_topics(s), 0, 1),
    _chart("training", "regions", N_("Training: reach by region"), lambda m, s, o: m.show_regions(s), 0, 1),
    _chart("grants", "portfolio", N_("Grants: portfolio awarded and disbursed"),
           lambda m, s, o: m.show_portfolio(s, o["by"]), 1, 2, by=("by", "donor_name")),
    _chart("grants", "timeline", N_("Grants: grant timeline"), lambda m, s, o: m.show_grants(s), 0, 2),
    _chart("grants", "status", N_("Grants: indicator reports by status"),
           lambda m, s, o: m.show_indicators(s, o["indicator"]), 0, 1, indicator=("indicator-pick", None)),
    _chart("grants", "indicator", N_("Grants: one indicator against its target"),
           lambda m, s, o: m.show_indicators(s, o["indicator"]), 6, 7, indicator=("indicator-pick", None)),
    _chart("regions", "heatmap", N_("Regions: activity by region and quarter"),
           lambda m, s, o: m.show_heatmap(s, o["measure"]), 0, 1, measure=("measure", "events")),
    _chart("impact", "countries", N_("Impact: where the grants are"), lambda m, s, o: m.show(s, o["audience"]), 3,
           audience=("donor", None)),
    _chart("impact", "gender", N_("Impact: people reached by gender"), lambda m, s, o: m.show(s, o["audience"]), 5,
           audience=("donor", None)),
    _chart("impact", "role", N_("Impact: people reached by role"), lambda m, s, o: m.show(s, o["audience"]), 6,
           audience=("donor", None)),
)}


def available(viewer: Viewer) -> list[Chart]:
    """The charts `viewer` may put in a pack: those of the pages their role may open."""
    return [c for c in CHARTS.values() if viewer.may_open(c.page)]


def page_module(page: str):
    """The module of a page, registered with Dash.

    Pages can only be imported once a Dash app exists (Dash refuses to register a page before): in the running
    app they are; in a command or a test the app is imported first.
    """
    import dash

    if not dash.page_registry:
        import app  # noqa: F401  (builds the Dash app, which imports and registers every page)
    import importlib

    return importlib.import_module(f"dashboards.pages.{page}")


def options_for(chart: Chart, viewer: Viewer, given: dict | None) -> dict:
    """The chart's options: each one given, or its default, checked by the page's own allowed-values rule."""
    given = dict(given or {})
    unknown = sorted(set(given) - set(chart.options))
    if unknown:
        raise ChartRefused(f"{chart.id} has no option {unknown[0]!r}"
                           + (f"; its options are {', '.join(chart.options)}" if chart.options else ""))
    # imported here: allowed's own rules import the shell, whose notes beside each chart read this registry
    from dashboards.security import allowed

    chosen = {}
    module = page_module(chart.page)
    for name, (control, default) in chart.options.items():
        value = given.get(name, default)
        rule = allowed.rule_for(module.PAGE(control), "value")
        if rule is None or not rule.accepts(value, viewer):
            raise ChartRefused(f"{chart.id}: {name} {value!r} is not allowed ({rule.about if rule else 'no rule'})")
        chosen[name] = value
    return chosen


@dataclass(frozen=True)
class Drawn:
    """A chart as the viewer's page shows it: the figure (plain dict), its title and its "based on" note."""

    chart: Chart
    figure: dict
    note: str

    @property
    def title(self) -> str:
        layout = self.figure.get("layout", {})
        return str((layout.get("meta") or {}).get("title") or (layout.get("title") or {}).get("text")
                   or self.chart.label)

    @property
    def height(self) -> int:
        return int(self.figure.get("layout", {}).get("height") or 400)

    def values(self, limit: int = MAX_VALUES) -> list[str]:
        """The labels printed on the chart's bars, as text ("female: 541", "non-binary: <5"), for the PDF's text
        layer (read aloud, searched, copied); [] when the chart labels no bars or more than `limit` of them. They
        are the figure's own labels, so a suppressed count reads as its label, never as a number."""
        found = []
        for trace in self.figure.get("data", []):
            text = trace.get("text")
            if trace.get("type") != "bar" or not isinstance(text, list):
                continue
            categories = trace.get("y" if trace.get("orientation") == "h" else "x") or []
            if len(categories) != len(text):
                continue
            name = f"{trace['name']}, " if trace.get("name") and len(self.figure["data"]) > 1 else ""
            found += [f"{name}{c}: {t}" for c, t in zip(categories, text, strict=True)
                      if t not in (None, "") and c not in (None, "")]
        return found if len(found) <= limit else []


def draw(viewer: Viewer, items: list[tuple[str, str, dict | None]]) -> list[Drawn]:
    """Each (chart id, query string, options) as `viewer`'s page draws it. A chart of a page the viewer may not open
    or an option they may not choose is refused (ChartRefused) before anything is queried. A callback drawing
    several charts (the impact page's) runs once for all of them."""
    planned = []
    for chart_id, search, given in items:
        chart = CHARTS.get(chart_id)
        if chart is None:
            raise ChartRefused(f"there is no chart {chart_id!r}; charts are: {', '.join(CHARTS)}")
        if not viewer.may_open(chart.page):
            raise ChartRefused(f"{chart_id} is on a page the {viewer.role} role may not open")
        planned.append((chart, search or "", options_for(chart, viewer, given)))
    answers: dict[tuple, tuple] = {}
    drawn = []
    with db.acting_as(viewer):
        for chart, search, chosen in planned:
            key = (chart.page, chart.call.__code__, search, tuple(sorted(chosen.items())))
            if key not in answers:
                answers[key] = chart.call(page_module(chart.page), search, chosen)
            answer = answers[key]
            figure = answer[chart.figure]
            figure = figure.to_plotly_json() if hasattr(figure, "to_plotly_json") else figure
            note = answer[chart.note] if chart.note is not None else ""
            drawn.append(Drawn(chart, json.loads(json.dumps(figure, cls=_encoder())), str(note or "")))
    return drawn


def _encoder():
    from plotly.utils import PlotlyJSONEncoder

    return PlotlyJSONEncoder


# --- images ---------------------------------------------------------------------------------------------------


def to_png(figures: list[dict], *, width: int = WIDTH_PX, scale: float = SCALE) -> list[bytes]:
    """PNG images of `figures` (plain dicts), drawn by one headless Chromium through kaleido, offline."""
    if not figures:
        return []
    with Painter(width=width, scale=scale) as painter:
        return painter.paint(figures)


class Painter:
    """One headless Chromium for a pack, started in a thread of its own as soon as the painter is made, so that it
    starts (~2-3 s) while the charts' queries and figures run on the other core; `paint` then only draws.

        with charts.Painter() as painter:
            drawn = charts.draw(viewer, items)
            images = painter.paint([d.figure for d in drawn])

    Leaving the block without painting (a chart refused) closes the browser."""

    def __init__(self, *, width: int = WIDTH_PX, scale: float = SCALE) -> None:
        self.browser = Path(settings.get().chromium_path)
        if not self.browser.is_file():
            raise DrawingFailed(f"The pack draws its charts with Chromium, which is not at {self.browser}: install "
                                "it (apt-get install chromium) or set SCN_CHROMIUM to its path.")
        self._width, self._scale = width, scale
        self._figures: queue.Queue[list[dict] | None] = queue.Queue(maxsize=1)
        self._result: dict = {}
        self._thread = threading.Thread(target=self._main, name="pack-charts", daemon=True)
        self._thread.start()

    def paint(self, figures: list[dict], *, retries: int = 1) -> list[bytes]:
        """The PNG images of `figures`, in order (DrawingFailed when the browser could not draw them). A browser
        that failed (it can fail to start or answer on a loaded machine) is given `retries` fresh starts."""
        self._figures.put(list(figures))
        self._thread.join()
        if "error" in self._result:
            exc = self._result["error"]
            if isinstance(exc, DrawingFailed):
                raise exc
            if retries > 0:
                logging.getLogger(__name__).warning("Chromium could not draw a pack's charts (%r); starting it again",
                                                    exc)
                with Painter(width=self._width, scale=self._scale) as again:
                    return again.paint(figures, retries=retries - 1)
            # kaleido and choreographer raise many kinds; the person needs one sentence
            raise DrawingFailed(f"Chromium ({self.browser}) could not draw the pack's charts: {exc}") from exc
        return self._result["images"]

    def __enter__(self) -> Painter:
        return self

    def __exit__(self, *exc_info) -> None:
        if self._thread.is_alive():
            self._figures.put(None)  # nothing to draw: the browser closes
            self._thread.join()

    def _main(self) -> None:
        try:
            self._result["images"] = asyncio.run(self._draw_all())
        except BaseException as exc:  # handed to the caller's thread
            self._result["error"] = exc

    async def _draw_all(self) -> list[bytes]:
        import kaleido

        for name in ("kaleido", "choreographer", "logistro"):
            logging.getLogger(name).setLevel(logging.WARNING)
        with tempfile.TemporaryDirectory(prefix="scn-pack-") as folder:
            # plotly.js reads the geometry from window.PlotlyGeoAssets before it would fetch it (as
            # assets/map_geometry.js does in the app): the page is a file, and a file page may not fetch others.
            geometry = Path(folder) / "geometry.js"
            geometry.write_text("window.PlotlyGeoAssets = {topojson: {world_110m: "
                                + MAP_GEOMETRY.read_text(encoding="utf-8") + "}};", encoding="utf-8")
            page = kaleido.PageGenerator(plotly=str(PLOTLY_JS), mathjax=False, others=[str(geometry)])
            images = []
            async with kaleido.Kaleido(n=1, path=str(self.browser), page_generator=page,
                                       timeout=DRAW_TIMEOUT_S) as k:
                figures = await asyncio.get_running_loop().run_in_executor(None, self._figures.get)
                for fig in figures or []:
                    height = int(fig.get("layout", {}).get("height") or 400)
                    images.append(await k.calc_fig(fig, opts={"format": "png", "width": self._width,
                                                              "height": height, "scale": self._scale}))
            return images

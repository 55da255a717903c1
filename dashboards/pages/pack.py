"""Make a pack: one A4 PDF of the pages and charts a person chooses, or of a saved set ("steering committee
quarterly"), with the filters of the filter bar, made on the server under the person's own access policy.

Only the charts of pages the viewer's role may open are offered, and the server checks every chart again when
the pack is made (dashboards/reports/pack.py and charts.py: the pages' own callbacks draw them as the viewer, so
a donor's pack is suppressed exactly like their page). A saved set prints its charts with the filters chosen here.
"""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html

from dashboards import components as ui
from dashboards import ids
from dashboards.i18n import N_, _
from dashboards.queries.db import current_viewer
from dashboards.reports import charts
from dashboards.reports import pack as packs
from dashboards.security import allowed
from dashboards.security.access import Viewer
from dashboards.shell import language

dash.register_page(__name__, path="/pack", name=N_("Make a pack"), order=8,
                   title=language.page_title(N_("Make a pack")), nav=False)

PAGE = ids.PageIds("pack")
PAGE_NAMES = {"overview": N_("Overview"), "membership": N_("Membership"), "training": N_("Training & reach"),
              "grants": N_("Grants & outcomes"), "regions": N_("Regions"), "impact": N_("Impact summary")}
SUMMARY = "summary"
TEXT = {
    "nothing": N_("Choose at least one page or chart, or a saved set."),
    "made": N_("Your pack “{title}” ({charts} charts) is downloading."),
    "refused": N_("The pack was not made: {why}"),
}


def _chart_ids(viewer: Viewer) -> list[str]:
    return [c.id for c in charts.available(viewer)]


def usable_sets(viewer: Viewer) -> list[packs.PackSet]:
    """The saved sets whose every chart is on a page the viewer may open."""
    mine = set(_chart_ids(viewer))
    return [s for s in packs.list_sets() if all(item.chart in mine for item in s.spec.items)]


def _is_set(value, viewer: Viewer) -> bool:
    return value is None or (isinstance(value, int) and not isinstance(value, bool)
                             and value in {s.id for s in usable_sets(viewer)})


allowed.declare(PAGE("title"), "value", allowed.text(packs.MAX_TITLE + 20, example="Steering committee"))
allowed.declare(PAGE("set"), "value", allowed.Allowed(_is_set, lambda _v: None, "one of the saved sets you may use"))
allowed.declare(PAGE("pages"), "value", allowed.many_of(lambda viewer: sorted({c.page for c in
                                                                               charts.available(viewer)})))
allowed.declare(PAGE("charts"), "value", allowed.many_of(_chart_ids))
allowed.declare(PAGE("summary"), "value", allowed.many_of([SUMMARY]))


def layout(**_query) -> html.Div:
    viewer = current_viewer()
    available = charts.available(viewer)
    pages = list(dict.fromkeys(c.page for c in available))
    sets = usable_sets(viewer)
    return html.Div([
        ui.page_header(_("Make a pack"), _("One A4 PDF of the charts you choose, with the filters above, their "
                       "“based on” notes and the notes on the numbers, for a meeting or a report.")),
        dbc.Card(dbc.CardBody([
            dbc.Label(_("Title"), html_for=PAGE("title")),
            dbc.Input(id=PAGE("title"), value="SCN pack", maxLength=packs.MAX_TITLE),
            dbc.Label(_("A saved set"), html_for=PAGE("set"), class_name="mt-3"),
            dcc.Dropdown(id=PAGE("set"), options=[{"label": s.name, "value": s.id} for s in sets],
                         placeholder=_("None: the pages and charts below") if sets else _("No saved sets yet")),
            html.Fieldset([
                html.Legend(_("Whole pages"), className="form-label mt-3 fs-6"),
                dbc.Checklist(id=PAGE("pages"), options=[{"label": _(PAGE_NAMES.get(p, p)), "value": p}
                                                         for p in pages], value=[], inline=True),
            ]),
            html.Fieldset([
                html.Legend(_("Or single charts"), className="form-label mt-3 fs-6"),
                dbc.Checklist(id=PAGE("charts"), options=[{"label": _(c.label), "value": c.id} for c in available],
                              value=[]),
            ]),
            dbc.Checklist(id=PAGE("summary"), class_name="mt-3",
                          options=[{"label": _("Begin with the impact summary's words"), "value": SUMMARY}],
                          value=[SUMMARY] if viewer.may_open("impact") else []),
            html.Button(_("Make the PDF"), id=PAGE("make"), n_clicks=0, className="btn btn-primary mt-3"),
            dcc.Loading(html.P(id=PAGE("message"), className="mt-2", role="status"), type="dot"),
            dcc.Download(id=PAGE("download")),
        ]), class_name="pack-form"),
    ])


def spec_for(viewer: Viewer, search: str | None, title: str | None, set_id: int | None,
             pages: list[str] | None, chosen: list[str] | None, summary: list[str] | None) -> dict | None:
    """The pack asked for, as pack.spec_from reads it (None: nothing chosen). A saved set keeps its charts and
    title; the filters are the filter bar's."""
    if set_id is not None:
        saved = packs.get_set(set_id)
        return {**saved.spec.as_json(), "title": saved.name, "query": search or ""}
    wanted = [c.id for c in charts.available(viewer) if c.page in (pages or []) or c.id in (chosen or [])]
    if not wanted:
        return None
    return {"title": title or "SCN pack", "query": search or "", "charts": wanted,
            "summary": SUMMARY in (summary or [])}


@callback(Output(PAGE("download"), "data"), Output(PAGE("message"), "children"),
          Input(PAGE("make"), "n_clicks"), State(ids.URL, "search"), State(PAGE("title"), "value"),
          State(PAGE("set"), "value"), State(PAGE("pages"), "value"), State(PAGE("charts"), "value"),
          State(PAGE("summary"), "value"), prevent_initial_call=True)
def make_pack(_clicks, search, title, set_id, pages, chosen, summary):
    viewer = current_viewer()
    try:
        spec = spec_for(viewer, search, title, set_id, pages, chosen, summary)
        if spec is None:
            return None, _(TEXT["nothing"])
        pdf = packs.make(viewer, spec)
    except (packs.PackRefused, charts.DrawingFailed) as exc:
        return None, _(TEXT["refused"]).format(why=exc)
    made = packs.spec_from(spec)
    return (dcc.send_bytes(pdf, packs.filename(made)),
            _(TEXT["made"]).format(title=made.title, charts=len(made.items)))

"""Impact summary: what a donor's grants (or, for the public, the network's) achieved in the period, in
aggregates only. Counts of people are suppressed below the threshold on the page, in every download and in
the PDF. Network staff can preview the public summary or any donor's, exactly as that audience gets it."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html, no_update

from dashboards import components as ui
from dashboards import filters, ids
from dashboards import formatting as fmt
from dashboards.figures import impact as fig
from dashboards.i18n import N_, _, codes, ngettext
from dashboards.queries import common, db
from dashboards.queries import impact as q
from dashboards.queries.db import current_viewer
from dashboards.queries.impact_data import NETWORK
from dashboards.reports import exports
from dashboards.reports.pdf import render_pdf
from dashboards.reports.phrases import REACHED, as_awarded
from dashboards.reports.words import summary_sentences
from dashboards.security import allowed
from dashboards.shell import language

dash.register_page(__name__, path="/impact", name=N_("Impact summary"), order=6, nav=True,
                   title=language.page_title(N_("Impact summary")),
                   description=language.translated(
                       N_("What the grants achieved: money, places, people reached and results against targets.")))

PAGE = ids.PageIds("impact")
COUNTRIES, GENDER, ROLE = "countries", "gender", "role"
_usd = {"type": "numericColumn", "valueFormatter": {"function": "d3.format(',.0f')(params.value)"}}
COUNTRY_COLUMNS = [
    {"field": "country", "headerName": N_("Country"), "minWidth": 180},
    {"field": "region", "headerName": N_("Region")},
    {"field": "grants", "headerName": N_("Grants"), "type": "numericColumn"},
    {"field": "cities", "headerName": N_("Cities"), "type": "numericColumn"},
    {"field": "awarded_usd", "headerName": N_("Awarded (USD)"), **_usd},
]
INDICATOR_COLUMNS = [
    {"field": "title", "headerName": N_("What is measured"), "minWidth": 240},
    {"field": "city", "headerName": N_("Where")},
    *ui.indicator_result_columns(),
]


def layout(**_query) -> html.Div:
    viewer = current_viewer()
    preview = html.Div(dcc.Dropdown(id=PAGE("donor"), options=[], value=None), hidden=True)
    if choices := q.audiences(viewer):
        names = q.donors().set_index("donor_id")["donor_name"]
        options = [{"label": _("The public summary (as published)"), "value": q.PUBLIC_SUMMARY}]
        options += [{"label": names.get(c.removeprefix("donor:"), c), "value": c} for c in choices[1:]]
        preview = html.Div([
            html.Label(_("Preview as"), htmlFor=PAGE("donor"), className="filter-label"),
            dcc.Dropdown(id=PAGE("donor"), options=options, placeholder=_("Your own view (ISD staff)"),
                         className="filter-dropdown"),
        ], className="mb-3 impact-preview d-print-none", style={"maxWidth": "32rem"})
    return html.Div([
        ui.page_header(_("Impact summary"), _("Aggregates only: counts below the threshold are shown as “<5” and a "
                                              "second count is hidden ([c]) so totals cannot reveal them.")),
        preview,
        html.H2(id=PAGE("audience"), className="h4 mb-3"),
        ui.kpi_row(PAGE("kpis")),
        dbc.Card(dbc.CardBody([
            html.Div([
                html.H2(_("In plain words"), className="section-title mb-0"),
                html.Div([
                    dbc.Button(_("Download PDF"), id=PAGE("pdf-button"), color="primary", size="sm"),
                    dcc.Download(id=PAGE("pdf")),
                ], className="d-print-none"),
            ], className="d-flex justify-content-between align-items-center mb-2"),
            html.Div(id=PAGE("summary"), className="impact-summary"),
        ]), class_name="mb-3"),
        dbc.Row([
            dbc.Col(ui.chart_card(PAGE, COUNTRIES, _("Where the grants are"), height=380), lg=7,
                    class_name="mb-3"),
            dbc.Col(ui.data_grid(PAGE, COUNTRIES, _("Grants by country"), COUNTRY_COLUMNS), lg=5,
                    class_name="mb-3"),
        ]),
        dbc.Row([
            dbc.Col(ui.chart_card(PAGE, GENDER, _("People reached by gender"), height=300), lg=6,
                    class_name="mb-3"),
            dbc.Col(ui.chart_card(PAGE, ROLE, _("People reached by role"), height=300), lg=6, class_name="mb-3"),
        ]),
        dbc.Row(dbc.Col(ui.data_grid(PAGE, "indicators", _("Results against targets"), INDICATOR_COLUMNS),
                        class_name="mb-3")),
    ])


def _report(search: str | None, choice: str | None):
    """The summary for the viewer, or for the audience a staff preview chose: run entirely as that audience
    (its filters, dates and policy), so the preview is the audience's own page and PDF."""
    with db.acting_as(q.audience(current_viewer(), choice)):
        chosen = filters.from_query(search)
        build = common.build_info()
        win = common.window(chosen)
        return q.report(chosen, period_label="All time" if chosen.period == "all" else win.describe(),
                        filters_text=filters.describe(chosen, build["as_of"]))


# Only network staff choose an audience, among those q.audiences lists; for anyone else the choice is None.
allowed.declare(PAGE("donor"), "value", allowed.one_of(q.audiences))


def kpi_cards(data) -> list:
    """The summary's headline numbers (people reached reads "<5" or "–" when suppressed or unknown)."""
    reached = (str(data.participants_total) if not isinstance(data.participants_total, int)
               else fmt.number(data.participants_total))
    return ui.kpi_cards([
        ui.Kpi(_("Awarded"), fmt.usd(data.awarded_usd), hint=_("USD, grants running in the period")
               + (f"; {as_awarded(data)}" if as_awarded(data) else "")),
        ui.Kpi(_("Disbursed"), fmt.usd(data.disbursed_usd), hint=_("USD, paid by the period's end")),
        ui.Kpi(_("Grants"), fmt.number(data.grants),
               hint=ngettext("{n} still active", "{n} still active", data.grants_active).format(
                   n=fmt.number(data.grants_active))),
        ui.Kpi(_("Cities reached"), fmt.number(data.cities)),
        ui.Kpi(_("Countries"), fmt.number(data.countries)),
        ui.Kpi(_("People reached"), reached, hint=_(REACHED)),
    ], ui.SIX_PER_ROW)


@callback(
    Output(PAGE("audience"), "children"), Output(PAGE("kpis"), "children"), Output(PAGE("summary"), "children"),
    Output(PAGE.graph(COUNTRIES), "figure"), Output(PAGE.grid(COUNTRIES), "rowData"),
    Output(PAGE.graph(GENDER), "figure"), Output(PAGE.graph(ROLE), "figure"),
    Output(PAGE.grid("indicators"), "rowData"),
    Input(ids.URL, "search"), Input(PAGE("donor"), "value"),
)
def show(search, donor):
    data = _report(search, donor)
    # the network's own name in the reader's language (a donor's name stays as the data writes it)
    who = _("Strong Cities Network") if data.audience == NETWORK else data.audience
    audience = f"{who} · {data.period_label}"
    summary = [html.P(s) for s in summary_sentences(data)]
    return (audience, kpi_cards(data), summary, fig.countries_map(data.by_country),
            ui.grid_rows(data.by_country, COUNTRY_COLUMNS, codes={"region": "region"}),
            fig.reached(data.by_gender, "gender", _("People reached by gender")),
            fig.reached(data.by_role, "role", _("People reached by role")),
            ui.grid_rows(data.indicators, INDICATOR_COLUMNS, codes=codes.INDICATOR_GRID))


@callback(Output(PAGE("pdf"), "data"), Input(PAGE("pdf-button"), "n_clicks"), State(ids.URL, "search"),
          State(PAGE("donor"), "value"), prevent_initial_call=True)
def download_pdf(clicks, search, donor):
    if not clicks:
        return no_update
    data = _report(search, donor)
    name = exports.filename("scn-impact", data.audience, data.period_label, ext="pdf")
    return dcc.send_bytes(render_pdf(data), name)


@callback(Output(PAGE.download(GENDER), "data"), Output(PAGE.download(ROLE), "data"),
          Output(PAGE.download(COUNTRIES), "data"),
          Input(PAGE.csv(GENDER), "n_clicks"), Input(PAGE.csv(ROLE), "n_clicks"),
          Input(PAGE.csv(COUNTRIES), "n_clicks"),
          State(ids.URL, "search"), State(PAGE("donor"), "value"), prevent_initial_call=True)
def download_csv(_gender, _role, _countries, search, donor):
    """The charts' data as CSV: the suppressed labels, never the hidden values."""
    from dash import ctx

    chart = ctx.triggered_id["chart"] if isinstance(ctx.triggered_id, dict) else None
    if chart not in (GENDER, ROLE, COUNTRIES):
        return no_update, no_update, no_update
    data = _report(search, donor)
    frame = {GENDER: fig.downloadable(data.by_gender), ROLE: fig.downloadable(data.by_role),
             COUNTRIES: data.by_country}[chart]
    out = exports.csv_download(frame, exports.filename("scn-impact", chart, ext="csv"))
    return tuple(out if c == chart else no_update for c in (GENDER, ROLE, COUNTRIES))

"""Grants & outcomes: the portfolio awarded and disbursed by donor, programme, theme, status and region, the
grant timeline, and whether the indicators the grants report on are on track."""

from __future__ import annotations

from functools import partial

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, State, callback, ctx, dcc, html, no_update
from dash.exceptions import MissingCallbackContextException

from dashboards import components as ui
from dashboards import filters, ids, notes
from dashboards import formatting as fmt
from dashboards.figures import grants as fig
from dashboards.figures.common import explained
from dashboards.i18n import N_, _, codes, ngettext
from dashboards.queries import common, standards
from dashboards.queries import grants as q
from dashboards.queries.db import current_viewer
from dashboards.security import allowed, audit
from dashboards.shell import chart_downloads, click_to_filter, language

dash.register_page(__name__, path="/grants", name=N_("Grants & outcomes"), order=3,
                   title=language.page_title(N_("Grants & outcomes")), nav=True)

PAGE = ids.PageIds("grants")
PORTFOLIO, TIMELINE, STATUS, INDICATOR, OFF_TRACK, GRANTS = (
    "portfolio", "timeline", "status", "indicator", "off-track", "grants")
BY = {"donor_name": N_("Donor"), "programme": N_("Programme"), "theme": N_("Theme"), "status": N_("Status"),
      "region": N_("Region")}

OFF_TRACK_COLUMNS = [
    {"field": "indicator_id", "headerName": N_("Indicator"), "maxWidth": 120},
    {"field": "title", "headerName": N_("What is measured"), "minWidth": 180},
    ui.city_column(),
    {"field": "grant_title", "headerName": N_("Grant"), "minWidth": 160},
    {"field": "donor_name", "headerName": N_("Donor")},
    {"field": "period_end", "headerName": N_("Reported to")},
    *ui.indicator_result_columns(status=False),
]
GRANT_COLUMNS = [
    {"field": "grant_id", "headerName": N_("Grant"), "maxWidth": 110},
    {"field": "title", "headerName": N_("Title"), "minWidth": 180},
    ui.city_column(),
    {"field": "region", "headerName": N_("Region")},
    {"field": "donor_name", "headerName": N_("Donor")},
    {"field": "programme", "headerName": N_("Programme")},
    {"field": "status", "headerName": N_("Status"), "maxWidth": 120},
    {"field": "awarded_usd", "headerName": N_("Awarded (USD)"), "type": "numericColumn",
     "filter": "agNumberColumnFilter",
     "valueFormatter": {"function": "d3.format(',.0f')(params.value)"}},
    {"field": "awarded_original", "headerName": N_("Awarded as"), "minWidth": 120,
     "headerTooltip": N_("The amount in the currency it was awarded in, when not US dollars")},
    {"field": "disbursed_usd", "headerName": N_("Disbursed (USD)"), "type": "numericColumn",
     "filter": "agNumberColumnFilter", "valueFormatter": {"function": "d3.format(',.0f')(params.value)"}},
    {"field": "start_date", "headerName": N_("Start")},
    {"field": "end_date", "headerName": N_("End")},
    {"field": "indicators_off_track", "headerName": N_("Off track"), "type": "numericColumn", "maxWidth": 110},
]


def layout(**_query) -> html.Div:
    return html.Div([
        ui.page_header(_("Grants & outcomes"), _("Grants whose funded work overlaps the chosen period: what was "
                                                 "awarded, what has been paid, and whether their indicators are on "
                                                 "track.")),
        ui.kpi_row(PAGE("kpis")),
        dbc.Row([
            dbc.Col(ui.chart_card(PAGE, PORTFOLIO, _("Portfolio: awarded and disbursed"), height=420,
                                  controls=ui.segmented(PAGE("by"), BY, "donor_name",
                                                        N_("Break the portfolio down by"))),
                    lg=6, class_name="mb-3"),
            dbc.Col(ui.chart_card(PAGE, TIMELINE, _("Grant timeline"), height=420), lg=6, class_name="mb-3"),
        ]),
        dbc.Row([
            dbc.Col(ui.chart_card(PAGE, STATUS, _("Indicator reports by status"), height=380), lg=5, class_name="mb-3"),
            dbc.Col(ui.chart_card(PAGE, INDICATOR, _("Indicator: actual against target"), height=380, controls=html.Div(
                dcc.Dropdown(id=PAGE("indicator-pick"), clearable=False, placeholder=_("Choose an indicator")),
                className="indicator-pick", title=_("Indicator shown"))), lg=7, class_name="mb-3"),
        ]),
        dbc.Row(dbc.Col(ui.data_grid(PAGE, OFF_TRACK, _("Off-track indicators (latest report)"), OFF_TRACK_COLUMNS,
                                     note_id=PAGE.note(OFF_TRACK)), class_name="mb-3")),
        dbc.Row(dbc.Col(ui.data_grid(PAGE, GRANTS, _("Grants in the period"), GRANT_COLUMNS,
                                     note_id=PAGE.note(GRANTS)), class_name="mb-3")),
        publishing_card(),
    ])


def publishing_card() -> dbc.Card | None:
    """The donor-standards download, for ISD staff only (the callback checks again, on the server)."""
    if not standards.may_publish(current_viewer()):
        return None
    donors = standards.donors()
    return dbc.Card(dbc.CardBody([
        html.H2(_("Publish to IATI and 360Giving"), className="section-title"),
        html.P(_("The whole grant portfolio, or one donor's, as an IATI 2.03 activity file with results or as "
               "360Giving grants; each file is checked against its standard before it is offered. Confidential "
               "member cities are never named or located."), className="small"),
        dbc.Row([
            dbc.Col(dbc.RadioItems(id=PAGE("standard-format"), value="iati", inline=True,
                                   options=[{"label": v, "value": k} for k, v in standards.FORMATS.items()]), md=6),
            dbc.Col(dcc.Dropdown(id=PAGE("standard-donor"), placeholder=_("All donors"),
                                 options=[{"label": n, "value": i} for i, n in donors.itertuples(index=False)]),
                    md=4),
            dbc.Col(dbc.Button(_("Download"), id=PAGE("standard-button"), color="primary", size="sm"), md=2),
        ], class_name="g-2 align-items-center"),
        dcc.Download(id=PAGE("standard-file")),
        dcc.Loading(html.Div(id=PAGE("standard-result"), className="small mt-2")),
    ]), class_name="mb-3")


def kpi_cards(df: pd.DataFrame) -> list:
    """Totals of the portfolio (its 'status' breakdown covers every grant once)."""
    rows = df[df["dimension"] == "status"]
    awarded, paid = rows["awarded_usd"].sum(), rows["disbursed_usd"].sum()
    return ui.kpi_cards([
        ui.Kpi(_("Grants active"), fmt.number(rows["grants"].sum()), hint=_("work overlapping the period")),
        ui.Kpi(_("Awarded"), fmt.usd(awarded), hint=_("USD, full value of these grants")),
        ui.Kpi(_("Disbursed to date"), fmt.usd(paid), hint=_("USD paid against them")),
        ui.Kpi(_("Disbursement rate"), fmt.share(paid / awarded if awarded else None), hint=_("disbursed / awarded")),
    ], ui.FOUR_PER_ROW)


@callback(Output(PAGE("kpis"), "children"), Output(PAGE.graph(PORTFOLIO), "figure"),
          Output(PAGE.note(PORTFOLIO), "children"), Input(ids.URL, "search"), Input(PAGE("by"), "value"))
def show_portfolio(search, by):
    chosen = filters.from_query(search)
    df = q.portfolio(chosen)
    count = int(df.loc[df["dimension"] == "status", "grants"].sum())
    note = notes.based_on(count, ngettext("grant whose work overlaps the period",
                                          "grants whose work overlaps the period", count),
                          ignored=q.ACTIVE.ignores(chosen), extra=_("Disbursed counts every payment to date."))
    return kpi_cards(df), explained(partial(fig.portfolio, df, dimension=by, label=BY[by].lower()),
                                    lambda: common.nothing_in("grants", chosen)), note


@callback(Output(PAGE.graph(TIMELINE), "figure"), Output(PAGE.graph(TIMELINE), "style"),
          Output(PAGE.note(TIMELINE), "children"),
          Output(PAGE.grid(GRANTS), "rowData"), Output(PAGE.note(GRANTS), "children"), Input(ids.URL, "search"))
def show_grants(search):
    chosen = filters.from_query(search)
    df = q.grants(chosen)
    timeline = explained(partial(fig.timeline, df, as_of=common.as_of()), lambda: common.nothing_in("grants", chosen))
    rows = ui.grid_rows(df, GRANT_COLUMNS, limit=ui.GRID_LIMIT, codes=codes.GRANT_GRID)
    return timeline, ui.fitted(timeline), _timeline_note(len(df)), rows, _grid_note(len(rows), len(df), chosen)


def _timeline_note(count: int) -> str:
    """What the timeline counts, and that it draws the largest grants only."""
    shown = min(count, 25)
    return notes.based_on(count, ngettext("grant", "grants", count),
                          extra=ngettext("The largest is drawn; the diamond marks the award date, the dotted line "
                                         "the data's date.",
                                         "The {n} largest are drawn; the diamond marks the award date, the dotted "
                                         "line the data's date.", shown).format(n=fmt.number(shown))
                          if count else "")


def _grid_note(shown: int, count: int, chosen) -> str:
    """What the grants grid counts, and how much of it it lists."""
    return notes.based_on(count, ngettext("grant whose work overlaps the period",
                                          "grants whose work overlaps the period", count),
                          ignored=q.ACTIVE.ignores(chosen),
                          extra=notes.capped(shown, count, _("grants (largest first)"),
                                             _("download the full list with the timeline's CSV")))


@callback(Output(PAGE.graph(STATUS), "figure"), Output(PAGE.note(STATUS), "children"),
          Output(PAGE("indicator-pick"), "options"), Output(PAGE("indicator-pick"), "value"),
          Output(PAGE.grid(OFF_TRACK), "rowData"), Output(PAGE.note(OFF_TRACK), "children"),
          Output(PAGE.graph(INDICATOR), "figure"), Output(PAGE.note(INDICATOR), "children"),
          Input(ids.URL, "search"), Input(PAGE("indicator-pick"), "value"))
def show_indicators(search, picked):
    """The indicators of the period and the chart of the picked one. One callback, so that on load the picker's
    first indicator is drawn with the rest rather than by a second request once the picker has been set; a
    pick alone redraws only its chart."""
    if _picked_alone():
        return (no_update,) * 6 + show_indicator(picked)
    chosen = filters.from_query(search)
    status = q.indicator_status(chosen)
    listed = q.indicators(chosen)
    keep = picked if picked in set(listed["indicator_id"]) else (
        listed["indicator_id"].iloc[0] if len(listed) else None)
    late = q.off_track(chosen, listed=listed)
    rows = ui.grid_rows(late, OFF_TRACK_COLUMNS, limit=ui.GRID_LIMIT, codes=codes.INDICATOR_GRID)
    return (explained(partial(fig.indicator_status, status), lambda: common.nothing_in("indicators", chosen)),
            _status_note(chosen, status), pick_options(listed, "", keep), keep, rows,
            _indicators_note(chosen, listed, late, len(rows)), *show_indicator(keep))


def _status_note(chosen, status) -> str:
    """What the status chart is based on: the indicator reports due in the period."""
    n = int(status["indicators"].sum())
    return notes.based_on(n, ngettext("indicator report due in the period", "indicator reports due in the period", n),
                          ignored=common.INDICATORS.ignores(chosen),
                          extra=notes.partial_periods(status, common.window(chosen), "quarter", "quarter"))


def _indicators_note(chosen, listed, late, shown: int) -> str:
    """What the off-track table is based on, how many are off track, and whether the list is cut."""
    off_track = ngettext("{n} off track: target not met and, where progress can be measured from a baseline, less "
                         "than 90% of the way there.",
                         "{n} off track: target not met and, where progress can be measured from a baseline, less "
                         "than 90% of the way there.", len(late)).format(n=fmt.number(len(late)))
    extra = " ".join(filter(None, (off_track, notes.capped(shown, len(late),
                                                           _("off-track indicators (furthest behind first)")))))
    return notes.based_on(len(listed), ngettext("indicator with a report up to the period's end",
                                                "indicators with a report up to the period's end", len(listed)),
                          extra=extra,
                          ignored=common.INDICATORS.ignores(chosen))


def _picked_alone() -> bool:
    """Whether a pick alone set this call off. Called outside a Dash callback (tests, the benchmark's floor), the
    function gives its whole answer, as on a page load."""
    try:
        return [t["prop_id"] for t in ctx.triggered] == [f"{PAGE('indicator-pick')}.value"]
    except MissingCallbackContextException:
        return False


def show_indicator(indicator_id: str | None) -> tuple:
    """The indicator chart and its note."""
    df = q.indicator_series(indicator_id)
    return fig.indicator(df), notes.based_on(len(df), ngettext("reporting period", "reporting periods", len(df)),
                                             extra=_("The dot's colour is the period's status."))


def pick_options(listed: pd.DataFrame, text: str, keep: str | None) -> list[dict]:
    """Options of the indicator picker, off-track first; typing searches all of them on the server."""
    columns = [listed[c].tolist() for c in ("indicator_id", "title", "city_name", "status")]
    labels = [f"{i} · {title} · {city} ({codes.name('indicator_status', status)})"
              for i, title, city, status in zip(*columns, strict=True)]
    return ui.bounded_options(labels, columns[0], text, keep)


@callback(Output(PAGE("indicator-pick"), "options", allow_duplicate=True),
          Input(PAGE("indicator-pick"), "search_value"), State(ids.URL, "search"),
          State(PAGE("indicator-pick"), "value"), prevent_initial_call=True)
def search_indicators(text, search, picked):
    return pick_options(q.indicators(filters.from_query(search)), str(text or "")[:100], picked)


@callback(Output(PAGE("standard-file"), "data"), Output(PAGE("standard-result"), "children"),
          Input(PAGE("standard-button"), "n_clicks"), State(PAGE("standard-format"), "value"),
          State(PAGE("standard-donor"), "value"), prevent_initial_call=True)
def download_standard(clicks, standard, donor):
    viewer = current_viewer()
    if not standards.may_publish(viewer):
        audit.record("access_denied", actor=viewer.user, role=viewer.role, action="standards_export")
        return no_update, dbc.Alert(_("Only ISD staff may download the donor-standard files."), color="warning")
    if not (clicks and isinstance(standard, str) and standard in standards.FORMATS
            and (donor is None or isinstance(donor, str))):
        return no_update, dbc.Alert(_("Choose a format (and a donor, or none for all)."), color="warning")
    made = standards.standard_file(standard, donor)
    if made.data is None:
        return no_update, dbc.Alert(f"The file fails its checks ({len(made.errors)} errors), so it is not offered: "
                                    f"{made.errors[0]}", color="danger")
    audit.record("standards_export", actor=viewer.user, role=viewer.role, standard=standard, donor=donor,
                 grants=made.grants)
    return dcc.send_bytes(made.data, made.name), f"{made.name}: {made.grants} grants, valid."


allowed.declare(PAGE("by"), "value", allowed.one_of(BY, none=False))
allowed.declare(PAGE("indicator-pick"), "value", allowed.text(40))
allowed.declare(PAGE("indicator-pick"), "search_value", allowed.text(100))
allowed.declare(PAGE("standard-button"), "n_clicks", allowed.CLICKS)
# The donor-standard files are ISD staff's: anyone else sending a format or a donor is refused at the gate too.
allowed.declare(PAGE("standard-format"), "value",
                allowed.one_of(lambda viewer: tuple(standards.FORMATS) if standards.may_publish(viewer) else ()))
allowed.declare(PAGE("standard-donor"), "value", allowed.one_of(
    lambda viewer: tuple(standards.donors(viewer=viewer)["donor_id"]) if standards.may_publish(viewer) else ()))
chart_downloads(PAGE, {PORTFOLIO: lambda chosen, _pick: q.portfolio(chosen),
                       TIMELINE: lambda chosen, _pick: q.grants(chosen),
                       STATUS: lambda chosen, _pick: q.indicator_status(chosen),
                       INDICATOR: lambda _chosen, pick: q.indicator_series(pick)},
                controls=(State(PAGE("indicator-pick"), "value"),))
click_to_filter(PAGE.graph(PORTFOLIO))
click_to_filter(PAGE.graph(TIMELINE))

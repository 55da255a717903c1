"""Data quality: when the data was built and from what, how many rows each table holds, what validation
reported, and whether a later build attempt failed (the dashboard then still serves the last good database)."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import html

from dashboards import components as ui
from dashboards import formatting as fmt
from dashboards import ids, settings
from dashboards.figures import quality as fig
from dashboards.i18n import N_, _, ngettext
from dashboards.pages.upload import REPORT_COLUMNS, versions_section
from dashboards.pages.upload import section as upload_section
from dashboards.queries import common
from dashboards.queries import quality as q
from dashboards.queries.db import DatabaseMissing
from dashboards.reports import problems_text
from dashboards.shell import chart_downloads, language
from data_pipeline import versions

dash.register_page(__name__, path="/data", name=N_("Data quality"), order=5,
                   title=language.page_title(N_("Data quality")), nav=True)

PAGE = ids.PageIds("data")
COVERAGE, SOURCES, PROBLEMS, TABLES, FAILED = "coverage", "sources", "problems", "tables", "failed"
SOURCE_COLUMNS = [
    {"field": "table_name", "headerName": N_("Table")},
    {"field": "file", "headerName": N_("File")},
    {"field": "format", "headerName": N_("Format"), "maxWidth": 110},
    {"field": "encoding", "headerName": N_("Encoding"), "maxWidth": 130},
    {"field": "rows", "headerName": N_("Rows"), "type": "numericColumn", "filter": "agNumberColumnFilter"},
    {"field": "min_date", "headerName": N_("From")},
    {"field": "max_date", "headerName": N_("To")},
    {"field": "sha256", "headerName": N_("SHA-256"), "minWidth": 160},
]
TABLE_COLUMNS = [
    {"field": "table_name", "headerName": N_("Table")},
    {"field": "rows", "headerName": N_("Rows"), "type": "numericColumn", "filter": "agNumberColumnFilter",
     "valueFormatter": {"function": "params.value == null ? params.data.kind + ', computed when read' "
                                    ": d3.format(',')(params.value)"}},
]


def build_card(build: dict) -> dbc.Card:
    path = settings.get().db_path
    facts = [
        (_("Data as of"), fmt.day(build["as_of"])),
        (_("Built at"), f"{build['built_at']:%d %b %Y %H:%M}"),
        (_("Sources"), versions.describe_source(settings.get().sources_store, build["source"])),
        (_("Pipeline"), build["pipeline_version"]),
        (_("Demo data"), _("yes") if build["is_demo"] else _("no")),
        (_("Database"), _("{file} ({size} MB)").format(file=path.name, size=f"{path.stat().st_size / 1e6:,.1f}")),
    ]
    return dbc.Card(dbc.CardBody([
        html.H2(_("Published build"), className="section-title"),
        ui.facts(facts),
    ]), class_name="mb-3")


def failed_alert(report: dict) -> html.Div:
    problems = report["problems"]
    errors = int((problems["severity"] == "error").sum())
    return html.Div([
        dbc.Alert([
            html.H2(_("The last build attempt failed"), className="h5"),
            html.P([ngettext(
                "On {when} the pipeline read the {source} and found {n} error; nothing was published. These pages "
                "still show the previous database. Fix the rows below and build again.",
                "On {when} the pipeline read the {source} and found {n} errors; nothing was published. These pages "
                "still show the previous database. Fix the rows below and build again.", errors).format(
                    when=report.get("finished_at", "?"), n=f"{errors:,}",
                    source=versions.describe_source(settings.get().sources_store, report.get("source", "?")))],
                className="mb-0"),
        ], color="danger", class_name="mb-2"),
        ui.data_grid(PAGE, FAILED, _("Problems of the failed attempt"), REPORT_COLUMNS,
                     row_data=problems_text.rows(ui.grid_rows(problems))),
    ], className="mb-3")


def layout(**_query) -> html.Div:
    try:
        build = common.build_info()
    except DatabaseMissing:
        return ui.empty_state(_("No database has been built yet."),
                              detail=_("Build one with `python -m data_pipeline build`."))
    failed = q.failed_attempt()
    problems = q.problems()
    return html.Div([
        ui.page_header(_("Data quality"), _("Where the numbers come from. The filters do not apply on this page.")),
        failed_alert(failed) if failed else None,
        upload_section(),
        build_card(build),
        versions_section(),
        dbc.Row([
            dbc.Col(ui.data_grid(PAGE, PROBLEMS, _("Validation report of the published build ({n})").format(
                n=f"{len(problems):,}"),
                                 REPORT_COLUMNS, row_data=problems_text.rows(ui.grid_rows(problems)))
                    if len(problems) else dbc.Card(dbc.CardBody([
                        html.H2(_("Validation report of the published build"), className="section-title"),
                        ui.empty_state(_("No problems: every source file passed every check."))])),
                    class_name="mb-3"),
        ]),
        dbc.Row([
            dbc.Col(ui.chart_card(PAGE, COVERAGE, _("Dates covered by each source"), height=380), lg=6,
                    class_name="mb-3"),
            dbc.Col(ui.data_grid(PAGE, TABLES, _("Rows per table"), TABLE_COLUMNS, row_data=ui.grid_rows(q.tables())),
                    lg=6, class_name="mb-3"),
        ]),
        dbc.Row(dbc.Col(ui.data_grid(PAGE, SOURCES, _("Source files"), SOURCE_COLUMNS,
                                     row_data=ui.grid_rows(q.sources())), class_name="mb-3")),
    ])


@dash.callback(dash.Output(PAGE.graph(COVERAGE), "figure"), dash.Output(PAGE.note(COVERAGE), "children"),
               dash.Input(ids.URL, "pathname"))
def show_coverage(_path):
    df = q.sources()
    return fig.coverage(df), ngettext("Based on {n} source table; {rows} rows in all.",
                                      "Based on {n} source tables; {rows} rows in all.", len(df)).format(
        n=len(df), rows=f"{int(df['rows'].sum()):,}")


chart_downloads(PAGE, {COVERAGE: lambda _chosen: q.sources()})

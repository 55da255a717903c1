"""Downloads every page shares: a grid as CSV (in the browser) or Excel, and each chart's data as CSV."""

from __future__ import annotations

from dash import MATCH, Input, Output, State, callback, clientside_callback, ctx, no_update

from dashboards import filters, ids
from dashboards.queries import common
from dashboards.reports import exports
from dashboards.security import allowed
from dashboards.shell.frame import APP_NAME

clientside_callback(
    "function(n) { return n ? true : window.dash_clientside.no_update; }",
    Output({"type": ids.GRID, "grid": MATCH}, "exportDataAsCsv"),
    Input({"type": ids.GRID_CSV, "grid": MATCH}, "n_clicks"),
    prevent_initial_call=True,
)


@callback(
    Output({"type": ids.GRID_DOWNLOAD, "grid": MATCH}, "data"),
    Input({"type": ids.GRID_XLSX, "grid": MATCH}, "n_clicks"),
    State({"type": ids.GRID, "grid": MATCH}, "virtualRowData"),
    State({"type": ids.GRID, "grid": MATCH}, "rowData"),
    State({"type": ids.GRID, "grid": MATCH}, "columnDefs"),
    State(ids.URL, "search"),
    prevent_initial_call=True,
)
def download_grid_xlsx(clicks, shown, rows, column_defs, search):
    """The table as the person sees it (sorted and filtered in the grid) as an Excel file."""
    if not clicks:
        return no_update
    frame = exports.grid_frame(shown if shown is not None else rows, column_defs)
    about = about_export(search)
    return exports.xlsx_download(frame, exports.filename("scn", ctx.triggered_id["grid"], ext="xlsx"), about=about)


def about_export(search: str | None) -> dict[str, str]:
    """What an exported file says about itself: the source, the filters and the data's date."""
    build = common.build_info()
    return {"Source": APP_NAME, "Filters": filters.describe(filters.from_query(search), build["as_of"]),
            "Data as of": build["as_of"].isoformat(), "Built at": f"{build['built_at']:%Y-%m-%d %H:%M}"}


def chart_downloads(page: ids.PageIds, datasets: dict, *, controls: tuple[State, ...] = ()) -> None:
    """Register the CSV download of every chart of `page`: `datasets` maps a chart name to the query function
    whose result the chart draws, called with the Filters and then the value of each of `controls` (States of
    page components the data depends on, such as a picked indicator)."""
    for kind in (ids.CHART_CSV, ids.CHART_DOWNLOAD):
        allowed.ids_of(kind, lambda i: i.get("page") == page.page and i.get("chart") in datasets)

    @callback(
        Output(page.download(MATCH), "data"),
        Input(page.csv(MATCH), "n_clicks"),
        State(ids.URL, "search"),
        *controls,
        prevent_initial_call=True,
    )
    def download_chart_csv(clicks, search, *values):
        if not clicks:
            return no_update
        chart = ctx.triggered_id["chart"]
        frame = datasets[chart](filters.from_query(search), *values)
        return exports.csv_download(frame, exports.filename("scn", page.page, chart, ext="csv"))

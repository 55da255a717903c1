"""Tables: the data grid with its CSV and Excel downloads, its shared columns, and the rows it is sent."""

from __future__ import annotations

import dash_ag_grid as dag
from dash import dcc, html

from dashboards import i18n
from dashboards.i18n import N_, _
from dashboards.i18n import codes as code_lists
from dashboards.ids import PageIds

TRANSLATED_KEYS = ("headerName", "headerTooltip")  # a column's words on screen (marked N_ where declared)


def translated_columns(column_defs: list[dict]) -> list[dict]:
    """`column_defs` with their headers and tooltips in the reader's language (fields, the data, untouched)."""
    return [{**c, **{k: _(c[k]) for k in TRANSLATED_KEYS if isinstance(c.get(k), str) and c[k]}}
            for c in column_defs]


def data_grid(page: PageIds, name: str, title: str, column_defs: list[dict], *, row_data=None,
              page_size: int = 15, note_id: str | None = None) -> html.Div:
    """A sortable, filterable table with CSV (in the browser) and Excel (from the server) downloads.

    Columns whose `cellRenderer` is "CityLink" show the city's name as a link to its profile
    (assets/dashAgGridComponentFunctions.js). Column headers are translated here (declare them with N_); in a
    right-to-left language the grid reads right to left too (AG Grid's enableRtl).
    """
    return html.Div([
        html.Div([
            html.H2(title, className="grid-title"),
            html.Div([
                html.Button("CSV", id=page.grid_csv(name), className="btn btn-sm btn-outline-secondary", n_clicks=0,
                            **{"aria-label": _("Download {title} as CSV").format(title=title)}),
                html.Button("Excel", id=page.grid_xlsx(name), className="btn btn-sm btn-outline-secondary",
                            n_clicks=0, **{"aria-label": _("Download {title} as Excel").format(title=title)}),
            ], className="grid-tools d-print-none"),
        ], className="grid-head"),
        dag.AgGrid(
            id=page.grid(name),
            columnDefs=translated_columns(column_defs),
            rowData=row_data or [],
            defaultColDef={"sortable": True, "filter": True, "resizable": True, "minWidth": 90, "flex": 1},
            dashGridOptions={"pagination": True, "paginationPageSize": page_size,
                             "paginationPageSizeSelector": [15, 50, 100], "domLayout": "autoHeight",
                             "animateRows": False, "enableCellTextSelection": True,
                             "enableRtl": i18n.direction() == "rtl",
                             "localeText": grid_words()},
            # formula-safe cells and headers, as the server's files (exports.neutral; assets/dashAgGrid...js)
            csvExportParams={"fileName": f"scn-{page.page}-{name}.csv",
                             "processCellCallback": {"function": "neutralCell(params.value)"},
                             "processHeaderCallback": {
                                 "function": "neutralCell(params.column.getColDef().headerName)"}},
            className="scn-grid",
        ),
        html.P(id=note_id, className="chart-note") if note_id else None,
        dcc.Download(id=page.grid_download(name)),
    ], className="grid-block")


def grid_words() -> dict:
    """AG Grid's own words the app's grids show (pager, filters, empty grid), in the reader's language."""
    return {"noRowsToShow": _("No rows for the chosen filters."), "page": _("Page"), "of": _("of"),
            "to": _("to"), "more": _("more"), "pageSizeSelectorLabel": _("Page size:"),
            "firstPage": _("First page"), "previousPage": _("Previous page"), "nextPage": _("Next page"),
            "lastPage": _("Last page"), "filterOoo": _("Filter…"), "equals": _("Equals"),
            "notEqual": _("Does not equal"), "contains": _("Contains"), "notContains": _("Does not contain"),
            "startsWith": _("Begins with"), "endsWith": _("Ends with"), "blank": _("Blank"),
            "notBlank": _("Not blank"), "lessThan": _("Less than"), "greaterThan": _("Greater than"),
            "inRange": _("Between"), "andCondition": _("AND"), "orCondition": _("OR"),
            "searchOoo": _("Search…"), "selectAll": _("(Select all)"), "noMatches": _("No matches")}


def city_column(header: str = N_("City")) -> dict:
    return {"field": "city_name", "headerName": header, "cellRenderer": "CityLink", "minWidth": 150}


def indicator_result_columns(*, status: bool = True) -> list[dict]:
    """The columns of an indicator's latest report in every indicator grid (queries.common.with_indicator_labels
    fills them): level, baseline, the target and actual to date in words, progress sorted by its number but read
    as its label ("46%", "met", "not met"), and the status."""
    columns = [
        {"field": "result_type", "headerName": N_("Level"), "maxWidth": 110},
        {"field": "adds_up", "headerName": N_("Values are"), "minWidth": 130,
         "headerTooltip": N_("How the indicator's values add up across reporting periods")},
        {"field": "baseline_value", "headerName": N_("Baseline"), "type": "numericColumn"},
        {"field": "target_label", "headerName": N_("Target (to date)"), "minWidth": 140},
        {"field": "actual_label", "headerName": N_("Actual (to date)"), "minWidth": 120},
        {"field": "progress", "headerName": N_("Progress"), "type": "numericColumn", "filter": "agNumberColumnFilter",
         "valueFormatter": {"function": "params.data.progress_label"},
         "headerTooltip": N_("Share of the way from baseline to target; where there is no such way (no baseline, "
                             "a range, a level to hold), whether the target is met")},
        {"field": "progress_label", "hide": True},
    ]
    return columns + ([{"field": "status", "headerName": N_("Status"), "maxWidth": 130}] if status else [])


# The most rows a grid receives: beyond it the browser parses megabytes for rows nobody pages through; the
# grid's note says how many there are and where the full list can be downloaded.
GRID_LIMIT = 500


def grid_rows(df, column_defs: list[dict] | None = None, *, limit: int | None = None,
              codes: dict[str, str] | None = None) -> list[dict]:
    """Rows for a grid: dates as ISO text, missing values as empty cells, floats rounded to 2 places.

    With `column_defs`, only the fields the grid shows are sent (and city_id where a column links to the
    city's profile); with `limit`, only the first rows; `codes` ({"region": "region"}: field -> code list) shows
    those fields' code-list values in the reader's language (i18n/codes.py). Built a column at a time
    (vectorised conversion, then one zip): several times faster than converting the frame cell by cell.
    """
    if column_defs is not None:
        wanted = [c["field"] for c in column_defs if "field" in c]
        if any(c.get("cellRenderer") == "CityLink" for c in column_defs):
            wanted.append("city_id")
        df = df[[c for c in df.columns if c in wanted]]
    if limit is not None:
        df = df.head(limit)
    columns = []
    for name in df.columns:
        values = df[name]
        kind = values.dtype.kind
        if kind == "M":
            values = values.dt.strftime("%Y-%m-%d")
        elif kind == "f":
            values = values.round(2)
        missing = values.isna().to_numpy()
        items = values.tolist()
        if kind == "O":
            items = [v.isoformat() if hasattr(v, "isoformat") else v for v in items]
        if missing.any():
            items = [None if gone else v for v, gone in zip(items, missing, strict=True)]
        if codes and name in codes:
            items = [code_lists.name(codes[name], v) if isinstance(v, str) else v for v in items]
        columns.append(items)
    names = list(df.columns)
    return [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)]

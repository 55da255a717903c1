"""Building blocks every page uses: chart card, KPI card, data table, empty state, filter bar, chips.

Layout only: no callbacks here. The shell (dashboards/shell/) holds the few generic callbacks these
widgets need (table downloads, chart CSVs, chip clearing), registered once for every page.
"""

from __future__ import annotations

from collections.abc import Iterable

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboards import ids, theme
from dashboards.filters import PRESETS, Filters
from dashboards.ids import PageIds
from data_pipeline.contract import EVENT_TYPES, REGIONS

GRAPH_CONFIG = {
    "topojsonURL": "/assets/topojson/",  # offline maps: plotly.js fetches <url>world_110m.json from here
    "displaylogo": False,
    "showSendToCloud": False,  # plotly.js 4 offers uploading to Plotly Cloud by default: nothing leaves
    "plotlyServerURL": "",
    "showEditInChartStudio": False,
    "responsive": True,
    "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d", "toggleSpikelines", "sendChartToCloud"],
    "toImageButtonOptions": {"format": "png", "scale": 2},
}
# What a graph shows before its callback answers: nothing, rather than empty axes.
BLANK_FIGURE = {"data": [], "layout": {"xaxis": {"visible": False}, "yaxis": {"visible": False},
                                       "paper_bgcolor": "white", "plot_bgcolor": "white"}}


def page_header(title: str, intro: str | None = None) -> html.Div:
    return html.Div([html.H1(title, className="page-title"),
                     html.P(intro, className="page-intro") if intro else None], className="page-header")


def chart_card(page: PageIds, chart: str, title: str, *, controls=None, height: int = 360,
               csv: bool = True) -> dbc.Card:
    """A chart with its CSV download and the note saying what it is based on.

    The figure itself carries the visible title; `title` labels the figure for screen readers and names
    the CSV button.
    """
    tools = [controls] if controls is not None else []
    if csv:
        tools.append(html.Button("CSV", id=page.csv(chart), className="btn btn-sm btn-link chart-csv", n_clicks=0,
                                 title=f"Download the data of “{title}” as CSV",
                                 **{"aria-label": f"Download the data of {title} as CSV"}))
    return dbc.Card(
        dbc.CardBody([
            # filled by assets/errors.js when the chart's callback fails: "could not load (reference ...)"
            html.P(className="load-error", role="alert", hidden=True),
            html.Div(tools, className="chart-tools d-print-none"),
            html.Figure([
                # responsive: the chart takes its card's height from its first draw, whatever height the figure
                # asks for; without it a figure of another height was drawn again once the card resized it
                dcc.Loading(dcc.Graph(id=page.graph(chart), figure=BLANK_FIGURE, config=GRAPH_CONFIG,
                                      responsive=True, style={"height": f"{height}px"}, className="chart-graph"),
                            type="dot", delay_show=400, color=theme.PRIMARY),
                html.Figcaption(id=page.note(chart), className="chart-note"),
            ], role="figure", **{"aria-label": title}, className="chart-figure"),
            dcc.Download(id=page.download(chart)) if csv else None,
        ]),
        class_name="chart-card h-100",
    )


def fitted(fig) -> dict:
    """The graph's style for a figure whose height grows with its rows (timelines): the box follows it."""
    return {"height": f"{fig.to_plotly_json()['layout'].get('height') or 360}px"}


def kpi_card(label: str, value: str, *, change: str = "", direction: str = "none", versus: str = "",
             good: str = "up", hint: str | None = None) -> dbc.Card:
    """A headline number with its change against the period before.

    The arrow and the words carry the change; colour only repeats it (green when the change is good,
    which is up for most KPIs: `good="down"` flips it, `good="neutral"` keeps it grey).
    """
    arrow = {"up": "▲", "down": "▼", "flat": "▶"}.get(direction, "")
    tone = "neutral"
    if direction in ("up", "down") and good in ("up", "down"):
        tone = "good" if direction == good else "bad"
    delta = html.Div(
        [html.Span(arrow, className="kpi-arrow", **{"aria-hidden": "true"}), f" {change}",
         html.Span(f" vs {versus}", className="kpi-versus") if versus else None],
        className=f"kpi-change kpi-{tone}",
    ) if change else None
    return dbc.Card(
        dbc.CardBody([
            html.Div(label, className="kpi-label"),
            html.Div(value, className="kpi-value"),
            delta,
            html.Div(hint, className="kpi-hint") if hint else None,
        ]),
        class_name="kpi-card h-100",
    )


def facts(pairs: list[tuple[str, object]]) -> html.Dl:
    """Label / value pairs as a description list laid out in a responsive grid."""
    return html.Dl([html.Div([html.Dt(label), html.Dd(value)], className="fact") for label, value in pairs],
                   className="facts")


def empty_state(message: str, *, detail: str | None = None) -> html.Div:
    return html.Div([html.P(message, className="empty-title mb-1"),
                     html.P(detail, className="empty-detail mb-0") if detail else None],
                    className="empty-state", role="status")


def data_grid(page: PageIds, name: str, title: str, column_defs: list[dict], *, row_data=None,
              page_size: int = 15, note_id: str | None = None) -> html.Div:
    """A sortable, filterable table with CSV (in the browser) and Excel (from the server) downloads.

    Columns whose `cellRenderer` is "CityLink" show the city's name as a link to its profile
    (assets/dashAgGridComponentFunctions.js).
    """
    return html.Div([
        html.Div([
            html.H2(title, className="grid-title"),
            html.Div([
                html.Button("CSV", id=page.grid_csv(name), className="btn btn-sm btn-outline-secondary", n_clicks=0,
                            **{"aria-label": f"Download {title} as CSV"}),
                html.Button("Excel", id=page.grid_xlsx(name), className="btn btn-sm btn-outline-secondary",
                            n_clicks=0, **{"aria-label": f"Download {title} as Excel"}),
            ], className="grid-tools d-print-none"),
        ], className="grid-head"),
        dag.AgGrid(
            id=page.grid(name),
            columnDefs=column_defs,
            rowData=row_data or [],
            defaultColDef={"sortable": True, "filter": True, "resizable": True, "minWidth": 90, "flex": 1},
            dashGridOptions={"pagination": True, "paginationPageSize": page_size,
                             "paginationPageSizeSelector": [15, 50, 100], "domLayout": "autoHeight",
                             "animateRows": False, "enableCellTextSelection": True,
                             "localeText": {"noRowsToShow": "No rows for the chosen filters."}},
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


def city_column(header: str = "City") -> dict:
    return {"field": "city_name", "headerName": header, "cellRenderer": "CityLink", "minWidth": 150}


def indicator_result_columns(*, status: bool = True) -> list[dict]:
    """The columns of an indicator's latest report in every indicator grid (queries.common.with_indicator_labels
    fills them): level, baseline, the target and actual to date in words, progress sorted by its number but read
    as its label ("46%", "met", "not met"), and the status."""
    columns = [
        {"field": "result_type", "headerName": "Level", "maxWidth": 110},
        {"field": "adds_up", "headerName": "Values are", "minWidth": 130,
         "headerTooltip": "How the indicator's values add up across reporting periods"},
        {"field": "baseline_value", "headerName": "Baseline", "type": "numericColumn"},
        {"field": "target_label", "headerName": "Target (to date)", "minWidth": 140},
        {"field": "actual_label", "headerName": "Actual (to date)", "minWidth": 120},
        {"field": "progress", "headerName": "Progress", "type": "numericColumn", "filter": "agNumberColumnFilter",
         "valueFormatter": {"function": "params.data.progress_label"},
         "headerTooltip": "Share of the way from baseline to target; where there is no such way (no baseline, a "
                          "range, a level to hold), whether the target is met"},
        {"field": "progress_label", "hide": True},
    ]
    return columns + ([{"field": "status", "headerName": "Status", "maxWidth": 130}] if status else [])


# --- the filter bar and its chips ------------------------------------------------------------------------------


def _select(id_, placeholder: str, label: str, options=(), multi: bool = True, width: str = "") -> html.Div:
    return html.Div([
        html.Label(label, htmlFor=id_, className="filter-label"),
        dcc.Dropdown(id=id_, options=list(options), multi=multi, placeholder=placeholder, clearable=True,
                     className="filter-dropdown"),
    ], className=f"filter-item {width}")


def filter_bar(options: dict, quarters: list[str], first_day, last_day, regions: tuple[str, ...] = REGIONS) -> html.Div:
    """The one filter bar: period (presets relative to the data's reference date), region (those `regions` the
    viewer covers), country, event type, topic. Its state is mirrored in the URL by the shell's callbacks."""
    return html.Div([
        html.Div([
            html.Label("Period", htmlFor=ids.FILTER_PERIOD, className="filter-label"),
            dcc.Dropdown(id=ids.FILTER_PERIOD, options=[{"label": v, "value": k} for k, v in PRESETS.items()],
                         value="last-12-months", clearable=False, searchable=False, className="filter-dropdown"),
        ], className="filter-item filter-period"),
        html.Div([
            html.Label("Quarter", htmlFor=ids.FILTER_QUARTER, className="filter-label"),
            dcc.Dropdown(id=ids.FILTER_QUARTER, options=[{"label": q.replace("-", " "), "value": q}
                                                         for q in quarters],
                         value=quarters[0] if quarters else None, clearable=False, className="filter-dropdown"),
        ], id=ids.FILTER_QUARTER_WRAP, className="filter-item filter-quarter", hidden=True),
        html.Div([
            html.Label("From – to", htmlFor=ids.FILTER_RANGE, className="filter-label"),
            dcc.DatePickerRange(id=ids.FILTER_RANGE, min_date_allowed=first_day, max_date_allowed=last_day,
                                initial_visible_month=last_day, display_format="D MMM YYYY",
                                first_day_of_week=1, clearable=False, className="filter-range"),
        ], id=ids.FILTER_RANGE_WRAP, className="filter-item", hidden=True),
        _select(ids.FILTER_REGION, "All regions", "Region",
                [{"label": r, "value": r} for r in regions], width="filter-wide"),
        _select(ids.FILTER_COUNTRY, "All countries", "Country",
                [{"label": c["name"], "value": c["iso3"]} for c in options["countries"]]),
        _select(ids.FILTER_EVENT_TYPE, "All event types", "Event type",
                [{"label": t.capitalize(), "value": t} for t in EVENT_TYPES]),
        _select(ids.FILTER_TOPIC, "All topics", "Topic", [{"label": t, "value": t} for t in options["topics"]]),
        html.Div(dbc.Button("Reset", id=ids.FILTER_RESET, color="link", size="sm", class_name="filter-reset",
                            title="Back to the last 12 months, everything included"),
                 className="filter-item filter-reset-wrap"),
    ], className="filter-bar", role="search", **{"aria-label": "Filters"})


def chips(filters: Filters, window_text: str, names: dict[str, str]) -> list:
    """The active filters as removable chips, after the period's dates in words."""
    items: list = [html.Span(window_text, className="window-text")]
    labels = {"region": "Region", "country": "Country", "event": "Event type", "topic": "Topic"}
    for key, values in filters.active().items():
        shown = [names.get(v, v) for v in values]
        dot = ([html.Span(className="chip-dot", style={"background": theme.region_colour(values[0])})]
               if key == "region" and len(values) == 1 else [])
        items.append(html.Span([
            *dot, f"{labels[key]}: {', '.join(shown)}",
            html.Button("×", id=ids.chip_clear(key), className="chip-x", n_clicks=0,
                        **{"aria-label": f"Clear the {labels[key].lower()} filter"}),
        ], className="chip"))
    return items


def segmented(id_, options: dict[str, str], value: str, label: str) -> html.Div:
    """A small button group to switch what a chart shows (keyboard: arrow keys, like radio buttons)."""
    return html.Div(dbc.RadioItems(
        id=id_, options=[{"label": v, "value": k} for k, v in options.items()], value=value, inline=True,
        class_name="segmented", input_class_name="btn-check", label_class_name="btn btn-outline-secondary btn-sm",
        label_checked_class_name="active",
    ), role="radiogroup", **{"aria-label": label})


# The most options a dropdown of things that grow with the data receives; typing searches the rest.
OPTIONS_LIMIT = 100


def bounded_options(labels: Iterable[str], values: Iterable, text: str, keep: str | None,
                    limit: int = OPTIONS_LIMIT) -> list[dict]:
    """Dropdown options: those whose label contains `text` (any case; all when empty), in the given order, at most
    `limit`, and always the one chosen (`keep`) so its label stays shown. A plain loop: with a few thousand
    options, pandas' string methods on Arrow-backed text cost several times more."""
    needle = text.lower()
    options, listed = [], 0
    for label, value in zip(labels, values, strict=True):
        if value == keep:
            options.append({"label": label, "value": value})
        elif listed < limit and needle in label.lower():
            options.append({"label": label, "value": value})
            listed += 1
    return options


# The most rows a grid receives: beyond it the browser parses megabytes for rows nobody pages through; the
# grid's note says how many there are and where the full list can be downloaded.
GRID_LIMIT = 500


def grid_rows(df, column_defs: list[dict] | None = None, *, limit: int | None = None) -> list[dict]:
    """Rows for a grid: dates as ISO text, missing values as empty cells, floats rounded to 2 places.

    With `column_defs`, only the fields the grid shows are sent (and city_id where a column links to the
    city's profile); with `limit`, only the first rows. Built a column at a time (vectorised conversion, then
    one zip): several times faster than converting the frame cell by cell.
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
        columns.append(items)
    names = list(df.columns)
    return [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)]

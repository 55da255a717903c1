"""The filter bar <-> URL round trip: the URL's query string is the one source of the filters, the bar mirrors
it, the chips and the printed header describe it."""

from __future__ import annotations

import dash
from dash import ALL, Input, Output, State, callback, ctx, html, no_update, set_props

from dashboards import filters, ids
from dashboards import formatting as fmt
from dashboards.components import chips
from dashboards.filters import Filters
from dashboards.i18n import _, negotiate
from dashboards.queries import common
from dashboards.queries.db import current_viewer
from dashboards.shell import notices
from dashboards.shell.frame import APP_NAME
from dashboards.state.saved_views import region_notice


# The URL is written with set_props rather than as an output: a page's data callbacks listen to the URL alone,
# and Dash does not call a callback on load when each of its inputs is another callback's output (it waits for
# that output, which on load is left as it is). So the pages' data is asked for with the frame, not after this.
@callback(
    Output(ids.FILTER_PERIOD, "value"),
    Output(ids.FILTER_QUARTER, "value"),
    Output(ids.FILTER_RANGE, "start_date"),
    Output(ids.FILTER_RANGE, "end_date"),
    Output(ids.FILTER_REGION, "value"),
    Output(ids.FILTER_COUNTRY, "value"),
    Output(ids.FILTER_EVENT_TYPE, "value"),
    Output(ids.FILTER_TOPIC, "value"),
    Output(ids.FILTER_QUARTER_WRAP, "hidden"),
    Output(ids.FILTER_RANGE_WRAP, "hidden"),
    Input(ids.URL, "search"),
    Input(ids.FILTER_PERIOD, "value"),
    Input(ids.FILTER_QUARTER, "value"),
    Input(ids.FILTER_RANGE, "start_date"),
    Input(ids.FILTER_RANGE, "end_date"),
    Input(ids.FILTER_REGION, "value"),
    Input(ids.FILTER_COUNTRY, "value"),
    Input(ids.FILTER_EVENT_TYPE, "value"),
    Input(ids.FILTER_TOPIC, "value"),
    Input(ids.FILTER_RESET, "n_clicks"),
    Input({"type": ids.CHIP_CLEAR, "key": ALL}, "n_clicks"),
)
def sync_filters(search, period, quarter, start, end, regions, countries, event_types, topics, _reset, _chips):
    """Keep the filter bar and the URL query string equal: a changed URL (load, reload, back button) sets the
    controls; a changed control, the reset button or a chip's x writes the URL."""
    shown = (period, quarter, start, end, regions, countries, event_types, topics)
    chosen = _chosen(ctx.triggered_id, ctx.triggered, search, shown)
    if chosen is None:
        return (no_update,) * 10
    query = _query(chosen, search)
    if query != search and not notices.keeps_link(ctx.triggered_id, region_notice(current_viewer(), search or "")):
        set_props(ids.URL, {"search": query})
    return _controls(chosen, shown)


def _chosen(trigger, triggered: list, search: str | None, shown: tuple) -> Filters | None:
    """The filters after what happened: the URL read, a control changed, reset, or a chip's x; None for nothing
    to do (the Location has not read the browser's URL yet, or chips were redrawn and none was clicked)."""
    if search is None or (isinstance(trigger, dict) and not triggered[0]["value"]):
        return None
    if trigger is None or trigger == ids.URL:
        return filters.from_query(search)
    if trigger == ids.FILTER_RESET:
        return Filters()
    if isinstance(trigger, dict):
        return filters.from_query(search).without(trigger["key"])
    return filters.from_controls(*shown, window=common.window(filters.from_query(search)))


def _query(chosen: Filters, search: str | None) -> str:
    """The URL's query string for `chosen`; the page's language (`lang`) stays whatever changed, reset included."""
    return filters.to_query(chosen, lang=negotiate.query_language(search))


def _controls(chosen: Filters, shown: tuple) -> tuple:
    """What each control of the bar should show for `chosen`, and which of the quarter and range pickers hide.

    A control already showing its value is left alone, so nothing listening to it (the country list) runs again
    when a page opens.
    """
    period, quarter, start, end, regions, countries, event_types, topics = shown
    c = filters.to_controls(chosen)
    return (_changed(c["period"], period),
            _changed(c["quarter"], quarter) if c["quarter"] else no_update, _changed(c["start"], start),
            _changed(c["end"], end), _changed(c["regions"], regions), _changed(c["countries"], countries),
            _changed(c["event_types"], event_types), _changed(c["topics"], topics), c["period"] != "quarter",
            c["period"] != "custom")


def _changed(value, shown):
    """`value`, or no_update when the control shows it already (an empty choice is empty whether [] or None)."""
    return no_update if value == shown or (not value and not shown) else value


@callback(Output(ids.FILTER_COUNTRY, "options"), Input(ids.FILTER_REGION, "value"),
          State(ids.FILTER_COUNTRY, "value"), prevent_initial_call=True)
def countries_of_regions(regions, chosen):
    """Offer the countries of the chosen regions (and keep any already chosen, so nothing vanishes). The filter
    bar starts with every country the viewer may see: until a region is chosen there is nothing to narrow."""
    countries = common.filter_options()["countries"]
    keep = set(chosen or [])
    return [{"label": c["name"], "value": c["iso3"]} for c in countries
            if not regions or c["region"] in regions or c["iso3"] in keep]


@callback(
    Output(ids.CHIPS, "children"),
    Output(ids.PRINT_HEADER, "children"),
    Input(ids.URL, "search"),
    State(ids.URL, "pathname"),
)
def show_active_filters(search, pathname):
    """Chips for the active filters, and the header printed at the top of every printed page."""
    chosen = filters.from_query(search)
    win = common.window(chosen)
    dates = _("{period}: {dates}").format(period=win.label, dates=fmt.period(win.start, win.end))
    if win.previous:
        dates = _("{period} · compared with {dates}").format(period=dates,
                                                             dates=fmt.period(win.previous.start, win.previous.end))
    shown = chips(chosen, dates, common.country_names())
    # the rule saved views use: only regions the link names can be left out (a link naming none leaves none out)
    notice = notices.region_chip(region_notice(current_viewer(), search or ""))
    return [*shown, notice] if notice else shown, _printed_header(chosen, pathname)


def _printed_header(chosen: Filters, pathname: str | None) -> list:
    """The header at the top of every printed page: the app and page, the filters, the data's date."""
    build = common.build_info()
    page = next((_(p["name"]) for p in dash.page_registry.values() if p["path"] == pathname), "")
    return [
        html.Div([html.Strong(_(APP_NAME)), f" · {page}" if page else ""], className="print-title"),
        html.Div(_("Filters: {filters}").format(filters=filters.describe(chosen, build["as_of"]))),
        html.Div(_("Data as of {day}; database built {built}").format(
            day=fmt.day(build["as_of"]), built=f"{build['built_at']:%d %b %Y %H:%M}")
                 + (_(" · DEMO DATA") if build.get("is_demo") else "")),
    ]

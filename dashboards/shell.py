"""The frame around every page: navigation, the filter bar mirrored in the URL, chips, banners, print header.

`layout()` is the app's layout (a function, so each page load reads the current database for the filter
options). The callbacks here serve every page: the URL <-> filter bar round trip, navigation links that keep
the query string, and the generic table and chart downloads.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

import dash
import dash_bootstrap_components as dbc
from dash import ALL, MATCH, Input, Output, State, callback, clientside_callback, ctx, dcc, html, no_update, set_props
from dash._pages import _parse_query_string, _path_to_page
from dash.dash import _ID_CONTENT, _ID_DUMMY, _ID_LOCATION, _ID_STORE
from dash.dependencies import ClientsideFunction
from flask import has_request_context, request
from flask_wtf.csrf import generate_csrf

from dashboards import (
    chart_notes,  # noqa: F401  (its callback fills the chart cards' notes)
    filters,
    ids,
    settings,
    views_menu,
)
from dashboards import formatting as fmt
from dashboards.components import chips, filter_bar
from dashboards.db import DatabaseMissing, current_viewer
from dashboards.filters import Filters
from dashboards.queries import common
from dashboards.reports import exports
from dashboards.saved_views import region_notice
from dashboards.security import access, allowed
from dashboards.security.access import NOBODY, Viewer
from data_pipeline.contract import REGIONS

APP_NAME = "SCN Impact Dashboard"


def _nav(pages: list[dict], viewer: Viewer) -> dbc.Navbar:
    links = [dbc.NavItem(dbc.NavLink(p["name"], href=p["path"], id=ids.nav_link(p["module"].split(".")[-1])))
             for p in pages if viewer.may_open(p["module"].split(".")[-1])]
    role = access.ROLES.get(viewer.role)
    who = [html.Span(viewer.user, className="user-name"), html.Span(role.label if role else "", className="user-role")]
    account = (dbc.NavItem(html.Div([
        html.Span(who, className="user-who"),
        # a POST with the form token: a link or another site cannot sign anyone out (auth.logout_view)
        html.Form([dcc.Input(type="hidden", name="csrf_token", value=generate_csrf()),
                   html.Button("Sign out", type="submit", id="sign-out",
                               className="btn btn-sm btn-outline-light ms-2")],
                  action="/logout", method="post", className="d-inline"),
    ], className="user-menu d-flex align-items-center")) if viewer.role != "public"
        else dbc.NavItem(html.A("Sign in", href="/login", className="btn btn-sm btn-outline-light", id="sign-in-link")))
    return dbc.Navbar(
        dbc.Container([
            dbc.NavbarBrand([html.Span("SCN", className="brand-mark"), " Impact Dashboard"], href="/",
                            id="brand-link"),
            html.Button(html.Span(className="navbar-toggler-icon"), id="nav-toggle", className="navbar-toggler",
                        n_clicks=0, **{"aria-label": "Show or hide the page menu", "aria-controls": "nav-collapse"}),
            dbc.Collapse(dbc.Nav([*links, views_menu.nav_item(viewer), account], navbar=True,
                                 class_name="ms-auto align-items-lg-center"),
                         id="nav-collapse", navbar=True),
        ], fluid=True),
        color="primary", dark=True, expand="lg", class_name="scn-navbar d-print-none",
    )


def _demo_banner(build: dict) -> dbc.Alert | None:
    if not (build.get("is_demo") or settings.get().demo):
        return None
    return dbc.Alert(
        [html.Strong("Demo data. "), "The numbers on these pages are synthetic, generated for demonstration; "
         "they describe no real city or person."],
        color="warning", class_name="demo-banner mb-0", id=ids.DEMO_BANNER,
    )


def _missing_database(message: str) -> dbc.Alert:
    return dbc.Alert([html.H1("No data to show yet", className="h4"), html.P(message, className="mb-0")],
                     color="secondary", class_name="m-3")


# --- the page, rendered with the frame ------------------------------------------------------------------------
# Dash's page container starts empty: the browser fetches the frame, mounts it, asks the page router (a callback)
# for the page, mounts that and only then asks for the page's data. Here the page comes with the frame, so its
# data callbacks go out with the frame's own: one round trip fewer on every page load (on localhost ~100 ms; on a
# slow line a whole network round trip more). The browser says which page it shows in the frame request's
# Referer (whole: the app sends `Referrer-Policy: same-origin`); without one, the router does it as before.


def _requested_page() -> tuple[str, str] | None:
    """(path, query string) of the page this frame is fetched for, or None: not a frame request of this site."""
    if not has_request_context() or request.path != "/_dash-layout":
        return None
    shown, here = urlsplit(request.referrer or ""), urlsplit(request.host_url)
    if (shown.scheme, shown.netloc) != (here.scheme, here.netloc):
        return None
    return shown.path or "/", f"?{shown.query}" if shown.query else ""


def _route(path: str, search: str) -> tuple[object, str]:
    """The page layout and title Dash's page router answers for `path` and `search` (kept in step with
    dash.Dash.enable_pages' update(): the same registry lookup, 404 page, path variables and query arguments).
    The layouts are the role-guarded ones (auth._guard_layouts): a page a role may not open renders as refused."""
    page, variables = _path_to_page(dash.strip_relative_path(path))
    if not page:
        page = next((p for module, p in dash.page_registry.items() if module.split(".")[-1] == "not_found_404"), {})
        variables = None
    layout, title = page.get("layout", html.H1("404 - Page not found")), page.get("title", APP_NAME)
    if callable(layout):
        layout = layout(**{**(variables or {}), **_parse_query_string(search)})
    if callable(title):
        title = title(**(variables or {}))
    return layout, title


def _page_container(requested: tuple[str, str] | None) -> html.Div:
    """dash.page_container with the requested page in it and its location set (so mounting it does not call the
    router); the plain, empty container when the page is not known."""
    if requested is None:
        return dash.page_container
    path, search = requested
    layout, title = _route(path, search)
    return html.Div([
        dcc.Location(id=_ID_LOCATION, refresh="callback-nav", pathname=path, search=search),
        html.Div(layout, id=_ID_CONTENT, disable_n_clicks=True),
        # `rendered`: the browser checks it shows the page it is on (assets/shell.js, checkRenderedPage)
        dcc.Store(id=_ID_STORE, data={"title": title, "rendered": [path, search]}),
        html.Div(id=_ID_DUMMY, disable_n_clicks=True),
    ])


def layout() -> html.Div:
    """The shell around every page, built on each page load from the current database.

    Before the first build it says how to make one; the pages stay mounted but hidden so every callback
    still finds its components. Without a viewer (Dash renders it once on its first request, which may be the
    sign-in page's) it is an empty frame: no data is read.
    """
    viewer = current_viewer()
    if viewer is NOBODY:
        return html.Div([dcc.Location(id=ids.URL, refresh=False), dcc.Location(id=ids.NAV, refresh="callback-nav"),
                         dash.page_container], className="scn-app")
    try:
        build, options, first = common.build_info(), common.filter_options(), common.first_activity()
        missing = None
    except DatabaseMissing as exc:
        build, options, missing = None, {"countries": [], "topics": []}, str(exc)
        first = dt.date.today()
    as_of = build["as_of"] if build else first
    pages = [p for p in dash.page_registry.values() if p.get("nav")]
    regions = access.chosen_regions(viewer) or REGIONS
    requested = None if missing else _requested_page()
    shown = dict(zip(("pathname", "search"), requested, strict=True)) if requested else {}
    return html.Div([
        html.A("Skip to the page content", href="#page-content", className="skip-link"),
        dcc.Location(id=ids.URL, refresh=False, **shown),
        dcc.Location(id=ids.NAV, refresh="callback-nav"),
        html.Header([
            _nav(pages, viewer),
            _demo_banner(build) if build else _missing_database(missing),
            html.Div([
                filter_bar(options, filters.quarters_between(first, as_of), first, as_of, regions),
                html.Div(id=ids.CHIPS, className="chips", **{"aria-live": "polite"}),
            ], className="filter-panel d-print-none", hidden=bool(missing)),
        ], className="app-header"),
        html.Div(id=ids.PRINT_HEADER, className="print-header"),
        views_menu.panel(viewer),
        html.Main(_page_container(requested), id="page-content", className="app-main container-fluid",
                  tabIndex="-1", hidden=bool(missing)),
        html.Footer([
            f"Data as of {fmt.day(as_of)} · built {build['built_at']:%d %b %Y %H:%M} · pipeline "
            f"{build['pipeline_version']}",
        ] if build else [], className="app-footer d-print-none"),
    ], className="scn-app")


# --- the filter bar <-> URL round trip -------------------------------------------------------------------------

_CONTROLS = [ids.FILTER_PERIOD, ids.FILTER_QUARTER, ids.FILTER_REGION, ids.FILTER_COUNTRY, ids.FILTER_EVENT_TYPE,
             ids.FILTER_TOPIC]


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
    trigger = ctx.triggered_id
    if search is None:  # the Location has not read the browser's URL yet
        return (no_update,) * 10
    if isinstance(trigger, dict) and not ctx.triggered[0]["value"]:
        return (no_update,) * 10  # chips were redrawn, none was clicked
    if trigger is None or trigger == ids.URL:
        chosen = filters.from_query(search)
    elif trigger == ids.FILTER_RESET:
        chosen = Filters()
    elif isinstance(trigger, dict):
        chosen = filters.from_query(search).without(trigger["key"])
    else:
        chosen = filters.from_controls(period, quarter, start, end, regions, countries, event_types, topics,
                                       window=common.window(filters.from_query(search)))
    query = filters.to_query(chosen)
    c = filters.to_controls(chosen)
    # A control already showing its value is left alone, so nothing listening to it (the country list) runs
    # again when a page opens.
    if query != search:
        set_props(ids.URL, {"search": query})
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
    build = common.build_info()
    compared = f" · compared with {fmt.period(win.previous.start, win.previous.end)}" if win.previous else ""
    names = common.country_names()
    page = next((p["name"] for p in dash.page_registry.values() if p["path"] == pathname), "")
    printed = [
        html.Div([html.Strong(APP_NAME), f" · {page}" if page else ""], className="print-title"),
        html.Div(f"Filters: {filters.describe(chosen, build['as_of'])}"),
        html.Div(f"Data as of {fmt.day(build['as_of'])}; database built {build['built_at']:%d %b %Y %H:%M}"
                 + (" · DEMO DATA" if build.get("is_demo") else "")),
    ]
    shown = chips(chosen, f"{win.label}: {fmt.period(win.start, win.end)}{compared}", names)
    # a link naming regions the viewer does not cover (a hub lead opening a colleague's link) shows their own
    # region instead: say so, visibly, rather than let the numbers pass for the ones asked for (the rule saved
    # views use; a link naming no region leaves none out)
    if notice := region_notice(current_viewer(), search or ""):
        shown.append(html.Span(notice, className="chip chip-notice", id="region-notice", role="status"))
    return shown, printed


# Navigation links carry the query string, so the filters follow the person from page to page (in the browser:
# a page opens without a round trip for its links).
clientside_callback(
    ClientsideFunction("shell", "linksKeepQuery"),
    Output({"type": ids.NAV_LINK, "page": ALL}, "href"),
    Output({"type": ids.NAV_LINK, "page": ALL}, "active"),
    Output("brand-link", "href"),
    Input(ids.URL, "search"),
    Input(ids.URL, "pathname"),
    State({"type": ids.NAV_LINK, "page": ALL}, "href"),
)


# A page rendered with the frame for another address than the browser's (a Referer cut short by the browser or
# an extension): both locations take the browser's address, which sends the router and the filters there.
clientside_callback(
    ClientsideFunction("shell", "checkRenderedPage"),
    Output(_ID_DUMMY, "title"),
    Input(_ID_STORE, "data"),
)


@callback(Output("nav-collapse", "is_open"), Input("nav-toggle", "n_clicks"), State("nav-collapse", "is_open"),
          prevent_initial_call=True)
def toggle_menu(_clicks, is_open):
    return not is_open


# --- downloads shared by every page ----------------------------------------------------------------------------

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


# --- click to filter / drill down --------------------------------------------------------------------------------


def click_to_filter(graph_id: str) -> None:
    """Make marks of `graph_id` actionable by their customdata: ["region", name] and ["country", ISO-3] filter
    the page (a chip appears), ["city", id] opens the city's profile with the filters kept.

    Done in the browser (assets/shell.js): Dash runs a callback whose input arrives with a page despite
    prevent_initial_call, so on the server this cost a round trip per clickable graph on every page open."""
    clientside_callback(
        ClientsideFunction("shell", "followClick"),
        Output(ids.NAV, "href", allow_duplicate=True),
        Output(ids.FILTER_REGION, "value", allow_duplicate=True),
        Output(ids.FILTER_COUNTRY, "value", allow_duplicate=True),
        Input(graph_id, "clickData"),
        State(ids.URL, "search"),
        prevent_initial_call=True,
    )

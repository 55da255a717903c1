"""The frame around every page: the navigation bar, the filter bar, the notices, the page itself, the footer.

`layout()` is the app's layout (a function, so each page load reads the current database for the filter
options). The callbacks that serve every page live beside this module: filtering (the URL <-> filter bar round
trip), navigation, downloads, click (click to filter); notices holds the banners.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html
from flask import has_request_context, request
from flask_wtf.csrf import generate_csrf

from dashboards import filters, i18n, ids
from dashboards import formatting as fmt
from dashboards.components import (
    chart_notes,  # noqa: F401  (its callback fills the chart cards' notes)
    filter_bar,
)
from dashboards.i18n import _, browser, codes
from dashboards.queries import common
from dashboards.queries.db import DatabaseMissing, current_viewer
from dashboards.security import access, allowed
from dashboards.security.access import NOBODY, Viewer
from dashboards.shell import dash_internals, language, notices, views_menu
from data_pipeline.contract import REGIONS

# Dash's page router reads the browser's address into its own location and keeps the page in its store: the
# same rules as the shell's own location (security/allowed.py)
allowed.declare(dash_internals.PAGE_LOCATION, "search", allowed.QUERY)
allowed.declare(dash_internals.PAGE_LOCATION, "pathname", allowed.PATH)
allowed.declare(dash_internals.PAGE_STORE, "data", allowed.STORE)

APP_NAME = "SCN Impact Dashboard"


def _logout_action() -> str:
    """Signing out leads to the sign-in page in the language the person was reading (signin.logout_view)."""
    lang = i18n.current_language()
    return "/logout" if lang == i18n.DEFAULT else f"/logout?lang={lang}"


def _nav(pages: list[dict], viewer: Viewer, shown: dict) -> dbc.Navbar:
    """The navigation bar: the pages this viewer may open, the language switch, who is signed in, and sign in or
    out."""
    links = [dbc.NavItem(dbc.NavLink(_(p["name"]), href=p["path"], id=ids.nav_link(p["module"].split(".")[-1])))
             for p in pages if viewer.may_open(p["module"].split(".")[-1])]
    who = [html.Span(viewer.user, className="user-name"),
           html.Span(codes.role_name(viewer.role) if viewer.kind else "", className="user-role")]
    account = (dbc.NavItem(html.Div([
        html.Span(who, className="user-who"),
        # a POST with the form token: a link or another site cannot sign anyone out (auth.logout_view)
        html.Form([dcc.Input(type="hidden", name="csrf_token", value=generate_csrf()),
                   html.Button(_("Sign out"), type="submit", id="sign-out",
                               className="btn btn-sm btn-outline-light ms-2")],
                  action=_logout_action(), method="post", className="d-inline"),
    ], className="user-menu d-flex align-items-center")) if viewer.role != "public"
        else dbc.NavItem(html.A(_("Sign in"), href=f"/login?lang={i18n.current_language()}",
                                className="btn btn-sm btn-outline-light", id="sign-in-link")))
    return dbc.Navbar(
        dbc.Container([
            dbc.NavbarBrand([html.Span("SCN", className="brand-mark"), " ", _("Impact Dashboard")], href="/",
                            id="brand-link"),
            html.Button(html.Span(className="navbar-toggler-icon"), id="nav-toggle", className="navbar-toggler",
                        n_clicks=0, **{"aria-label": _("Show or hide the page menu"), "aria-controls": "nav-collapse"}),
            dbc.Collapse(dbc.Nav([*links, views_menu.nav_item(viewer),
                                  dbc.NavItem(language.switch(shown.get("pathname"), shown.get("search"))), account],
                                 navbar=True,
                                 class_name="ms-auto align-items-lg-center"),
                         id="nav-collapse", navbar=True),
        ], fluid=True),
        color="primary", dark=True, expand="lg", class_name="scn-navbar d-print-none",
    )


# --- the page, rendered with the frame ------------------------------------------------------------------------
# Dash's page container starts empty: the browser fetches the frame, mounts it, asks the page router (a callback)
# for the page, mounts that and only then asks for the page's data. Here the page comes with the frame, so its
# data callbacks go out with the frame's own: one round trip fewer on every page load (on a slow line a whole
# network round trip). The browser says which page it shows in the frame request's
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
    page, variables = dash_internals.page_for_path(dash.strip_relative_path(path))
    if not page:
        page = next((p for module, p in dash.page_registry.items() if module.split(".")[-1] == "not_found_404"), {})
        variables = None
    layout, title = page.get("layout", html.H1(_("404 - Page not found"))), page.get("title", APP_NAME)
    if callable(layout):
        layout = layout(**{**(variables or {}), **dash_internals.parse_query_string(search)})
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
        dcc.Location(id=dash_internals.PAGE_LOCATION, refresh="callback-nav", pathname=path, search=search),
        html.Div(layout, id=dash_internals.PAGE_CONTENT, disable_n_clicks=True),
        # `rendered`: the browser checks it shows the page it is on (assets/shell.js, checkRenderedPage)
        dcc.Store(id=dash_internals.PAGE_STORE, data={"title": title, "rendered": [path, search]}),
        html.Div(id=dash_internals.PAGE_DUMMY, disable_n_clicks=True),
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
        html.A(_("Skip to the page content"), href="#page-content", className="skip-link"),
        dcc.Location(id=ids.URL, refresh=False, **shown),
        dcc.Location(id=ids.NAV, refresh="callback-nav"),
        html.Header([
            _nav(pages, viewer, shown),
            notices.demo_banner(build) if build else notices.missing_database(missing),
            html.Div([
                # folded on a phone and in the scrolled header's compact bar (assets/header.js, header.css)
                html.Button([_("Filters"), html.Span(id=ids.FILTER_COUNT, className="filter-count")],
                            id=ids.FILTERS_TOGGLE, className="btn btn-sm btn-outline-secondary filters-toggle",
                            **{"aria-expanded": "false", "aria-controls": ids.FILTER_BODY}),
                html.Div(filter_bar(options, filters.quarters_between(first, as_of), first, as_of, regions,
                                    filters.from_query(requested[1]) if requested else None),
                         id=ids.FILTER_BODY, className="filter-body"),
                html.Div([
                    html.Div(id=ids.CHIPS, className="chips", **{"aria-live": "polite"}),
                    # the browser's print with assets/print.css; its "Save as PDF" makes the PDF
                    html.Button(_("Print / PDF"), id=ids.PRINT_BUTTON, className="btn btn-sm btn-outline-secondary",
                                title=_("Print this page on A4, or save it as a PDF")),
                ], className="chips-row"),
            ], className="filter-panel d-print-none", hidden=bool(missing)),
        ], className="app-header"),
        html.Div(id=ids.PRINT_HEADER, className="print-header"),
        views_menu.panel(viewer),
        # Read by the chart notes on every page, the public's too; the note form (signed in only) bumps it.
        dcc.Store(id=ids.NOTES_CHANGED, data=0),
        html.Div(id=browser.ELEMENT_ID, hidden=True, **{"data-words": browser.words_json()}),  # assets/*.js
        html.Main(_page_container(requested), id="page-content", className="app-main container-fluid",
                  tabIndex="-1", hidden=bool(missing)),
        html.Footer([
            _("Data as of {day} · built {built} · pipeline {version}").format(
                day=fmt.day(as_of), built=f"{build['built_at']:%d %b %Y %H:%M}", version=build["pipeline_version"]),
        ] if build else [], className="app-footer d-print-none"),
    ], className="scn-app")

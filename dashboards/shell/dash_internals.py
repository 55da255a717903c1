"""Every private Dash name the app relies on, and only here.

Dash offers no public API for these; each entry says what it is used for and which public API would replace it.
tests/dashboards/shell/test_dash_internals.py checks each against the installed Dash (against the public objects
where there are some), so an upgrade that renames or changes one fails there, by name, instead of breaking a
page or the gate in a way a reader has to trace back here. Everything else uses Dash's public API
(`dash.page_registry`, `dash.page_container`, `dash.strip_relative_path`, `app.callback_map`).
"""

from __future__ import annotations

from types import ModuleType
from urllib.parse import parse_qs

from dash import _callback, _pages
from dash.dash import _ID_CONTENT, _ID_DUMMY, _ID_LOCATION, _ID_STORE

# The ids of the components of `dash.page_container` (the router's location, the page's content, the title
# store, the dummy the title callback writes to). The frame builds its own container with the requested page
# already in it, and the gate declares which values the router's inputs may take. Public replacement: none;
# `dash.page_container` is public but its ids are not (the test reads them back from it).
PAGE_LOCATION = _ID_LOCATION
PAGE_CONTENT = _ID_CONTENT
PAGE_STORE = _ID_STORE
PAGE_DUMMY = _ID_DUMMY


def page_for_path(path: str) -> tuple[dict, dict | None]:
    """The registered page a path (without its leading and trailing slashes) opens, and its path variables;
    ({}, None) when none does.

    The page router's own lookup (path templates included), so the frame renders what the router would.
    Public replacement: none; a public "page for this path" function in dash (the router is a callback inside
    Dash.enable_pages).
    """
    return _pages._path_to_page(path)


def pending_callbacks() -> dict:
    """Callbacks registered with `dash.callback` that Dash has not yet moved into `app.callback_map` (it moves
    them on its first request, and the sign-in gate runs before that).

    Public replacement: `app.callback_map` if Dash filled it when the app is built rather than on the first
    request.
    """
    return _callback.GLOBAL_CALLBACK_MAP


def scripts_of(library: ModuleType) -> list[dict]:
    """The script resources a component library declares (`_js_dist`: one dict per file, with
    `relative_package_path`, `namespace` and `async`), which Dash reads to write the page's script tags. Changed
    in place to fetch some on demand (dashboards/serving/bundles.py).

    Public replacement: a resource registry in Dash; `app.scripts` only adds scripts, it cannot mark a library's
    own ones lazy.
    """
    return library._js_dist


def parse_query_string(search: str | None) -> dict:
    """A query string as the page router passes it to a page's layout: one value per name, a list when the name
    repeats. Kept equal to dash._pages._parse_query_string by the test; written with the standard library so the
    app does not call it."""
    if not search or not search.startswith("?"):
        return {}
    return {k: v[0] if len(v) == 1 else v for k, v in parse_qs(search[1:], keep_blank_values=True).items()}

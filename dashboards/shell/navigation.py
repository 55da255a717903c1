"""Navigation: the links keep the filters from page to page, the menu opens on narrow screens, and a page
rendered for another address than the browser's is sent to the right one. The bar itself is built by the frame
(frame._nav)."""

from __future__ import annotations

from dash import ALL, Input, Output, State, callback, clientside_callback
from dash.dependencies import ClientsideFunction

from dashboards import ids
from dashboards.shell import dash_internals

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
    Output(dash_internals.PAGE_DUMMY, "title"),
    Input(dash_internals.PAGE_STORE, "data"),
)


@callback(Output("nav-collapse", "is_open"), Input("nav-toggle", "n_clicks"), State("nav-collapse", "is_open"),
          prevent_initial_call=True)
def toggle_menu(_clicks, is_open):
    """Open or close the page menu on narrow screens."""
    return not is_open

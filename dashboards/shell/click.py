"""Click to filter: a mark of a chart filters the page by its region or country, or opens a city's profile.

By keyboard too: assets/keyboard.js lists a clickable chart's marks under it ("Filter by region…", "Open a
city…"), read from the same customdata, and picking one sets the graph's clickData as a click does, so the one
callback below answers both, to the same address."""

from __future__ import annotations

from dash import Input, Output, State, clientside_callback
from dash.dependencies import ClientsideFunction

from dashboards import ids


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

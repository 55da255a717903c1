"""The page shown for an address that is no page of the dashboard."""

import dash
from dash import dcc, html

from dashboards import components as ui

dash.register_page(__name__, path="/404", name="Page not found", title="Page not found · SCN Impact Dashboard")


def layout(**_query) -> html.Div:
    return html.Div([
        ui.page_header("Page not found"),
        ui.empty_state("There is no page at this address.", detail="Use the menu above, or go to the overview."),
        html.P(dcc.Link("Go to the overview", href="/"), className="mt-3"),
    ])

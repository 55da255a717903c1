"""The page shown for an address that is no page of the dashboard."""

import dash
from dash import dcc, html

from dashboards import components as ui
from dashboards.i18n import N_, _
from dashboards.shell import language

dash.register_page(__name__, path="/404", name=N_("Page not found"), title=language.page_title(N_("Page not found")))


def layout(**_query) -> html.Div:
    return html.Div([
        ui.page_header(_("Page not found")),
        ui.empty_state(_("There is no page at this address."), detail=_("Use the menu above, or go to the overview.")),
        html.P(dcc.Link(_("Go to the overview"), href="/"), className="mt-3"),
    ])

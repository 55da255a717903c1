"""The notices the frame shows: demo data, no database yet, and filter regions left out of the viewer's view."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from dashboards import ids, settings
from dashboards.i18n import _


def demo_banner(build: dict) -> dbc.Alert | None:
    if not (build.get("is_demo") or settings.get().demo):
        return None
    return dbc.Alert(
        [html.Strong(_("Demo data.")), " ", _("The numbers on these pages are synthetic, generated for "
                                                "demonstration; they describe no real city or person.")],
        color="warning", class_name="demo-banner mb-0", id=ids.DEMO_BANNER,
    )


def missing_database(message: str) -> dbc.Alert:
    return dbc.Alert([html.H1(_("No data to show yet"), className="h4"), html.P(message, className="mb-0")],
                     color="secondary", class_name="m-3")


def keeps_link(trigger, notice: str | None) -> bool:
    """Whether the address bar keeps a link as it was opened rather than the filters the page narrowed it to:
    yes for a link naming regions the viewer does not cover, read from the URL (a page load, the back button).
    The chip saying what was left out is drawn from the URL: rewritten to the narrowed filters, it went the
    moment it appeared, and the hub lead saw their own region where a colleague's was asked for, silently.
    Changing a filter writes the URL from the bar as usual, and the notice goes with the link."""
    return bool(notice) and trigger in (None, ids.URL)


def region_chip(notice: str | None) -> html.Span | None:
    """A link naming regions the viewer does not cover (a hub lead opening a colleague's link) shows their own
    region instead: say so, visibly, rather than let the numbers pass for the ones asked for."""
    if not notice:
        return None
    return html.Span(notice, className="chip chip-notice", id="region-notice", role="status")

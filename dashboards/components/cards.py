"""Small layout pieces: the page header, facts as a description list, the empty state, the segmented switch."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from dashboards.i18n import _


def page_header(title: str, intro: str | None = None) -> html.Div:
    """A page's title and the sentence under it saying what the page answers."""
    return html.Div([html.H1(title, className="page-title"),
                     html.P(intro, className="page-intro") if intro else None], className="page-header")


def facts(pairs: list[tuple[str, object]]) -> html.Dl:
    """Label / value pairs as a description list laid out in a responsive grid."""
    return html.Dl([html.Div([html.Dt(label), html.Dd(value)], className="fact") for label, value in pairs],
                   className="facts")


def empty_state(message: str, *, detail: str | None = None) -> html.Div:
    """What a section shows when it has nothing to show: the message, and what to do about it."""
    return html.Div([html.P(message, className="empty-title mb-1"),
                     html.P(detail, className="empty-detail mb-0") if detail else None],
                    className="empty-state", role="status")


def segmented(id_, options: dict[str, str], value: str, label: str) -> html.Div:
    """A small button group to switch what a chart shows (keyboard: arrow keys, like radio buttons). The option
    labels and `label` are translated here: declare them with N_."""
    return html.Div(dbc.RadioItems(
        id=id_, options=[{"label": _(v), "value": k} for k, v in options.items()], value=value, inline=True,
        class_name="segmented", input_class_name="btn-check", label_class_name="btn btn-outline-secondary btn-sm",
        label_checked_class_name="active",
    ), role="radiogroup", **{"aria-label": _(label)})

"""The chart card: a graph with its CSV download, the note saying what it is based on, and its error state.

The error state is the card's `load-error` paragraph: when the chart's callback fails, the server answers a
logged 500 with a reference (security/auth.callback_failed) and assets/errors.js writes "could not load
(reference ...)" into it, so a failed chart is never a silent blank.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboards import ids, theme
from dashboards.i18n import _, current_language
from dashboards.ids import PageIds

GRAPH_CONFIG = {
    "topojsonURL": "/assets/topojson/",  # offline maps: plotly.js fetches <url>world_110m.json from here
    "displaylogo": False,
    "showSendToCloud": False,  # plotly.js 4 offers uploading to Plotly Cloud by default: nothing leaves
    "plotlyServerURL": "",
    "showEditInChartStudio": False,
    "responsive": True,
    # the wheel scrolls the page: plotly.js zooms a map under the pointer by default, and a reader scrolling
    # past the map shrank it instead (three notches: a third of its size); the toolbar's buttons still zoom
    "scrollZoom": False,
    "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d", "toggleSpikelines", "sendChartToCloud"],
    "toImageButtonOptions": {"format": "png", "scale": 2},
}


def graph_config() -> dict:
    """GRAPH_CONFIG in the reader's language: plotly.js's own locale (assets/plotly_locales.js) names the months and
    days on time axes and sets the number separators of ticks and hovers ("janv. 2026", "1 234")."""
    return {**GRAPH_CONFIG, "locale": current_language()}


# What a graph shows before its callback answers: nothing, rather than empty axes.
BLANK_FIGURE = {"data": [], "layout": {"xaxis": {"visible": False}, "yaxis": {"visible": False},
                                       "paper_bgcolor": "white", "plot_bgcolor": "white"}}


def chart_card(page: PageIds, chart: str, title: str, *, controls=None, height: int = 360,
               csv: bool = True) -> dbc.Card:
    """A chart with its CSV download and the note saying what it is based on.

    The figure itself carries the visible title; `title` labels the figure for screen readers and names
    the CSV button.
    """
    tools = [controls] if controls is not None else []
    if csv:
        tools.append(html.Button("CSV", id=page.csv(chart), className="btn btn-sm btn-link chart-csv", n_clicks=0,
                                 title=_("Download the data of “{title}” as CSV").format(title=title),
                                 **{"aria-label": _("Download the data of {title} as CSV").format(title=title)}))
    return dbc.Card(
        dbc.CardBody([
            # filled by assets/errors.js when the chart's callback fails: "could not load (reference ...)"
            html.P(className="load-error", role="alert", hidden=True),
            html.Div(tools, className="chart-tools d-print-none"),
            html.Figure([
                # responsive: the chart takes its card's height from its first draw, whatever height the figure
                # asks for; without it a figure of another height was drawn again once the card resized it
                dcc.Loading(dcc.Graph(id=page.graph(chart), figure=BLANK_FIGURE, config=graph_config(),
                                      responsive=True, style={"height": f"{height}px"}, className="chart-graph"),
                            type="dot", delay_show=400, color=theme.PRIMARY),
                # The chart in words for screen readers: the sentence the figure carries (figures/describe.py),
                # copied here on every draw by assets/a11y.js, which also makes the plot an image named by the
                # title and described by this; the numbers themselves are the CSV button's, one Tab away.
                html.P(id=summary_id(page, chart), className="visually-hidden chart-summary"),
                html.Figcaption(id=page.note(chart), className="chart-note"),
            ], role="figure", className="chart-figure",
                **{"aria-label": title, "aria-describedby": summary_id(page, chart)}),
            # the notes on the numbers the viewer may read (dashboards/components/chart_notes.py fills it)
            html.Aside(id=ids.chart_notes(f"{page.page}/{chart}"), className="chart-notes",
                       **{"aria-label": _("Notes on {title}").format(title=title)}),
            dcc.Download(id=page.download(chart)) if csv else None,
        ]),
        class_name="chart-card h-100",
    )


def summary_id(page: PageIds, chart: str) -> str:
    """The id of the chart's description for screen readers (a visually hidden sentence)."""
    return f"{page.graph(chart)}-summary"


def fitted(fig) -> dict:
    """The graph's style for a figure whose height grows with its rows (timelines): the box follows it."""
    return {"height": f"{fig.to_plotly_json()['layout'].get('height') or 360}px"}

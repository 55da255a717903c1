"""The one filter bar, its chips (the active filters, each removable), and bounded dropdown options.

Layout only: the shell's callbacks (dashboards/shell/filtering.py) mirror the bar in the URL.
"""

from __future__ import annotations

from collections.abc import Iterable

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboards import ids, theme
from dashboards.filters import PRESETS, Filters, quarter_label, to_controls
from dashboards.i18n import _, codes
from data_pipeline.contract import EVENT_TYPES, REGIONS


def _select(id_, placeholder: str, label: str, options=(), multi: bool = True, width: str = "",
            value=None) -> html.Div:
    return html.Div([
        html.Label(label, htmlFor=id_, className="filter-label"),
        dcc.Dropdown(id=id_, options=list(options), multi=multi, placeholder=placeholder, clearable=True,
                     className="filter-dropdown", value=value or None),
    ], className=f"filter-item {width}")


def filter_bar(options: dict, quarters: list[str], first_day, last_day, regions: tuple[str, ...] = REGIONS,
               chosen: Filters | None = None) -> html.Div:
    """The one filter bar: period (presets relative to the data's reference date), region (those `regions` the
    viewer covers), country, event type, topic. Its state is mirrored in the URL by the shell's callbacks.

    It is drawn showing `chosen` (the filters of the link the page was opened with), so a page opened or reloaded
    from a link shows its filters at once, without waiting for the URL's callback to set them: two requests racing
    on load could leave the bar at its defaults under a link's filters (CI saw "Last 12 months" under ?period=all).
    """
    c = to_controls(chosen or Filters())
    return html.Div([
        html.Div([
            html.Label(_("Period"), htmlFor=ids.FILTER_PERIOD, className="filter-label"),
            dcc.Dropdown(id=ids.FILTER_PERIOD, options=[{"label": _(v), "value": k} for k, v in PRESETS.items()],
                         value=c["period"], clearable=False, searchable=False, className="filter-dropdown"),
        ], className="filter-item filter-period"),
        html.Div([
            html.Label(_("Quarter"), htmlFor=ids.FILTER_QUARTER, className="filter-label"),
            dcc.Dropdown(id=ids.FILTER_QUARTER, options=[{"label": quarter_label(q), "value": q}
                                                         for q in quarters],
                         value=c["quarter"] or (quarters[0] if quarters else None), clearable=False,
                         className="filter-dropdown"),
        ], id=ids.FILTER_QUARTER_WRAP, className="filter-item filter-quarter", hidden=c["period"] != "quarter"),
        html.Div([
            html.Label(_("From – to"), htmlFor=ids.FILTER_RANGE, className="filter-label"),
            dcc.DatePickerRange(id=ids.FILTER_RANGE, min_date_allowed=first_day, max_date_allowed=last_day,
                                initial_visible_month=last_day, display_format="D MMM YYYY",
                                first_day_of_week=1, clearable=False, className="filter-range",
                                # the picker's inputs are labelled by these too (aria-label)
                                start_date_placeholder_text=_("Start date"), end_date_placeholder_text=_("End date"),
                                start_date=c["start"], end_date=c["end"]),
        ], id=ids.FILTER_RANGE_WRAP, className="filter-item", hidden=c["period"] != "custom"),
        _select(ids.FILTER_REGION, _("All regions"), _("Region"), codes.options("region", regions),
                width="filter-wide", value=c["regions"]),
        _select(ids.FILTER_COUNTRY, _("All countries"), _("Country"),
                [{"label": x["name"], "value": x["iso3"]} for x in options["countries"]], value=c["countries"]),
        _select(ids.FILTER_EVENT_TYPE, _("All event types"), _("Event type"), codes.options("event_type", EVENT_TYPES),
                value=c["event_types"]),
        _select(ids.FILTER_TOPIC, _("All topics"), _("Topic"), [{"label": t, "value": t} for t in options["topics"]],
                value=c["topics"]),
        html.Div(dbc.Button(_("Reset"), id=ids.FILTER_RESET, color="link", size="sm", class_name="filter-reset",
                            title=_("Back to the last 12 months, everything included")),
                 className="filter-item filter-reset-wrap"),
    ], className="filter-bar", role="search", **{"aria-label": _("Filters")})



def chips(filters: Filters, window_text: str, names: dict[str, str]) -> list:
    """The active filters as removable chips, after the period's dates in words."""
    items: list = [html.Span(window_text, className="window-text")]
    labels = {"region": _("Region"), "country": _("Country"), "event": _("Event type"), "topic": _("Topic")}
    cleared = {"region": _("Clear the region filter"), "country": _("Clear the country filter"),
               "event": _("Clear the event type filter"), "topic": _("Clear the topic filter")}
    shown_as = {"region": codes.region_name, "event": codes.event_type_name}
    for key, values in filters.active().items():
        shown = [shown_as[key](v) if key in shown_as else names.get(v, v) for v in values]
        dot = ([html.Span(className="chip-dot", style={"background": theme.region_colour(values[0])})]
               if key == "region" and len(values) == 1 else [])
        items.append(html.Span([
            *dot, _("{filter}: {values}").format(filter=labels[key], values=_(", ").join(shown)),
            html.Button("×", id=ids.chip_clear(key), className="chip-x", n_clicks=0,
                        **{"aria-label": cleared[key]}),
        ], className="chip"))
    return items


# The most options a dropdown of things that grow with the data receives; typing searches the rest.
OPTIONS_LIMIT = 100


def bounded_options(labels: Iterable[str], values: Iterable, text: str, keep: str | None,
                    limit: int = OPTIONS_LIMIT) -> list[dict]:
    """Dropdown options: those whose label contains `text` (any case; all when empty), in the given order, at most
    `limit`, and always the one chosen (`keep`) so its label stays shown. A plain loop: with a few thousand
    options, pandas' string methods on Arrow-backed text cost several times more."""
    needle = text.lower()
    options, listed = [], 0
    for label, value in zip(labels, values, strict=True):
        if value == keep:
            options.append({"label": label, "value": value})
        elif listed < limit and needle in label.lower():
            options.append({"label": label, "value": value})
            listed += 1
    return options

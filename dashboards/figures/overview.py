"""Figures of the Overview page."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboards import formatting as fmt
from dashboards import theme
from dashboards.figures.common import cell, clickable, empty, figure, grid, mark_partial
from dashboards.i18n import N_, _, codes

TREND_MEASURES = {  # translated where drawn
    "events": N_("Events"),
    "participants": N_("Unique participants"),
    "new_members": N_("New members"),
    "awarded_usd": N_("USD awarded"),
}
TREND_TITLES = {  # a small multiple's title, by measure and step
    ("events", "month"): N_("Events per month"), ("events", "quarter"): N_("Events per quarter"),
    ("participants", "month"): N_("Unique participants per month"),
    ("participants", "quarter"): N_("Unique participants per quarter"),
    ("new_members", "month"): N_("New members per month"), ("new_members", "quarter"): N_("New members per quarter"),
    ("awarded_usd", "month"): N_("USD awarded per month"), ("awarded_usd", "quarter"): N_("USD awarded per quarter"),
}
REGION_MEASURES = {
    "members": N_("Members at the period's end"),
    "events": N_("Events"),
    "participants": N_("Unique participants"),
    "participant_hours": N_("Participant-hours"),
    "awarded_usd": N_("USD awarded"),
}
REGION_TITLES = {
    "members": N_("Members at the period's end by region"), "events": N_("Events by region"),
    "participants": N_("Unique participants by region"), "participant_hours": N_("Participant-hours by region"),
    "awarded_usd": N_("USD awarded by region"),
}


def kpi_trend(df: pd.DataFrame, *, title: str | None = None, empty_text: str | None = None) -> go.Figure:
    """Small multiples, one per KPI in TREND_MEASURES, over the periods of `df` (columns period, grain, ...; a
    `partial` period is drawn lighter). `empty_text` says why there is nothing to draw."""
    title = title or _("Main KPIs over time")
    if df.empty or not df[list(TREND_MEASURES)].to_numpy().any():
        return empty(title, empty_text or _("No data for the chosen filters."))
    step = "quarter" if df["grain"].iloc[0] == "quarter" else "month"
    layout = grid(2, 2, titles=[_(TREND_TITLES[col, step]) for col in TREND_MEASURES],
                  vertical_spacing=0.16, horizontal_spacing=0.08)
    periods = df["period"].to_numpy()
    partial = df["partial"].to_numpy() if "partial" in df else False
    data = [mark_partial({"type": "bar", "x": periods, "y": df[col].to_numpy(), "name": _(label),
                          "marker": {"color": theme.PRIMARY},
                          "hovertemplate": f"%{{x|%b %Y}}<br>{_(label)}: %{{y:,.0f}}<extra></extra>", **cell(i)},
                         partial)
            for i, (col, label) in enumerate(TREND_MEASURES.items(), start=1)]
    for name, axis in layout.items():
        if name.startswith("yaxis"):
            axis["rangemode"] = "tozero"
    return figure(data, layout, title=title, height=420, legend=False)


def region_bars(df: pd.DataFrame, *, measure: str = "participants", title: str | None = None,
                empty_text: str | None = None) -> go.Figure:
    """Horizontal bars of one measure per region in the regions' colours; 'No region' is left out
    (the chart's note counts it). Each bar's customdata is ["region", name], for click-to-filter."""
    label = _(REGION_MEASURES[measure]) if measure in REGION_MEASURES else measure
    title = title or (_(REGION_TITLES[measure]) if measure in REGION_TITLES else label)
    data = df[df["region"] != theme.NO_REGION]
    if data.empty or not data[measure].any():
        return empty(title, empty_text or _("No data for the chosen filters."))
    data = data.iloc[::-1]  # first region on top
    money = measure.endswith("_usd")
    regions = data["region"].tolist()
    bars = {
        "type": "bar", "x": data[measure].to_numpy(), "y": [codes.region_name(r) for r in regions],
        "orientation": "h",
        "marker": {"color": [theme.region_colour(r) for r in regions]},
        "customdata": clickable("region", regions), "text": [_short(v, money) for v in data[measure]],
        "textposition": "auto",
        "hovertemplate": "%{y}<br>" + label + ": %{x:,.0f}<extra>" + _("click to filter") + "</extra>",
    }
    layout = {"xaxis": {"title": {"text": label}, "tickprefix": "$" if money else ""}}
    return figure([bars], layout, title=title, height=360, legend=False)


def _short(value: float, money: bool) -> str:
    return fmt.usd(value) if money else fmt.compact(value)

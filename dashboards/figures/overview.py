"""Figures of the Overview page."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboards import formatting as fmt
from dashboards import theme
from dashboards.figures.common import cell, clickable, empty, figure, grid, mark_partial

TREND_MEASURES = {
    "events": "Events",
    "participants": "Unique participants",
    "new_members": "New members",
    "awarded_usd": "USD awarded",
}
REGION_MEASURES = {
    "members": "Members at the period's end",
    "events": "Events",
    "participants": "Unique participants",
    "participant_hours": "Participant-hours",
    "awarded_usd": "USD awarded",
}


def kpi_trend(df: pd.DataFrame, *, title: str = "Main KPIs over time", empty_text: str | None = None) -> go.Figure:
    """Small multiples, one per KPI in TREND_MEASURES, over the periods of `df` (columns period, grain, ...; a
    `partial` period is drawn lighter). `empty_text` says why there is nothing to draw."""
    if df.empty or not df[list(TREND_MEASURES)].to_numpy().any():
        return empty(title, empty_text or "No data for the chosen filters.")
    step = "quarter" if df["grain"].iloc[0] == "quarter" else "month"
    layout = grid(2, 2, titles=[f"{v} per {step}" for v in TREND_MEASURES.values()],
                  vertical_spacing=0.16, horizontal_spacing=0.08)
    periods = df["period"].to_numpy()
    partial = df["partial"].to_numpy() if "partial" in df else False
    data = [mark_partial({"type": "bar", "x": periods, "y": df[col].to_numpy(), "name": label,
                          "marker": {"color": theme.PRIMARY},
                          "hovertemplate": f"%{{x|%b %Y}}<br>{label}: %{{y:,.0f}}<extra></extra>", **cell(i)}, partial)
            for i, (col, label) in enumerate(TREND_MEASURES.items(), start=1)]
    for name, axis in layout.items():
        if name.startswith("yaxis"):
            axis["rangemode"] = "tozero"
    return figure(data, layout, title=title, height=420, legend=False)


def region_bars(df: pd.DataFrame, *, measure: str = "participants", title: str | None = None,
                empty_text: str | None = None) -> go.Figure:
    """Horizontal bars of one measure per region in the regions' colours; 'No region' is left out
    (the chart's note counts it). Each bar's customdata is ["region", name], for click-to-filter."""
    label = REGION_MEASURES.get(measure, measure)
    title = title or f"{label} by region"
    data = df[df["region"] != theme.NO_REGION]
    if data.empty or not data[measure].any():
        return empty(title, empty_text or "No data for the chosen filters.")
    data = data.iloc[::-1]  # first region on top
    money = measure.endswith("_usd")
    regions = data["region"].tolist()
    bars = {
        "type": "bar", "x": data[measure].to_numpy(), "y": regions, "orientation": "h",
        "marker": {"color": [theme.region_colour(r) for r in regions]},
        "customdata": clickable("region", regions), "text": [_short(v, money) for v in data[measure]],
        "textposition": "auto",
        "hovertemplate": "%{y}<br>" + label + ": %{x:,.0f}<extra>click to filter</extra>",
    }
    layout = {"xaxis": {"title": {"text": label}, "tickprefix": "$" if money else ""}}
    return figure([bars], layout, title=title, height=360, legend=False)


def _short(value: float, money: bool) -> str:
    return fmt.usd(value) if money else fmt.compact(value)

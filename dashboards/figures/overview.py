"""Figures of the Overview page."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dashboards import formatting as fmt
from dashboards import theme
from dashboards.figures.common import empty, styled

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


def kpi_trend(df: pd.DataFrame, *, title: str = "Main KPIs over time") -> go.Figure:
    """Small multiples, one per KPI in TREND_MEASURES, over the periods of `df` (columns period, grain, ...)."""
    if df.empty or not df[list(TREND_MEASURES)].to_numpy().any():
        return empty(title)
    step = "quarter" if df["grain"].iloc[0] == "quarter" else "month"
    fig = make_subplots(rows=2, cols=2, subplot_titles=[f"{v} per {step}" for v in TREND_MEASURES.values()],
                        vertical_spacing=0.16, horizontal_spacing=0.08)
    for i, (col, label) in enumerate(TREND_MEASURES.items()):
        fig.add_trace(
            go.Bar(x=df["period"], y=df[col], name=label, marker_color=theme.PRIMARY,
                   hovertemplate=f"%{{x|%b %Y}}<br>{label}: %{{y:,.0f}}<extra></extra>"),
            row=i // 2 + 1, col=i % 2 + 1,
        )
    fig.update_annotations(font_size=12, font_color=theme.MUTED_INK)
    fig.update_yaxes(rangemode="tozero")
    return styled(fig, title, height=420, legend=False)


def region_bars(df: pd.DataFrame, *, measure: str = "participants", title: str | None = None) -> go.Figure:
    """Horizontal bars of one measure per region in the regions' colours; 'No region' is left out
    (the chart's note counts it). Each bar's customdata is ["region", name], for click-to-filter."""
    label = REGION_MEASURES.get(measure, measure)
    title = title or f"{label} by region"
    data = df[df["region"] != theme.NO_REGION]
    if data.empty or not data[measure].any():
        return empty(title)
    data = data.iloc[::-1]  # first region on top
    money = measure.endswith("_usd")
    fig = go.Figure(go.Bar(
        x=data[measure], y=data["region"], orientation="h",
        marker_color=[theme.region_colour(r) for r in data["region"]],
        customdata=[["region", r] for r in data["region"]], text=[_short(v, money) for v in data[measure]],
        textposition="auto",
        hovertemplate="%{y}<br>" + label + ": %{x:,.0f}<extra>click to filter</extra>",
    ))
    fig.update_xaxes(title_text=label, tickprefix="$" if money else "")
    fig.update_yaxes(title_text=None)
    return styled(fig, title, height=360, legend=False)


def _short(value: float, money: bool) -> str:
    return fmt.usd(value) if money else fmt.compact(value)

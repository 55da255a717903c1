"""Figures of the city profile."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboards import theme
from dashboards.figures.common import dashed_tail, empty, figure, mark_partial


def activity(df: pd.DataFrame, *, city: str, title: str | None = None, empty_text: str | None = None) -> go.Figure:
    """Events the city hosted (bars) and people from the city who took part (line) per period; a `partial` period
    is drawn lighter (bar) and dotted (line)."""
    title = title or f"{city}: activity over time"
    if df.empty or not (df["events_hosted"].any() or df["participants"].any()):
        return empty(title, empty_text or f"{city} hosted no event and sent no one to one in the chosen period.")
    step = df["grain"].iloc[0]
    periods = df["period"].to_numpy()
    partial = df["partial"].to_numpy() if "partial" in df else False
    data = [
        mark_partial({"type": "bar", "x": periods, "y": df["events_hosted"].to_numpy(), "name": "Events hosted",
                      "marker": {"color": theme.SECONDARY}, "yaxis": "y2",
                      "hovertemplate": "%{x|%b %Y}<br>events hosted: %{y}<extra></extra>"}, partial),
        *dashed_tail({"type": "scatter", "x": periods, "y": df["participants"].to_numpy(),
                      "name": "People who took part", "mode": "lines+markers",
                      "line": {"color": theme.PRIMARY, "width": 2},
                      "hovertemplate": "%{x|%b %Y}<br>people who took part: %{y}<extra></extra>"}, partial),
    ]
    events_axis = {"title": {"text": "Events hosted"}, "overlaying": "y", "side": "right", "rangemode": "tozero",
                   "showgrid": False, "tickformat": ",d"}
    if df["events_hosted"].max() <= 5:
        events_axis["dtick"] = 1
    layout = {"yaxis": {"title": {"text": f"People per {step}"}, "rangemode": "tozero"}, "yaxis2": events_axis}
    return figure(data, layout, title=title, height=320)

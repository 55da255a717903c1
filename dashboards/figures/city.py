"""Figures of the city profile."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboards import theme
from dashboards.figures.common import empty, styled


def activity(df: pd.DataFrame, *, city: str, title: str | None = None) -> go.Figure:
    """Events the city hosted (bars) and people from the city who took part (line) per period."""
    title = title or f"{city}: activity over time"
    if df.empty or not (df["events_hosted"].any() or df["participants"].any()):
        return empty(title, f"{city} hosted no event and sent no one to one in the chosen period.")
    step = df["grain"].iloc[0]
    fig = go.Figure([
        go.Bar(x=df["period"], y=df["events_hosted"], name="Events hosted", marker_color=theme.SECONDARY,
               yaxis="y2", hovertemplate="%{x|%b %Y}: %{y} events hosted<extra></extra>"),
        go.Scatter(x=df["period"], y=df["participants"], name="People who took part", mode="lines+markers",
                   line=dict(color=theme.PRIMARY, width=2), hovertemplate="%{x|%b %Y}: %{y} people<extra></extra>"),
    ])
    fig.update_layout(
        yaxis=dict(title_text=f"People per {step}", rangemode="tozero"),
        yaxis2=dict(title_text="Events hosted", overlaying="y", side="right", rangemode="tozero", showgrid=False,
                    tickformat=",d", dtick=1 if df["events_hosted"].max() <= 5 else None),
    )
    return styled(fig, title, height=320)

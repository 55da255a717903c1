"""Figures of the Training & reach page."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dashboards import theme
from dashboards.figures.common import empty, styled
from data_pipeline.contract import AGE_BANDS, EVENT_TYPES, GENDERS, MODALITIES, PARTICIPANT_ROLES

BY = {"event_type": "Event type", "modality": "Modality"}
DIMENSIONS = {"gender": ("Sex / gender", GENDERS), "age_band": ("Age band", AGE_BANDS),
              "role": ("Role", PARTICIPANT_ROLES)}
_ORDER = {"event_type": EVENT_TYPES, "modality": MODALITIES}


def events_over_time(df: pd.DataFrame, *, by: str = "event_type", title: str | None = None) -> go.Figure:
    """Stacked bars of events per period, split by event type or modality (Okabe-Ito colours)."""
    title = title or f"Events by {BY[by].lower()}"
    if df.empty:
        return empty(title, "No events in the chosen period.")
    data = df.groupby(["period", by], as_index=False)["events"].sum()
    colours = dict(zip(_ORDER[by], theme.OKABE_ITO, strict=False))
    fig = go.Figure()
    for value in _ORDER[by]:
        part = data[data[by] == value]
        if part.empty:
            continue
        fig.add_trace(go.Bar(x=part["period"], y=part["events"], name=value.capitalize(), marker_color=colours[value],
                             hovertemplate=f"{value}<br>%{{x|%b %Y}}: %{{y}} events<extra></extra>"))
    fig.update_layout(barmode="stack")
    fig.update_yaxes(title_text=f"Events per {df['grain'].iloc[0]}", rangemode="tozero")
    return styled(fig, title, height=360)


def attendance_over_time(df: pd.DataFrame, *, title: str = "People reached over time") -> go.Figure:
    """Attendances (bars) and unique participants (line) per period."""
    if df.empty or not df["attendances"].any():
        return empty(title, "No attendance in the chosen period.")
    fig = go.Figure([
        go.Bar(x=df["period"], y=df["attendances"], name="Attendances", marker_color=theme.SECONDARY,
               hovertemplate="%{x|%b %Y}: %{y:,} attendances<extra></extra>"),
        go.Scatter(x=df["period"], y=df["participants"], name="Unique participants", mode="lines+markers",
                   line=dict(color=theme.PRIMARY, width=2),
                   hovertemplate="%{x|%b %Y}: %{y:,} people<extra></extra>"),
    ])
    fig.update_yaxes(title_text=f"Per {df['grain'].iloc[0]}", rangemode="tozero")
    return styled(fig, title, height=360)


def topics(df: pd.DataFrame, *, title: str = "Topics: unique participants") -> go.Figure:
    """Horizontal bars of unique participants per topic, largest on top; hover gives events and attendances."""
    if df.empty:
        return empty(title, "No events in the chosen period.")
    data = df.sort_values("participants")
    fig = go.Figure(go.Bar(
        x=data["participants"], y=data["topic"], orientation="h", marker_color=theme.PRIMARY,
        customdata=data[["events", "attendances"]].to_numpy(), text=data["participants"], textposition="auto",
        hovertemplate="%{y}<br>%{x:,} people, %{customdata[0]} events, %{customdata[1]:,} attendances"
                      "<extra></extra>"))
    fig.update_xaxes(title_text="Unique participants")
    return styled(fig, title, height=max(260, 34 * len(data) + 90), legend=False)


def breakdown(df: pd.DataFrame, *, title: str = "Who took part") -> go.Figure:
    """Three panels of unique participants: by sex, age band and role, in the contract's order."""
    if df.empty or not df["participants"].any():
        return empty(title, "No participants in the chosen period.")
    fig = make_subplots(rows=1, cols=3, subplot_titles=[v[0] for v in DIMENSIONS.values()],
                        horizontal_spacing=0.14)
    for i, (dim, (_label, order)) in enumerate(DIMENSIONS.items(), start=1):
        part = df[df["dimension"] == dim].set_index("value")["participants"]
        values = [v for v in order if v in part.index][::-1]
        total = part.sum()
        fig.add_trace(go.Bar(
            x=[part[v] for v in values], y=values, orientation="h", marker_color=theme.OKABE_ITO[i - 1],
            customdata=[part[v] / total for v in values], showlegend=False,
            hovertemplate="%{y}: %{x:,} people (%{customdata:.0%})<extra></extra>"), row=1, col=i)
    fig.update_annotations(font_size=12, font_color=theme.MUTED_INK)
    return styled(fig, title, height=380, legend=False)


def learning(df: pd.DataFrame, *, title: str = "Learning results by event type") -> go.Figure:
    """Completion rate, mean knowledge gain and mean satisfaction per event type, side by side."""
    if df.empty:
        return empty(title, "No attendance in the chosen period.")
    data = df.iloc[::-1]
    fig = make_subplots(rows=1, cols=3, shared_yaxes=True, horizontal_spacing=0.04,
                        subplot_titles=["Completion rate", "Knowledge gain (points)", "Satisfaction (1–5)"])
    panels = (("completion_rate", "%{x:.0%}", theme.PRIMARY), ("knowledge_gain", "%{x:+.1f} pts", theme.OKABE_ITO[2]),
              ("satisfaction", "%{x:.2f} / 5", theme.OKABE_ITO[1]))
    for i, (col, fmt_, colour) in enumerate(panels, start=1):
        fig.add_trace(go.Bar(x=data[col], y=data["event_type"], orientation="h", marker_color=colour,
                             showlegend=False, hovertemplate="%{y}: " + fmt_ + "<extra></extra>"), row=1, col=i)
    fig.update_xaxes(tickformat=".0%", range=[0, 1], row=1, col=1)
    fig.update_xaxes(range=[1, 5], row=1, col=3)
    fig.update_annotations(font_size=12, font_color=theme.MUTED_INK)
    return styled(fig, title, height=340, legend=False)

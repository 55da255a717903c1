"""Figures of the Training & reach page."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboards import theme
from dashboards.figures.common import cell, dashed_tail, empty, figure, grid, mark_partial
from dashboards.i18n import N_
from data_pipeline.contract import AGE_BANDS, EVENT_TYPES, GENDERS, MODALITIES, PARTICIPANT_ROLES

BY = {"event_type": N_("Event type"), "modality": N_("Modality")}
DIMENSIONS = {"gender": ("Sex / gender", GENDERS), "age_band": ("Age band", AGE_BANDS),
              "role": ("Role", PARTICIPANT_ROLES)}
_ORDER = {"event_type": EVENT_TYPES, "modality": MODALITIES}


def events_over_time(df: pd.DataFrame, *, by: str = "event_type", title: str | None = None,
                     empty_text: str | None = None) -> go.Figure:
    """Stacked bars of events per period, split by event type or modality (Okabe-Ito colours); a `partial`
    period is drawn lighter."""
    title = title or f"Events by {BY[by].lower()}"
    if df.empty:
        return empty(title, empty_text or "No events in the chosen period.")
    keys = ["period", by] + (["partial"] if "partial" in df else [])
    data = df.groupby(keys, as_index=False)["events"].sum()
    partial = data["partial"].to_numpy() if "partial" in data else np.zeros(len(data), dtype=bool)
    colours = dict(zip(_ORDER[by], theme.OKABE_ITO, strict=False))
    periods, values, events = data["period"].to_numpy(), data[by].to_numpy(), data["events"].to_numpy()
    bars = []
    for value in _ORDER[by]:
        mask = values == value
        if not mask.any():
            continue
        bars.append(mark_partial({"type": "bar", "x": periods[mask], "y": events[mask], "name": value.capitalize(),
                                  "marker": {"color": colours[value]},
                                  "hovertemplate": f"{value}<br>%{{x|%b %Y}}<br>events: %{{y}}<extra></extra>"},
                                 partial[mask]))
    layout = {"barmode": "stack",
              "yaxis": {"title": {"text": f"Events per {df['grain'].iloc[0]}"}, "rangemode": "tozero"}}
    return figure(bars, layout, title=title, height=360)


def attendance_over_time(df: pd.DataFrame, *, title: str = "People reached over time",
                         empty_text: str | None = None) -> go.Figure:
    """Attendances (bars) and unique participants (line) per period; a `partial` period is drawn lighter (bar) and
    dotted (line)."""
    if df.empty or not df["attendances"].any():
        return empty(title, empty_text or "No attendance in the chosen period.")
    periods = df["period"].to_numpy()
    partial = df["partial"].to_numpy() if "partial" in df else False
    data = [
        mark_partial({"type": "bar", "x": periods, "y": df["attendances"].to_numpy(), "name": "Attendances",
                      "marker": {"color": theme.SECONDARY},
                      "hovertemplate": "%{x|%b %Y}<br>attendances: %{y:,}<extra></extra>"}, partial),
        *dashed_tail({"type": "scatter", "x": periods, "y": df["participants"].to_numpy(),
                      "name": "Unique participants", "mode": "lines+markers",
                      "line": {"color": theme.PRIMARY, "width": 2},
                      "hovertemplate": "%{x|%b %Y}<br>unique participants: %{y:,}<extra></extra>"}, partial),
    ]
    layout = {"yaxis": {"title": {"text": f"Per {df['grain'].iloc[0]}"}, "rangemode": "tozero"}}
    return figure(data, layout, title=title, height=360)


def topics(df: pd.DataFrame, *, title: str = "Topics: unique participants", empty_text: str | None = None) -> go.Figure:
    """Horizontal bars of unique participants per topic, largest on top; hover gives events and attendances."""
    if df.empty:
        return empty(title, empty_text or "No events in the chosen period.")
    data = df.sort_values("participants")
    participants = data["participants"].to_numpy()
    bars = {
        "type": "bar", "x": participants, "y": data["topic"].to_numpy(), "orientation": "h",
        "marker": {"color": theme.PRIMARY}, "customdata": data[["events", "attendances"]].to_numpy(),
        "text": participants, "textposition": "auto",
        "hovertemplate": "%{y}<br>unique participants: %{x:,}<br>events: %{customdata[0]}<br>"
                         "attendances: %{customdata[1]:,}<extra></extra>",
    }
    layout = {"xaxis": {"title": {"text": "Unique participants"}}}
    return figure([bars], layout, title=title, height=max(260, 34 * len(data) + 90), legend=False)


def breakdown(df: pd.DataFrame, *, title: str = "Who took part", empty_text: str | None = None) -> go.Figure:
    """Three panels of unique participants: by sex, age band and role, in the contract's order."""
    if df.empty or not df["participants"].any():
        return empty(title, empty_text or "No participants in the chosen period.")
    layout = grid(1, 3, titles=[v[0] for v in DIMENSIONS.values()], horizontal_spacing=0.14)
    people: dict[str, dict[str, int]] = {}  # dimension -> value -> participants; a few dozen rows, so no pandas
    for dim, value, participants in zip(df["dimension"], df["value"], df["participants"], strict=True):
        people.setdefault(dim, {})[value] = participants
    bars = []
    for i, (dim, (_label, order)) in enumerate(DIMENSIONS.items(), start=1):
        counts = people.get(dim, {})
        values = [v for v in order if v in counts][::-1]
        total = sum(counts.values())
        bars.append({
            "type": "bar", "x": [counts[v] for v in values], "y": values, "orientation": "h",
            "marker": {"color": theme.OKABE_ITO[i - 1]}, "customdata": [counts[v] / total for v in values],
            "showlegend": False, "hovertemplate": "%{y}: %{x:,} people (%{customdata:.0%})<extra></extra>",
            **cell(i)})
    return figure(bars, layout, title=title, height=380, legend=False)


def learning(df: pd.DataFrame, *, title: str = "Learning results by event type",
             empty_text: str | None = None) -> go.Figure:
    """Completion rate, mean knowledge gain and mean satisfaction per event type, side by side."""
    if df.empty:
        return empty(title, empty_text or "No attendance in the chosen period.")
    data = df.iloc[::-1]
    layout = grid(1, 3, titles=["Completion rate", "Knowledge gain (points)", "Satisfaction (1–5)"],
                  shared_yaxes=True, horizontal_spacing=0.04)
    layout["xaxis"] |= {"tickformat": ".0%", "range": [0, 1]}
    layout["xaxis3"] |= {"range": [1, 5]}
    panels = (("completion_rate", "%{x:.0%}", theme.PRIMARY), ("knowledge_gain", "%{x:+.1f} pts", theme.OKABE_ITO[2]),
              ("satisfaction", "%{x:.2f} / 5", theme.OKABE_ITO[1]))
    event_types = data["event_type"].to_numpy()
    bars = [{"type": "bar", "x": data[col].to_numpy(), "y": event_types, "orientation": "h",
             "marker": {"color": colour}, "showlegend": False, "hovertemplate": "%{y}: " + fmt_ + "<extra></extra>",
             **cell(i)}
            for i, (col, fmt_, colour) in enumerate(panels, start=1)]
    return figure(bars, layout, title=title, height=340, legend=False)

"""Figures of the Training & reach page."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboards import theme
from dashboards.figures.common import cell, dashed_tail, empty, figure, grid, mark_partial
from dashboards.i18n import N_, _, codes
from data_pipeline.contract import AGE_BANDS, EVENT_TYPES, GENDERS, MODALITIES, PARTICIPANT_ROLES

BY = {"event_type": N_("Event type"), "modality": N_("Modality")}
DIMENSIONS = {"gender": (N_("Sex / gender"), GENDERS), "age_band": (N_("Age band"), AGE_BANDS),
              "role": (N_("Role"), PARTICIPANT_ROLES)}
BY_TITLES = {"event_type": N_("Events by event type"), "modality": N_("Events by modality")}
PER = {"month": N_("Per month"), "quarter": N_("Per quarter"), "year": N_("Per year")}
EVENTS_PER = {"month": N_("Events per month"), "quarter": N_("Events per quarter"), "year": N_("Events per year")}
_ORDER = {"event_type": EVENT_TYPES, "modality": MODALITIES}


def events_over_time(df: pd.DataFrame, *, by: str = "event_type", title: str | None = None,
                     empty_text: str | None = None) -> go.Figure:
    """Stacked bars of events per period, split by event type or modality (Okabe-Ito colours); a `partial`
    period is drawn lighter."""
    title = title or _(BY_TITLES[by])
    if df.empty:
        return empty(title, empty_text or _("No events in the chosen period."))
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
        name = codes.name(by, value)
        bars.append(mark_partial({"type": "bar", "x": periods[mask], "y": events[mask], "name": name,
                                  "marker": {"color": colours[value]},
                                  "hovertemplate": f"{name}<br>%{{x|%b %Y}}<br>" + _("events: {n}").format(n="%{y}")
                                                   + "<extra></extra>"},
                                 partial[mask]))
    grain = df["grain"].iloc[0]
    layout = {"barmode": "stack",
              "yaxis": {"title": {"text": _(EVENTS_PER[grain]) if grain in EVENTS_PER else grain},
                        "rangemode": "tozero"}}
    return figure(bars, layout, title=title, height=360)


def attendance_over_time(df: pd.DataFrame, *, title: str | None = None,
                         empty_text: str | None = None) -> go.Figure:
    """Attendances (bars) and unique participants (line) per period; a `partial` period is drawn lighter (bar) and
    dotted (line)."""
    title = title or _("People reached over time")
    if df.empty or not df["attendances"].any():
        return empty(title, empty_text or _("No attendance in the chosen period."))
    periods = df["period"].to_numpy()
    partial = df["partial"].to_numpy() if "partial" in df else False
    data = [
        mark_partial({"type": "bar", "x": periods, "y": df["attendances"].to_numpy(), "name": _("Attendances"),
                      "marker": {"color": theme.SECONDARY},
                      "hovertemplate": "%{x|%b %Y}<br>" + _("attendances: {n}").format(n="%{y:,}")
                                       + "<extra></extra>"}, partial),
        *dashed_tail({"type": "scatter", "x": periods, "y": df["participants"].to_numpy(),
                      "name": _("Unique participants"), "mode": "lines+markers",
                      "line": {"color": theme.PRIMARY, "width": 2},
                      "hovertemplate": "%{x|%b %Y}<br>" + _("unique participants: {n}").format(n="%{y:,}")
                                       + "<extra></extra>"}, partial),
    ]
    grain = df["grain"].iloc[0]
    layout = {"yaxis": {"title": {"text": _(PER[grain]) if grain in PER else grain}, "rangemode": "tozero"}}
    return figure(data, layout, title=title, height=360)


def topics(df: pd.DataFrame, *, title: str | None = None, empty_text: str | None = None) -> go.Figure:
    """Horizontal bars of unique participants per topic, largest on top; hover gives events and attendances."""
    title = title or _("Topics: unique participants")
    if df.empty:
        return empty(title, empty_text or _("No events in the chosen period."))
    data = df.sort_values("participants")
    participants = data["participants"].to_numpy()
    bars = {
        "type": "bar", "x": participants, "y": data["topic"].to_numpy(), "orientation": "h",
        "marker": {"color": theme.PRIMARY}, "customdata": data[["events", "attendances"]].to_numpy(),
        "text": participants, "textposition": "auto",
        "hovertemplate": "%{y}<br>" + _("unique participants: {n}").format(n="%{x:,}") + "<br>"
                         + _("events: {n}").format(n="%{customdata[0]}") + "<br>"
                         + _("attendances: {n}").format(n="%{customdata[1]:,}") + "<extra></extra>",
    }
    layout = {"xaxis": {"title": {"text": _("Unique participants")}}}
    return figure([bars], layout, title=title, height=max(260, 34 * len(data) + 90), legend=False)


def breakdown(df: pd.DataFrame, *, title: str | None = None, empty_text: str | None = None) -> go.Figure:
    """Three panels of unique participants: by sex, age band and role, in the contract's order."""
    title = title or _("Who took part")
    if df.empty or not df["participants"].any():
        return empty(title, empty_text or _("No participants in the chosen period."))
    layout = grid(1, 3, titles=[_(v[0]) for v in DIMENSIONS.values()], horizontal_spacing=0.14)
    people: dict[str, dict[str, int]] = {}  # dimension -> value -> participants; a few dozen rows, so no pandas
    for dim, value, participants in zip(df["dimension"], df["value"], df["participants"], strict=True):
        people.setdefault(dim, {})[value] = participants
    bars = []
    for i, (dim, (_label, order)) in enumerate(DIMENSIONS.items(), start=1):
        counts = people.get(dim, {})
        values = [v for v in order if v in counts][::-1]
        total = sum(counts.values())
        bars.append({
            "type": "bar", "x": [counts[v] for v in values], "y": [codes.name(dim, v) for v in values],
            "orientation": "h",
            "marker": {"color": theme.OKABE_ITO[i - 1]}, "customdata": [counts[v] / total for v in values],
            "showlegend": False,
            "hovertemplate": "%{y}: " + _("{n} people ({share})").format(n="%{x:,}", share="%{customdata:.0%}")
                             + "<extra></extra>",
            **cell(i)})
    return figure(bars, layout, title=title, height=380, legend=False)


def learning(df: pd.DataFrame, *, title: str | None = None,
             empty_text: str | None = None) -> go.Figure:
    """Completion rate, mean knowledge gain and mean satisfaction per event type, side by side."""
    title = title or _("Learning results by event type")
    if df.empty:
        return empty(title, empty_text or _("No attendance in the chosen period."))
    data = df.iloc[::-1]
    layout = grid(1, 3, titles=[_("Completion rate"), _("Knowledge gain (points)"), _("Satisfaction (1–5)")],
                  shared_yaxes=True, horizontal_spacing=0.04)
    layout["xaxis"] |= {"tickformat": ".0%", "range": [0, 1]}
    layout["xaxis3"] |= {"range": [1, 5]}
    panels = (("completion_rate", "%{x:.0%}", theme.PRIMARY),
              ("knowledge_gain", _("{value} pts").format(value="%{x:+.1f}"), theme.OKABE_ITO[2]),
              ("satisfaction", "%{x:.2f} / 5", theme.OKABE_ITO[1]))
    event_types = [codes.event_type_name(t) for t in data["event_type"]]
    bars = [{"type": "bar", "x": data[col].to_numpy(), "y": event_types, "orientation": "h",
             "marker": {"color": colour}, "showlegend": False, "hovertemplate": "%{y}: " + fmt_ + "<extra></extra>",
             **cell(i)}
            for i, (col, fmt_, colour) in enumerate(panels, start=1)]
    return figure(bars, layout, title=title, height=340, legend=False)

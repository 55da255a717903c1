"""Figures of the city profile."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboards import theme
from dashboards.figures.common import dashed_tail, empty, figure, mark_partial
from dashboards.i18n import _


def activity(df: pd.DataFrame, *, city: str, title: str | None = None, empty_text: str | None = None) -> go.Figure:
    """Events the city hosted (bars) and people from the city who took part (line) per period; a `partial` period
    is drawn lighter (bar) and dotted (line)."""
    title = title or _("{city}: activity over time").format(city=city)
    if df.empty or not (df["events_hosted"].any() or df["participants"].any()):
        return empty(title, empty_text or _("{city} hosted no event and sent no one to one in the chosen "
                                            "period.").format(city=city))
    step = df["grain"].iloc[0]
    periods = df["period"].to_numpy()
    partial = df["partial"].to_numpy() if "partial" in df else False
    data = [
        mark_partial({"type": "bar", "x": periods, "y": df["events_hosted"].to_numpy(), "name": _("Events hosted"),
                      "marker": {"color": theme.SECONDARY}, "yaxis": "y2",
                      "hovertemplate": "%{x|%b %Y}<br>" + _("events hosted: {n}").format(n="%{y}")
                                       + "<extra></extra>"}, partial),
        *dashed_tail({"type": "scatter", "x": periods, "y": df["participants"].to_numpy(),
                      "name": _("People who took part"), "mode": "lines+markers",
                      "line": {"color": theme.PRIMARY, "width": 2},
                      "hovertemplate": "%{x|%b %Y}<br>" + _("people who took part: {n}").format(n="%{y}")
                                       + "<extra></extra>"}, partial),
    ]
    events_axis = {"title": {"text": _("Events hosted")}, "overlaying": "y", "side": "right", "rangemode": "tozero",
                   "showgrid": False, "tickformat": ",d"}
    if df["events_hosted"].max() <= 5:
        events_axis["dtick"] = 1
    per = {"month": _("People per month"), "quarter": _("People per quarter"), "year": _("People per year")}
    layout = {"yaxis": {"title": {"text": per.get(step, step)}, "rangemode": "tozero"}, "yaxis2": events_axis}
    return figure(data, layout, title=title, height=320)

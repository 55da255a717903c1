"""Figures of the Regions page."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboards import theme
from dashboards.figures.common import empty, figure
from dashboards.filters import period_name
from dashboards.i18n import N_, _, codes
from data_pipeline.contract import REGIONS

MEASURES = {"events": N_("Events"), "unique_participants": N_("Unique participants"),
            "participant_hours": N_("Participant-hours"), "joins": N_("Cities joining"),
            "awarded_usd": N_("USD awarded")}
TITLES = {"events": N_("Events by region and quarter"),
          "unique_participants": N_("Unique participants by region and quarter"),
          "participant_hours": N_("Participant-hours by region and quarter"),
          "joins": N_("Cities joining by region and quarter"), "awarded_usd": N_("USD awarded by region and quarter")}


def heatmap(df: pd.DataFrame, *, measure: str = "events", title: str | None = None,
            empty_text: str | None = None) -> go.Figure:
    """Regions (rows, contract order) by quarter (columns), shaded by one measure; cells carry
    customdata ["region", name] for click-to-filter. The colour scale is single-hue from zero, light = none; a
    quarter marked `partial` (still running at the data's date) is labelled "so far". Nothing to shade (no
    quarter, or every cell zero) is said in words (`empty_text`), not drawn as a blank or mid-blue grid."""
    label = _(MEASURES[measure]) if measure in MEASURES else measure
    title = title or (_(TITLES[measure]) if measure in TITLES else label)
    if df.empty or not df[measure].fillna(0).any():
        return empty(title, empty_text or _("No quarter in the chosen period."))
    grid = df.groupby(["region", "quarter"])[measure].sum().unstack(fill_value=0)  # pivot_table is slower
    rows = [r for r in REGIONS if r in grid.index][::-1]
    grid = grid.reindex(rows)
    partial = set(pd.to_datetime(df.loc[df["partial"], "quarter"])) if "partial" in df else set()
    quarters = [_("{period} so far").format(period=period_name(q.date(), "quarter")) if q in partial
                else period_name(q.date(), "quarter") for q in pd.to_datetime(grid.columns)]
    cells = {
        "type": "heatmap", "z": grid.to_numpy(), "x": quarters, "y": [codes.region_name(r) for r in rows], "zmin": 0,
        "colorscale": [[0, "#f4f6f8"], [1, theme.PRIMARY]], "xgap": 2, "ygap": 2,
        "customdata": [[["region", r]] * len(quarters) for r in rows],
        "colorbar": {"title": {"text": label}, "thickness": 12},
        "hovertemplate": "%{y}<br>%{x}: %{z:,.0f}<extra>" + _("click to filter") + "</extra>",
    }
    layout = {"xaxis": {"showgrid": False, "tickangle": -45 if len(quarters) > 12 else 0}, "yaxis": {"showgrid": False}}
    return figure([cells], layout, title=title, height=max(320, 40 * len(rows) + 140), legend=False)

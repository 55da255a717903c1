"""Figures of the Regions page."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboards import theme
from dashboards.figures.common import empty, figure
from data_pipeline.contract import REGIONS

MEASURES = {"events": "Events", "unique_participants": "Unique participants", "participant_hours": "Participant-hours",
            "joins": "Cities joining", "awarded_usd": "USD awarded"}


def heatmap(df: pd.DataFrame, *, measure: str = "events", title: str | None = None,
            empty_text: str | None = None) -> go.Figure:
    """Regions (rows, contract order) by quarter (columns), shaded by one measure; cells carry
    customdata ["region", name] for click-to-filter. The colour scale is single-hue from zero, light = none; a
    quarter marked `partial` (still running at the data's date) is labelled "so far". Nothing to shade (no
    quarter, or every cell zero) is said in words (`empty_text`), not drawn as a blank or mid-blue grid."""
    label = MEASURES.get(measure, measure)
    title = title or f"{label} by region and quarter"
    if df.empty or not df[measure].fillna(0).any():
        return empty(title, empty_text or "No quarter in the chosen period.")
    grid = df.groupby(["region", "quarter"])[measure].sum().unstack(fill_value=0)  # pivot_table is slower
    rows = [r for r in REGIONS if r in grid.index][::-1]
    grid = grid.reindex(rows)
    partial = set(pd.to_datetime(df.loc[df["partial"], "quarter"])) if "partial" in df else set()
    quarters = [f"Q{(q.month - 1) // 3 + 1} {q.year}" + (" so far" if q in partial else "")
                for q in pd.to_datetime(grid.columns)]
    cells = {
        "type": "heatmap", "z": grid.to_numpy(), "x": quarters, "y": rows, "zmin": 0,
        "colorscale": [[0, "#f4f6f8"], [1, theme.PRIMARY]], "xgap": 2, "ygap": 2,
        "customdata": [[["region", r]] * len(quarters) for r in rows],
        "colorbar": {"title": {"text": label}, "thickness": 12},
        "hovertemplate": "%{y}<br>%{x}: %{z:,.0f}<extra>click to filter</extra>",
    }
    layout = {"xaxis": {"showgrid": False, "tickangle": -45 if len(quarters) > 12 else 0}, "yaxis": {"showgrid": False}}
    return figure([cells], layout, title=title, height=max(320, 40 * len(rows) + 140), legend=False)

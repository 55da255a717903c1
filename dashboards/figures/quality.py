"""Figures of the Data quality page."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboards import theme
from dashboards.figures.common import empty, figure
from dashboards.i18n import _


def coverage(df: pd.DataFrame, *, title: str | None = None) -> go.Figure:
    """One bar per source table from its earliest to its latest date, labelled with its row count. Each bar is named
    by its source file ("cities.csv", "scn.xlsx[events]"): what the data team has in its folder, in any language."""
    title = title or _("Dates covered by each source")
    data = df.dropna(subset=["min_date", "max_date"]).iloc[::-1]
    if data.empty:
        return empty(title, _("No source with dates."))
    starts, ends = pd.to_datetime(data["min_date"]), pd.to_datetime(data["max_date"])
    bars = {
        "type": "bar", "base": starts.to_numpy(),
        "x": ((ends - starts).dt.total_seconds() * 1000 + 86_400_000).to_numpy(), "y": data["file"].to_numpy(),
        "orientation": "h", "marker": {"color": theme.PRIMARY}, "customdata": data[["rows", "table_name"]].to_numpy(),
        "hovertemplate": "%{y} (%{customdata[1]})<br>%{base|%d %b %Y} – %{x|%d %b %Y}<br>"
                         + _("{n} rows").format(n="%{customdata[0]:,}") + "<extra></extra>",
    }
    return figure([bars], {"xaxis": {"type": "date"}}, title=title, height=max(240, 28 * len(data) + 100),
                  legend=False)

"""Figures of the impact summary. They draw suppressed data: a hidden count has no bar, only its label."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboards import theme
from dashboards.figures.common import empty, figure
from dashboards.i18n import _, codes


def countries_map(by_country: pd.DataFrame, title: str | None = None) -> go.Figure:
    """Countries shaded by money awarded (country level only: cities are not placed on this map)."""
    title = title or _("Where the grants are")
    placed = by_country[by_country["iso3"].notna()] if not by_country.empty else by_country
    if placed.empty:
        return empty(title, _("No grants in a named country for the chosen period."))
    shade = {
        "type": "choropleth", "locations": placed["iso3"].to_numpy(), "z": placed["awarded_usd"].to_numpy(),
        "locationmode": "ISO-3", "colorscale": [list(p) for p in theme.COUNTRY_SCALE],
        "marker": {"line": {"color": "white", "width": 0.5}}, "text": placed["country"].to_numpy(),
        "customdata": placed[["grants"]].to_numpy(), "colorbar": {"title": {"text": "USD"}, "thickness": 10},
        "hovertemplate": "<b>%{text}</b><br>" + _("US${amount} awarded").format(amount="%{z:,.0f}") + "<br>"
                         + _("{n} grants").format(n="%{customdata[0]}") + "<extra></extra>",
    }
    geo = {"projection": {"type": "natural earth"}, "showcountries": True, "countrycolor": "#c9d1da", "showland": True,
           "landcolor": "#f4f6f8", "showframe": False, "showcoastlines": False, "lataxis": {"range": [-57, 84]}}
    layout = {"geo": geo, "margin": {"l": 0, "r": 0, "t": 36, "b": 0}}
    return figure([shade], layout, title=title, height=380, legend=False)


def reached(table: pd.DataFrame, category: str, title: str) -> go.Figure:
    """People reached per category: bars for published counts; hidden ones appear as their label only."""
    if table.empty:
        return empty(title, _("No participants recorded for the chosen period."))
    df = table.iloc[::-1]
    labels = df["participants_label"].to_numpy()
    bars = {
        "type": "bar", "y": [codes.name(category, v) if category in codes.LISTS else v for v in df[category]],
        "x": df["participants"].astype("float").fillna(0).to_numpy(),
        "orientation": "h", "marker": {"color": theme.PRIMARY}, "text": labels, "textposition": "outside",
        "cliponaxis": False, "hovertext": labels,
        "hovertemplate": "<b>%{y}</b>: " + _("{n} people").format(n="%{hovertext}") + "<extra></extra>",
    }
    layout = {"xaxis": {"title": {"text": _("people")}, "rangemode": "tozero"},
              "margin": {"l": 10, "r": 40, "t": 36, "b": 10}}
    return figure([bars], layout, title=title, height=300, legend=False)


def downloadable(table: pd.DataFrame) -> pd.DataFrame:
    """A suppressed table as people may download it: the category and the published label, nothing hidden."""
    category = table.columns[0]
    return table[[category, "participants_label"]].rename(columns={"participants_label": "participants"})

"""Figures of the impact summary. They draw suppressed data: a hidden count has no bar, only its label."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboards import theme
from dashboards.figures.common import empty, styled


def countries_map(by_country: pd.DataFrame, title: str = "Where the grants are") -> go.Figure:
    """Countries shaded by money awarded (country level only: cities are not placed on this map)."""
    placed = by_country[by_country["iso3"].notna()] if not by_country.empty else by_country
    if placed.empty:
        return empty(title, "No grants in a named country for the chosen period.")
    fig = go.Figure(go.Choropleth(
        locations=placed["iso3"], z=placed["awarded_usd"], locationmode="ISO-3",
        colorscale=[list(p) for p in theme.COUNTRY_SCALE], marker_line_color="white", marker_line_width=0.5,
        text=placed["country"], customdata=placed[["grants"]].to_numpy(),
        colorbar=dict(title="USD", thickness=10),
        hovertemplate="<b>%{text}</b><br>US$%{z:,.0f} awarded<br>%{customdata[0]} grants<extra></extra>",
    ))
    fig.update_geos(projection_type="natural earth", showcountries=True, countrycolor="#c9d1da", showland=True,
                    landcolor="#f4f6f8", showframe=False, showcoastlines=False, lataxis_range=[-57, 84])
    fig.update_layout(margin=dict(l=0, r=0, t=36, b=0))
    return styled(fig, title, height=380, legend=False)


def reached(table: pd.DataFrame, category: str, title: str) -> go.Figure:
    """People reached per category: bars for published counts; hidden ones appear as their label only."""
    if table.empty:
        return empty(title, "No participants recorded for the chosen period.")
    df = table.iloc[::-1]
    shown = df["participants"].astype("float").fillna(0)
    fig = go.Figure(go.Bar(
        y=df[category], x=shown, orientation="h", marker_color=theme.PRIMARY,
        text=df["participants_label"], textposition="outside", cliponaxis=False,
        hovertext=df["participants_label"], hovertemplate="<b>%{y}</b>: %{hovertext} people<extra></extra>",
    ))
    fig.update_xaxes(title_text="people", rangemode="tozero")
    fig.update_layout(margin=dict(l=10, r=40, t=36, b=10))
    return styled(fig, title, height=300, legend=False)


def downloadable(table: pd.DataFrame) -> pd.DataFrame:
    """A suppressed table as people may download it: the category and the published label, nothing hidden."""
    category = table.columns[0]
    return table[[category, "participants_label"]].rename(columns={"participants_label": "participants"})

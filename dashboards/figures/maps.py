"""The member map: cities as points over countries shaded by their number of member cities.

Offline by design: scattergeo and choropleth draw from the topojson files served from assets/topojson
(the graph's `topojsonURL` config), never from map tiles. Every clickable mark carries
`customdata = [kind, key]` ("city", city_id) or ("country", ISO-3) so a click handler knows what was hit.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboards import theme
from dashboards.figures.common import empty, styled
from data_pipeline.contract import MILESTONES, REGIONS

COLOUR_BY = {"region": "Region", "engagement": "Engagement ladder"}


def _sizes(participants: pd.Series) -> np.ndarray:
    """Marker diameters from 7 to 30 px, by area (square root), so a city twice as big looks twice as big."""
    values = np.sqrt(participants.fillna(0).to_numpy(dtype=float))
    top = values.max() if len(values) else 0
    return 7 + (23 * values / top if top > 0 else 0 * values)


def _hover(df: pd.DataFrame) -> list[str]:
    return [
        f"<b>{r.city_name}</b>{' (confidential)' if r.visibility == 'confidential' else ''}<br>"
        f"{r.country_name or r.country_iso3} · {r.region}<br>"
        f"{r.participants:,} participants, {r.events_hosted:,} events hosted<br>"
        f"{r.milestones} of {len(MILESTONES)} milestones"
        for r in df.itertuples()
    ]


def member_map(df: pd.DataFrame, *, colour_by: str = "region", fit: bool = False,
               title: str = "Member cities") -> go.Figure:
    """Member cities sized by participants reached, coloured by region or by milestones reached, over
    countries shaded by their number of member cities."""
    if df.empty:
        return empty(title, "No member cities for the chosen filters.")
    countries = df.groupby(["country_iso3"], as_index=False).agg(
        cities=("city_id", "size"), name=("country_name", "first"))
    fig = go.Figure(go.Choropleth(
        locations=countries["country_iso3"], z=countries["cities"], locationmode="ISO-3",
        colorscale=[list(p) for p in theme.COUNTRY_SCALE], showscale=False, marker_line_color="white",
        marker_line_width=0.5, name="Countries", showlegend=False,
        customdata=[["country", c] for c in countries["country_iso3"]],
        text=countries["name"].fillna(countries["country_iso3"]),
        hovertemplate="<b>%{text}</b><br>%{z} member cities<extra>click to filter</extra>",
    ))
    if colour_by == "engagement":
        groups = [(f"{n} milestones", df[df["milestones"] == n], theme.milestone_colour(n))
                  for n in range(len(MILESTONES) + 1)]
    else:
        groups = [(r, df[df["region"] == r], theme.region_colour(r)) for r in REGIONS]
    sizes = pd.Series(_sizes(df["participants"]), index=df.index)
    for name, part, colour in groups:
        if part.empty:
            continue
        fig.add_trace(go.Scattergeo(
            lon=part["longitude"], lat=part["latitude"], mode="markers", name=name,
            marker=dict(size=sizes[part.index], color=colour, opacity=0.85,
                        line=dict(color="white", width=0.8)),
            customdata=[["city", c] for c in part["city_id"]],
            hovertext=_hover(part), hovertemplate="%{hovertext}<extra>click to open</extra>",
        ))
    fig.update_geos(
        projection_type="natural earth", showcountries=True, countrycolor="#c9d1da", showland=True,
        landcolor="#f4f6f8", showocean=False, showlakes=False, showframe=False, showcoastlines=False,
        resolution=110, bgcolor="white",
    )
    if fit:
        fig.update_geos(fitbounds="locations")
    else:
        fig.update_geos(lataxis_range=[-57, 84])  # Antarctica has no member cities: give its space to the rest
    fig.update_layout(legend=dict(orientation="h", y=0, yanchor="top", x=0, itemclick="toggleothers"),
                      margin=dict(l=0, r=0, t=36, b=0))
    return styled(fig, title, height=440)

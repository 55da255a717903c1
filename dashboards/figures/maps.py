"""The member map: cities as points over countries shaded by their number of member cities.

Offline by design: scattergeo and choropleth draw from the topojson files served from assets/topojson
(the graph's `topojsonURL` config), never from map tiles. Every clickable mark carries
`customdata = [kind, key]` ("city", city_id) or ("country", ISO-3) so a click handler knows what was hit.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboards import formatting as fmt
from dashboards import theme
from dashboards.figures.common import clickable, empty, figure
from dashboards.i18n import N_, _, codes, ngettext
from data_pipeline.contract import MILESTONES, REGIONS

COLOUR_BY = {"region": N_("Region"), "engagement": N_("Engagement ladder")}


def _sizes(participants: pd.Series) -> np.ndarray:
    """Marker diameters from 7 to 30 px, by area (square root), so a city twice as big looks twice as big."""
    values = np.sqrt(participants.fillna(0).to_numpy(dtype=float))
    top = values.max() if len(values) else 0
    return 7 + (23 * values / top if top > 0 else 0 * values)


def _hover(df: pd.DataFrame) -> np.ndarray:
    """Each city's hover text. Joined in plain Python: a few hundred cities, where pandas' string arithmetic on
    Arrow-backed columns took half the figure's time."""
    columns = ("city_name", "visibility", "country_name", "country_iso3", "region", "participants",
               "events_hosted", "milestones")
    steps = len(MILESTONES)
    confidential, regions = _(" (confidential)"), {r: codes.region_name(r) for r in REGIONS}
    took_part = _("{participants} took part, {events} hosted")
    return np.array([
        f"<b>{city}</b>{confidential if visibility == 'confidential' else ''}<br>"
        f"{country if isinstance(country, str) and country else iso3} · {regions.get(region, region)}<br>"
        + took_part.format(
            participants=ngettext("{n} participant", "{n} participants", participants).format(
                n=fmt.number(participants)),
            events=ngettext("{n} event", "{n} events", hosted).format(n=fmt.number(hosted)))
        + "<br>" + ngettext("{n} of {steps} milestone", "{n} of {steps} milestones", steps).format(
            n=milestones, steps=steps)
        for city, visibility, country, iso3, region, participants, hosted, milestones
        in zip(*(df[c].tolist() for c in columns), strict=True)
    ], dtype=object)


def member_map(df: pd.DataFrame, *, colour_by: str = "region", fit: bool = False,
               title: str | None = None) -> go.Figure:
    """Member cities sized by participants reached, coloured by region or by milestones reached, over
    countries shaded by their number of member cities."""
    title = title or _("Member cities")
    if df.empty:
        return empty(title, _("No member cities for the chosen filters."))
    by_country = df.groupby("country_iso3")["country_name"]  # named aggregation (.agg) costs more
    cities, names = by_country.size(), by_country.first()
    iso3 = cities.index.to_numpy()
    data = [{
        "type": "choropleth", "locations": iso3, "z": cities.to_numpy(), "locationmode": "ISO-3",
        "colorscale": [list(p) for p in theme.COUNTRY_SCALE], "showscale": False,
        "marker": {"line": {"color": "white", "width": 0.5}}, "name": _("Countries"), "showlegend": False,
        "customdata": clickable("country", iso3),
        "text": names.fillna(names.index.to_series()).to_numpy(),
        "hovertemplate": "<b>%{text}</b><br>" + _("member cities: {n}").format(n="%{z}") + "<extra>"
                         + _("click to filter") + "</extra>",
    }]
    if colour_by == "engagement":
        key = df["milestones"].to_numpy()
        groups = [(ngettext("{n} milestone", "{n} milestones", n).format(n=n), n, theme.milestone_colour(n))
                  for n in range(len(MILESTONES) + 1)]
    else:
        key = df["region"].to_numpy()
        groups = [(codes.region_name(r), r, theme.region_colour(r)) for r in REGIONS]
    lon, lat, city_ids = df["longitude"].to_numpy(), df["latitude"].to_numpy(), df["city_id"].to_numpy()
    sizes, hover = _sizes(df["participants"]), _hover(df)
    for name, value, colour in groups:
        mask = key == value
        if not mask.any():
            continue
        data.append({
            "type": "scattergeo", "lon": lon[mask], "lat": lat[mask], "mode": "markers", "name": name,
            "marker": {"size": sizes[mask], "color": colour, "opacity": 0.85,
                       "line": {"color": theme.MUTED_INK, "width": 0.8}},  # 3:1 on the map for the light colours
            "customdata": clickable("city", city_ids[mask]),
            "hovertext": hover[mask],
            "hovertemplate": "%{hovertext}<extra>" + _("click to open") + "</extra>",
        })
    geo = {"projection": {"type": "natural earth"}, "showcountries": True, "countrycolor": "#c9d1da", "showland": True,
           "landcolor": "#f4f6f8", "showocean": False, "showlakes": False, "showframe": False, "showcoastlines": False,
           "resolution": 110, "bgcolor": "white"}
    if fit:
        geo["fitbounds"] = "locations"
    else:
        geo["lataxis"] = {"range": [-57, 84]}  # Antarctica has no member cities: give its space to the rest
    layout = {"geo": geo, "legend": {"orientation": "h", "y": 0, "yanchor": "top", "x": 0, "itemclick": "toggleothers"},
              "margin": {"l": 0, "r": 0, "t": 36, "b": 0}}
    return figure(data, layout, title=title, height=440)

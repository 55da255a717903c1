"""Places: a city's region must be its country's hub, and its point must lie in its country.

The region comes from data/reference/countries.csv (allowed exceptions: contract.REGION_EXCEPTIONS). The point
is checked against the country's Natural Earth 1:50m boundary (data/reference/boundaries.parquet, see
data_pipeline/boundaries_build.py) with a tolerance of contract.PLACE_TOLERANCE_KM; a point outside says the
likely fix: latitude and longitude swapped, or a sign lost, when the corrected point falls inside the country.
A point in another country, or one a fix puts right, is an error; a point in no country's shape with no fix
(the sea, or an island the 1:50m shapes leave out) is a warning, since the shapes may be what is missing.
Shapely does the geometry (vectorised over all cities at once): importing geopandas on every build would cost
more than shapely's whole check, and the boundaries load as WKB through DuckDB (figures: bench/README.md).
Countries without a boundary in the file (Gibraltar, Tuvalu, Tokelau, Bouvet Island, the US minor islands) are
not checked.
"""

from __future__ import annotations

import math
from pathlib import Path

import duckdb

from data_pipeline import contract
from data_pipeline.checks.core import Check, run_checks, sql_list
from data_pipeline.load import LoadedSource
from data_pipeline.problems import ProblemLog

BOUNDARIES = Path(__file__).resolve().parents[2] / "data" / "reference" / "boundaries.parquet"
# Territories with their own ISO code drawn inside another country's Natural Earth shape.
DRAWN_WITH = {"GUF": "FRA", "GLP": "FRA", "MTQ": "FRA", "MYT": "FRA", "REU": "FRA", "SJM": "NOR", "BES": "NLD",
              "CXR": "IOA", "CCK": "IOA"}
EARTH_KM = 6371.0


def check(con: duckdb.DuckDBPyConnection, sources: dict[str, LoadedSource], log: ProblemLog) -> None:
    """Check the cities' places: each region is its country's hub, each point lies in its country."""
    cities = sources.get("cities")
    if cities is None:
        return
    if {"region", "country_iso3"} <= set(cities.columns):
        run_checks(con, cities, [region_check()], log)
    if {"country_iso3", "latitude", "longitude"} <= set(cities.columns):
        points_in_countries(con, cities, log)


def region_check() -> Check:
    """The check that a known region given to a city is its country's hub, unless the contract lists an exception."""
    allowed = sql_list([f"{iso3}|{region.lower()}" for iso3, regions in contract.REGION_EXCEPTIONS.items()
                        for region in regions])
    hub = "(select r.region from ref_countries r where r.iso3 = upper(country_iso3))"
    return Check(
        "region", "country",
        f"lower(region) in ({sql_list([r.lower() for r in contract.REGIONS])}) and lower(region) <> lower({hub}) "
        f"and upper(country_iso3) || '|' || lower(region) not in ({allowed})",
        lambda r: f"'{r[1]}' is not the hub of the city's country, which is in {r[2]} "
                  "(data/reference/countries.csv); check the region or the country code",
        other_sql=hub)


def _km(lat1, lon1, lat2, lon2):
    import numpy as np

    lat1, lon1, lat2, lon2 = (np.radians(v) for v in (lat1, lon1, lat2, lon2))
    h = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_KM * np.arcsin(np.sqrt(np.clip(h, 0, 1)))


def points_in_countries(con: duckdb.DuckDBPyConnection, cities: LoadedSource, log: ProblemLog) -> None:
    """Report each city whose point lies more than the tolerance outside its country, with the likely fix."""
    rows = con.execute(f"""
        select _line, upper(country_iso3), try_cast(latitude as double) as lat, try_cast(longitude as double) as lon
        from {cities.relation}
        where lat between -90 and 90 and lon between -180 and 180 and country_iso3 is not null
        order by _line""").fetchall()
    if not rows:
        return
    import numpy as np
    import shapely

    shapes = dict(con.execute("select iso3, geometry from read_parquet($p)", {"p": str(BOUNDARIES)}).fetchall())
    codes = list(shapes)
    geometries = shapely.from_wkb([shapes[c] for c in codes])
    index = {code: i for i, code in enumerate(codes)}
    rows = [r for r in rows if DRAWN_WITH.get(r[1], r[1]) in index]
    if not rows:
        return
    line = np.array([r[0] for r in rows])
    iso3 = [r[1] for r in rows]
    lat = np.array([r[2] for r in rows], dtype=float)
    lon = np.array([r[3] for r in rows], dtype=float)
    own = geometries[[index[DRAWN_WITH.get(c, c)] for c in iso3]]
    shapely.prepare(own)
    outside = np.flatnonzero(~shapely.contains_xy(own, lon, lat))
    if not len(outside):
        return
    km = _km_outside(own[outside], lon[outside], lat[outside])
    far = outside[km > contract.PLACE_TOLERANCE_KM]
    distance = dict(zip(outside, km, strict=True))
    if not len(far):
        return
    tree = shapely.STRtree(geometries)
    hit_point, hit_country = tree.query(shapely.points(lon[far], lat[far]), predicate="within")
    lies_in = {int(far[p]): codes[c] for p, c in zip(hit_point, hit_country, strict=True)}
    fixes = (  # (column, what looks wrong, corrected lon, lat), simplest first
        ("latitude", "latitude and longitude look swapped", lat, lon),
        ("longitude", "the sign of the longitude looks wrong", -lon, lat),
        ("latitude", "the sign of the latitude looks wrong", lon, -lat),
        ("latitude", "the signs of the latitude and longitude look wrong", -lon, -lat),
        ("latitude", "latitude and longitude look swapped, and the longitude's sign lost", -lat, lon),
        ("latitude", "latitude and longitude look swapped, and the latitude's sign lost", lat, -lon),
        ("latitude", "latitude and longitude look swapped, and both signs lost", -lat, -lon),
    )
    fits = [_km_outside(own[far], x[far], y[far]) <= contract.PLACE_TOLERANCE_KM for _, _, x, y in fixes]
    problems: dict[tuple[str, str], list[tuple[int, str]]] = {}
    for k, i in enumerate(far):
        where = f"lies {distance[i]:,.0f} km outside {iso3[i]}"
        # In another country, or right once fixed: an error. In no country's shape (the sea, or an island too
        # small for the 1:50m shapes, such as San Andrés) with no fix that fits: a warning, as the shapes may lack it.
        column, severity = "country_iso3", "error"
        advice = "check the coordinates and the country"
        if int(i) in lies_in:
            where += f", in {lies_in[int(i)]}"
        else:
            column, severity = "latitude", "warning"
            advice = "it is in no country's shape (the sea, or an island too small for the boundaries): check it"
        for (fix_column, words, x, y), fit in zip(fixes, fits, strict=True):
            if fit[k]:
                column, severity = fix_column, "error"
                advice = f"{words}: ({_deg(y[i])}, {_deg(x[i])}) is in {iso3[i]}"
                break
        problems.setdefault((column, severity), []).append(
            (int(line[i]), f"the point ({_deg(lat[i])}, {_deg(lon[i])}) {where}; {advice}"))
    for (column, severity), found in problems.items():
        log.add_rows(cities.source.label, column, found[:log.per_kind], len(found) - log.per_kind, severity)


def _km_outside(shapes, lon, lat):
    """Kilometres from each point to its shape (0 inside): great-circle distance to the shape's nearest point."""
    import numpy as np
    import shapely

    inside = shapely.contains_xy(shapes, lon, lat)
    km = np.zeros(len(lon))
    if (~inside).any():
        nearest = shapely.shortest_line(shapes[~inside], shapely.points(lon[~inside], lat[~inside]))
        edge = shapely.get_coordinates(shapely.get_point(nearest, 0))
        km[~inside] = _km(lat[~inside], lon[~inside], edge[:, 1], edge[:, 0])
    return km


def _deg(value: float) -> str:
    return f"{value:.4f}".rstrip("0").rstrip(".") if math.isfinite(value) else str(value)

"""Derive `data/reference/boundaries.parquet`, the country boundaries a city's point is checked against.

Run `python -m data_pipeline.boundaries_build --natural-earth PATH/ne_50m_admin_0_countries.json`. The source is
Natural Earth's 1:50m admin-0 countries (public domain), as converted to GeoJSON by martynafford/natural-earth-
geojson (CC0). Each feature keeps only `iso3` and its geometry, coordinates rounded to 0.001 degree (about 100 m,
far inside the check's tolerance). The file is GeoParquet (geometry as WKB): the build reads it through DuckDB
far faster than it would parse the same shapes from GeoJSON (bench/README.md). Codes are joined on
`ISO_A3_EH`, else `ADM0_A3` (`ISO_A3` is -99 for France, Norway and Kosovo); Kosovo becomes XKX as in
countries.csv; Northern Cyprus and Somaliland are joined to Cyprus and Somalia, whose codes their cities carry;
Crimea and Western Sahara are drawn as the UN and ISO codes have them (DE_JURE).
This is a build-time tool (it imports geopandas); the pipeline reads the file with shapely alone.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from data_pipeline.reference import REFERENCE_DIR

OUT = REFERENCE_DIR / "boundaries.parquet"
RENAMED = {"KOS": "XKX", "CYN": "CYP", "SOL": "SOM"}
LEFT_OUT = {"KAS", "ATC"}  # Siachen Glacier (disputed, no cities); Ashmore and Cartier Islands (uninhabited)
PRECISION = 0.001
# Natural Earth draws de facto control; ISO codes (and the SCN) follow the UN: the territory in the box is cut
# from the first country's shape and added to the second's (code, box as lon/lat min/max, to).
DE_JURE = (
    ("RUS", (32.2, 44.2, 36.8, 46.3), "UKR"),  # Crimea
    ("MAR", (-17.2, 20.7, -8.6, 27.67), "ESH"),  # Western Sahara west of the berm
)


def build(natural_earth: Path, out: Path = OUT) -> int:
    """Write the boundaries file; return the number of countries in it."""
    import geopandas as gpd
    import shapely

    frame = gpd.read_file(natural_earth)
    code = frame["ISO_A3_EH"].where(frame["ISO_A3_EH"] != "-99", frame["ADM0_A3"])
    frame = frame.assign(iso3=code.replace(RENAMED))
    frame = frame[~frame["iso3"].isin(LEFT_OUT)].dissolve(by="iso3", as_index=False).set_index("iso3")
    for source, (x0, y0, x1, y1), target in DE_JURE:
        box = shapely.box(x0, y0, x1, y1)
        part = frame.geometry[source].intersection(box)
        frame.loc[source, "geometry"] = frame.geometry[source].difference(box)
        frame.loc[target, "geometry"] = frame.geometry[target].union(part)
    frame = frame.reset_index()
    frame["geometry"] = shapely.set_precision(frame.geometry.values, PRECISION)
    frame[["iso3", "geometry"]].to_parquet(out, index=False, compression="zstd")
    return len(frame)


def main() -> None:
    """Command line: write the country shapes from a Natural Earth file (see the module's docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--natural-earth", type=Path, required=True, help="ne_50m_admin_0_countries.json")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    print(f"wrote {build(args.natural_earth, args.out)} countries to {args.out}")


if __name__ == "__main__":
    main()

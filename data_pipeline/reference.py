"""The committed reference files in `data/reference/`: SCN hubs, countries, currencies and cities.

Each loader reads its CSV once per process and hands out a copy, so a caller that changes what it got cannot
change what the next caller sees. `python -m data_pipeline.reference_build` regenerates the files.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd

REFERENCE_DIR = Path(__file__).resolve().parent.parent / "data" / "reference"


def _read(name: str) -> pd.DataFrame:
    # keep_default_na=False: Namibia's ISO code "NA" is a code, not a missing value.
    return pd.read_csv(REFERENCE_DIR / name, dtype=str, keep_default_na=False, encoding="utf-8")


@lru_cache(maxsize=1)
def _regions() -> tuple[str, ...]:
    return tuple(_read("regions.csv")["region"])


@lru_cache(maxsize=1)
def _countries() -> pd.DataFrame:
    return _read("countries.csv")


@lru_cache(maxsize=1)
def _currencies() -> frozenset[str]:
    return frozenset(_read("currencies.csv")["code"])


@lru_cache(maxsize=1)
def _cities() -> pd.DataFrame:
    frame = _read("cities.csv")
    return frame.astype({"geonameid": "int64", "latitude": "float64", "longitude": "float64",
                         "population": "int64"})


def regions() -> list[str]:
    """The SCN regional hubs in display order, as listed in `regions.csv` (the same as `contract.REGIONS`)."""
    return list(_regions())


def countries() -> pd.DataFrame:
    """Every country and territory: `iso3`, `iso2`, `name` and the SCN hub (`region`) it belongs to."""
    return _countries().copy()


def currencies() -> set[str]:
    """The ISO 4217 codes a grant or payment may be in (current codes of the IATI Currency codelist)."""
    return set(_currencies())


def reference_cities() -> pd.DataFrame:
    """GeoNames cities of 100,000 people or more (plus the demo's smaller founding cities).

    Columns: `geonameid`, `name` (accents kept), `country_iso3`, `latitude`, `longitude`, `population`.
    """
    return _cities().copy()

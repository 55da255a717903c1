"""IATI's code lists (data/reference/iati/*.csv, CC BY 4.0), read once per process."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

IATI_DIR = Path(__file__).resolve().parent.parent.parent / "data" / "reference" / "iati"


def _codes(name: str) -> dict[str, str]:
    with (IATI_DIR / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        return {row["code"].strip(): row["name"].strip() for row in csv.DictReader(handle)}


@dataclass(frozen=True)
class CodeLists:
    """code -> English name of each IATI code list the standards modules read."""

    activity_status: dict[str, str]
    sectors: dict[str, str]
    countries: dict[str, str]
    currencies: dict[str, str]
    organisation_types: dict[str, str]


@lru_cache(maxsize=1)
def get() -> CodeLists:
    """The IATI code lists the exports and imports check against, read once from data/reference/iati/."""
    return CodeLists(activity_status=_codes("ActivityStatus"), sectors=_codes("Sector"),
                     countries=_codes("Country"), currencies=_codes("Currency"),
                     organisation_types=_codes("OrganisationType"))

"""The impact summary's data: one bundle of aggregates for one audience, period and set of filters.

The query layer fills `ImpactData` (queries/impact.py: access rules and small-count suppression already applied);
the /impact page shows it, reports/words.py writes its sentences and reports/pdf.py its A4 PDF. The checks in
`__post_init__` make a wrongly shaped bundle fail where it is made, not in the middle of a PDF.

Suppressed counts arrive as labels ("<5", or a marker for the second cell hidden to protect it) and are printed
as they come, never recomputed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd

NETWORK = "Strong Cities Network"

Count = int | str  # a published count, or the label that stands in for a suppressed one ("<5")

STATUSES = ("on track", "off track", "awaiting data", "not due", "no target")
COUNTRY_COLUMNS = ("country", "iso3", "region", "grants", "awarded_usd")
PARTICIPANT_COLUMNS = ("participants", "participants_label")
INDICATOR_COLUMNS = ("title", "result_type", "measure", "unit", "direction", "aggregation", "range_low",
                     "range_high", "baseline_value", "baseline_year", "target_to_date", "actual_to_date",
                     "target_met", "progress", "status")


def _participants_frame(category: str) -> pd.DataFrame:
    return pd.DataFrame({category: pd.Series(dtype="string"), "participants": pd.Series(dtype="Int64"),
                         "participants_label": pd.Series(dtype="string")})


@dataclasses.dataclass(frozen=True, eq=False)
class ImpactData:
    """Everything the impact page and its PDF show, for one audience, period and set of filters.

    Counts typed `Count` are an int, or the label the suppression step put in its place ("<5" or a marker).
    Tables come already suppressed: `by_gender` and `by_role` have a category column first, `participants`
    (nullable Int64, <NA> when hidden) and `participants_label` (what to print). `by_country` may carry
    `cities_label` (printed as is); `indicators` may carry `city` (shown next to the title, confidential members
    already masked by the query layer). Money is in US dollars.
    """

    audience: str  # the donor's name, or NETWORK for the public view
    period_label: str  # "1 Jan 2025 – 31 Oct 2026", "2025", "up to 31 Oct 2026" or "All time"
    filters_text: str  # "Region: MENA; Topic: social cohesion", or "No filters"
    built_at: dt.datetime  # when the database was built; naive means UTC
    as_of: dt.date  # the data's reference date
    is_demo: bool  # demo data: flagged on every page
    awarded_usd: float
    disbursed_usd: float
    grants: int
    grants_active: int
    cities: Count  # cities the grants reach
    countries: int
    participants_total: Count  # people reached: REACHED
    by_country: pd.DataFrame = dataclasses.field(default_factory=lambda: pd.DataFrame(columns=COUNTRY_COLUMNS))
    by_gender: pd.DataFrame = dataclasses.field(default_factory=lambda: _participants_frame("gender"))
    by_role: pd.DataFrame = dataclasses.field(default_factory=lambda: _participants_frame("role"))
    indicators: pd.DataFrame = dataclasses.field(default_factory=lambda: pd.DataFrame(columns=INDICATOR_COLUMNS))
    suppress_below: int = 5  # the threshold the footnote explains
    is_public: bool = False  # the network-wide public view: sentences speak of "donors", not "you"
    # Amount awarded per currency the grants were awarded in (before conversion to US dollars).
    awarded_by_currency: dict[str, float] = dataclasses.field(default_factory=dict)
    # The period's dates (start None: since the beginning); the words are made from these, not from the label.
    period_start: dt.date | None = None
    period_end: dt.date | None = None

    def __post_init__(self) -> None:
        for name, needed in (("by_country", COUNTRY_COLUMNS), ("by_gender", PARTICIPANT_COLUMNS),
                             ("by_role", PARTICIPANT_COLUMNS), ("indicators", INDICATOR_COLUMNS)):
            missing = [c for c in needed if c not in getattr(self, name).columns]
            if missing:
                raise ValueError(f"ImpactData.{name} lacks the column(s) {', '.join(missing)}; "
                                 f"it needs {', '.join(needed)}")
        for name in ("by_gender", "by_role"):
            if len(getattr(self, name).columns) == len(PARTICIPANT_COLUMNS):
                raise ValueError(f"ImpactData.{name} needs a category column besides {', '.join(PARTICIPANT_COLUMNS)}")
        unknown = sorted(set(self.indicators["status"].dropna()) - set(STATUSES))
        if unknown:
            raise ValueError(f"ImpactData.indicators has unknown status(es) {', '.join(map(repr, unknown))}; "
                             f"expected one of {', '.join(STATUSES)}")
        if self.suppress_below < 1:
            raise ValueError(f"ImpactData.suppress_below must be at least 1, not {self.suppress_below}")

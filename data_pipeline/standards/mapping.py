"""How the data contract's columns and codes correspond to IATI 2.03 and 360Giving: the one place that says so.

The exporters and importers read every code and every indicator column through the tables below, in both
directions, so a change of the contract (new indicator columns such as direction, unit or how values add up
across periods) is a change here and nowhere else. Codes are IATI's code lists (data/reference/iati/).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# --- who publishes ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Organisation:
    """An organisation as IATI names it: identifier (`ref`), name and IATI OrganisationType code."""

    ref: str
    name: str
    type: str


# ISD's organisation identifier: its registered charity number (England and Wales) in the org-id.guide form.
# Check it against ISD's IATI Registry record before the first publication; `--reporting-org-ref` overrides it.
REPORTING_ORG = Organisation("GB-CHC-1141069", "Institute for Strategic Dialogue", "21")
# 360Giving identifiers start "360G-" and the publisher's prefix; ISD has none registered yet.
GIVING360_PREFIX = "360G-isd"

# --- grants ----------------------------------------------------------------------------------------------------

# contract grant status -> IATI ActivityStatus. Completed grants are "Finalisation" (3): the funded work is done;
# whether the books are closed (4) is not in the data. An import reads both 3 and 4 as completed.
GRANT_STATUS_TO_IATI = {"pipeline": "1", "active": "2", "completed": "3", "cancelled": "5", "suspended": "6"}
IATI_TO_GRANT_STATUS = {"1": "pipeline", "2": "active", "3": "completed", "4": "completed", "5": "cancelled",
                        "6": "suspended"}

# 1.0x files sometimes give the status as a word and no code (the 1.0x names, and the 2.0x ones).
ACTIVITY_STATUS_V1 = {"pipeline/identification": "1", "pipeline": "1", "implementation": "2", "completion": "3",
                      "finalisation": "3", "post-completion": "4", "closed": "4", "cancelled": "5",
                      "suspended": "6"}

# contract donor_type -> IATI OrganisationType, and back (IATI has more kinds than the contract).
DONOR_TYPE_TO_IATI = {"government": "10", "multilateral": "40", "foundation": "60", "private sector": "70",
                      "other": "90"}
IATI_TO_DONOR_TYPE = {"10": "government", "11": "government", "15": "government", "40": "multilateral",
                      "60": "foundation", "70": "private sector", "71": "private sector", "72": "private sector",
                      "73": "private sector"}
IMPLEMENTER_TYPE = "11"  # a member city is a local government

# Sectors (OECD DAC 5-digit, vocabulary 1). Every SCN grant is civilian peace-building and conflict prevention
# unless its theme is listed here; the theme itself travels as the reporting organisation's own sector
# (vocabulary 99), so an import gets it back exactly.
DEFAULT_SECTOR = "15220"
THEME_SECTORS: dict[str, str] = {}
SECTOR_VOCABULARY_DAC, OWN_VOCABULARY = "1", "99"
# The programme a grant belongs to travels as a tag of the reporting organisation's vocabulary (99).
TAG_VOCABULARY_OWN = "99"
FINANCE_TYPE_GRANT, FLOW_TYPE_PRIVATE_NGO, AID_TYPE_PROJECT = "110", "30", "C01"

# OECD DAC regions (IATI Region, vocabulary 1) that lie within one SCN hub; the others (Africa, America, Asia,
# "developing countries") span several and place nothing. States ex-Yugoslavia are the Western Balkans hub.
DAC_REGION_HUBS = {
    "88": "Western Balkans", "89": "Europe", "189": "MENA", "380": "Latin America & Caribbean",
    "389": "Latin America & Caribbean", "489": "Latin America & Caribbean", "589": "MENA",
    "619": "Central & Southeast Asia and Pacific", "679": "South Asia", "789": "Central & Southeast Asia and Pacific",
    "889": "Central & Southeast Asia and Pacific", "1027": "East & Southern Africa",
    "1029": "East & Southern Africa", "1030": "West Africa & Sahel", "1031": "Latin America & Caribbean",
    "1032": "Latin America & Caribbean", "1033": "Central & Southeast Asia and Pacific",
    "1034": "Central & Southeast Asia and Pacific", "1035": "Central & Southeast Asia and Pacific",
}

# IATI TransactionType: 2.0x numeric codes, and the 1.0x letters old files use.
COMMITMENT, DISBURSEMENT = "2", "3"
TRANSACTION_V1 = {"IF": "1", "C": "2", "D": "3", "E": "4", "IR": "5", "LR": "6", "R": "7", "QP": "8", "QS": "9",
                  "CG": "10"}

# IATI ActivityDateType, and the 1.0x words.
PLANNED_START, ACTUAL_START, PLANNED_END, ACTUAL_END = "1", "2", "3", "4"
DATE_TYPE_V1 = {"start-planned": "1", "start-actual": "2", "end-planned": "3", "end-actual": "4"}

# IATI OrganisationRole, and the 1.0x words.
FUNDING, ACCOUNTABLE, EXTENDING, IMPLEMENTING = "1", "2", "3", "4"
ORG_ROLE_V1 = {"funding": "1", "accountable": "2", "extending": "3", "implementing": "4"}

# --- indicators ------------------------------------------------------------------------------------------------
# Each contract column of `indicators` and where it goes in IATI 2.03 (360Giving has no results: a 360Giving
# import leaves a grant's indicators as they are). `codes` maps the contract's value to IATI's, when they differ.


@dataclass(frozen=True)
class IndicatorField:
    """One column of the contract's indicators table and its place in an IATI result."""

    column: str
    iati: str  # path below iati-activity, for people and for import messages
    codes: dict[str, str] | None = None

    def to_iati(self, value) -> str:
        if self.codes is None:
            return str(value)
        return self.codes[str(value).lower()]

    def from_iati(self, code: str) -> str | None:
        """The contract's value for IATI's `code`; None when the contract has no such value."""
        if self.codes is None:
            return code
        return {v: k for k, v in self.codes.items()}.get(code.strip())


INDICATOR_FIELDS: dict[str, IndicatorField] = {f.column: f for f in (
    IndicatorField("indicator_id", "result/indicator/reference[@vocabulary='99']/@code"),
    IndicatorField("title", "result/indicator/title/narrative"),
    IndicatorField("result_type", "result/@type", {"output": "1", "outcome": "2", "impact": "3"}),
    IndicatorField("measure", "result/indicator/@measure", {"unit": "1", "percentage": "2"}),
    # IATI says which way is better with @ascending only; a range ("keep between") has no IATI form and omits
    # it (IATI's default reads as ascending), travelling in full among the own-vocabulary references below.
    IndicatorField("direction", "result/indicator/@ascending", {"higher": "1", "lower": "0"}),
    IndicatorField("baseline_value", "result/indicator/baseline/@value"),
    IndicatorField("baseline_year", "result/indicator/baseline/@year"),
)}
INDICATOR_VOCABULARY_OWN = "99"
# Contract columns IATI has no attribute for (a range's bounds, the unit, how values add up across periods):
# each travels as one more reference of the reporting organisation's own vocabulary, code `scn:<column>=<value>`,
# after the reference that carries indicator_id, and is read back from ISD's own files. A person reads them in
# the indicator's description.
INDICATOR_OWN_COLUMNS = ("direction", "range_low", "range_high", "unit", "aggregation")
OWN_REFERENCE_PREFIX = "scn:"


def own_reference(column: str, value) -> str:
    """The reference code that carries `column`'s value: 'scn:aggregation=latest'."""
    return f"{OWN_REFERENCE_PREFIX}{column}={value}"


def read_own_reference(code: str) -> tuple[str, str] | None:
    """(column, value) of a code made by own_reference; None for any other code."""
    if not code.startswith(OWN_REFERENCE_PREFIX) or "=" not in code:
        return None
    column, value = code[len(OWN_REFERENCE_PREFIX):].split("=", 1)
    return (column, value) if column in INDICATOR_OWN_COLUMNS else None


def ascending_of(direction: str) -> str:
    """The contract's required `ascending` for a direction: false only when lower is better."""
    return "false" if direction == "lower" else "true"

# xsd:boolean spellings of @ascending; IATI's default when it is absent is ascending.
IATI_BOOLEAN = {"1": "true", "true": "true", "0": "false", "false": "false"}
# IATI IndicatorMeasure codes the contract cannot hold (nominal, ordinal, qualitative): their indicators are
# left out of an import with a warning, as the contract holds numbers only.
NOT_NUMERIC_MEASURES = {"3": "nominal", "4": "ordinal", "5": "qualitative"}
# A disaggregated value: indicator_values.dimension/dimension_value <-> IATI target|actual/dimension @name/@value.

# --- 360Giving -------------------------------------------------------------------------------------------------
# 360Giving has no grant status, theme or sector field: they travel as classifications with these vocabularies.
GIVING360_STATUS_VOCABULARY = "SCN grant status"
GIVING360_THEME_VOCABULARY = "SCN theme"
GIVING360_SECTOR_VOCABULARY = "OECD DAC CRS purpose code"
GIVING360_CONFIDENTIAL_RECIPIENT = "Strong Cities Network member city (confidential)"


def slug(text: str) -> str:
    """'Local Prevention Fund' -> 'local-prevention-fund' (codes of our own vocabularies)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")


def name_key(text: str | None) -> str:
    """A name compared loosely: accents, case, punctuation and 'the' ignored ('Montréal' == 'MONTREAL')."""
    key = slug(text or "")
    return re.sub(r"^the-", "", key)

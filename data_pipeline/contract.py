"""The SCN data contract: every source table, its columns, their types and rules.

Written once here and used three ways: by validation (what a source file must look like), by the staging SQL
(what types the columns are cast to), and by `python -m data_pipeline contract` which renders
`docs/data-contract.md`. Change a rule here and all three follow.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ColumnType = Literal["id", "text", "integer", "number", "date", "boolean", "code", "iso3", "currency"]

# SCN's regional hubs, not UN continents. Order is the display order; colours live in the dashboard theme.
REGIONS: tuple[str, ...] = (
    "East & Southern Africa",
    "West Africa & Sahel",
    "MENA",
    "South Asia",
    "Central & Southeast Asia and Pacific",
    "Western Balkans",
    "Europe",
    "North America",
    "Latin America & Caribbean",
)

EVENT_TYPES = (
    "training", "workshop", "city exchange", "regional meeting", "global summit", "webinar", "online module",
)
MODALITIES = ("in person", "online", "hybrid")
MEMBERSHIP_KINDS = ("founding member", "member", "observer")
VISIBILITIES = ("public", "confidential")
STEERING_ROLES = ("member", "co-chair")
GENDERS = ("female", "male", "non-binary", "undisclosed")
AGE_BANDS = ("under 18", "18-24", "25-34", "35-44", "45-54", "55-64", "65+", "undisclosed")
PARTICIPANT_ROLES = (
    "municipal official", "elected official", "police", "education", "youth work", "health", "social work",
    "faith leader", "civil society", "other",
)
DONOR_TYPES = ("government", "multilateral", "foundation", "private sector", "other")
GRANT_STATUSES = ("pipeline", "active", "completed", "suspended", "cancelled")
RESULT_TYPES = ("output", "outcome", "impact")
MEASURES = ("unit", "percentage")
# Which way an indicator is better; docs/marts.md says how each is judged against its target.
DIRECTIONS = ("higher", "lower", "range")
# How an indicator's values add up across reporting periods.
AGGREGATIONS = ("cumulative", "latest", "sum")
VALUE_KINDS = ("target", "actual")
# The engagement ladder, in the order a city usually climbs it.
MILESTONES = (
    "focal point named",
    "local prevention network formed",
    "action plan adopted",
    "action plan funded",
    "good practice published",
)

# The Excel template's own sheets (its read-me and data dictionary, titled in the reader's language) carry this
# sheet-scoped defined name, which follows a sheet through renaming and saving: the loader and the upload page
# pass over a sheet that has it without a word (data_pipeline/template.py writes it).
TEMPLATE_NOTES = "SCN_template_notes"

TRUE_WORDS = ("true", "yes", "y", "1")
FALSE_WORDS = ("false", "no", "n", "0")

# The longest value a cell of an identifier, text or code column may hold, in characters (a column may set its own
# `max_length`). A longer value is refused as the file is loaded: a pasted document or a runaway export, not data.
# Values of the other types are refused by their type check, whose message shortens them.
MAX_LENGTH: dict[str, int] = {"id": 64, "text": 500, "code": 64}

# How far past the build day a "happened on" date may lie before it is called an error.
FUTURE_TOLERANCE_DAYS = 31
# The earliest plausible dates. The network was founded in 2015 (launched at the UN in September): membership,
# steering seats and milestones cannot be older. Events, money and results may come from ISD's pilots and the
# programmes that became the SCN's, so they reach back to 2000; anything older is a typing slip (1015 for 2015)
# or a placeholder.
NETWORK_FOUNDED = "2015-01-01"
EARLIEST_ACTIVITY = "2000-01-01"
# Dates spreadsheets and databases write for "no date": named in the message when one trips a bound.
PLACEHOLDER_DATES = {
    "1899-12-30": "Excel's day zero",
    "1899-12-31": "Excel's day zero",
    "1900-01-01": "a spreadsheet's empty date",
    "1970-01-01": "the Unix epoch, an empty timestamp",
    "9999-12-31": "a database's 'no end'",
}


@dataclass(frozen=True)
class Column:
    """One column of a source table and the rules its values must follow."""

    name: str
    type: ColumnType
    description: str
    required: bool = True
    codes: tuple[str, ...] = ()
    references: str | None = None  # "table.column"
    minimum: float | None = None
    maximum: float | None = None
    # Days a date may lie in the future (None: any future date is fine, e.g. a planned end date).
    max_future_days: int | None = None
    # Another date column of the same row this one may not be earlier than.
    not_before: str | None = None
    # Another column that must be filled when this one is.
    requires: str | None = None
    # False for columns the product added beyond the agreed minimum: a file without them still loads.
    header_required: bool = True
    max_length: int | None = None  # characters; None: MAX_LENGTH of the type
    # Ids that differ only in case are one id typed two ways (SCN-0042, scn-0042), unless the id comes from a
    # system where case is part of it (a funder's Salesforce grant ids: 006D000000MJrHK and ...MJrhk are two).
    case_sensitive: bool = False
    # The earliest plausible date (ISO), see NETWORK_FOUNDED and EARLIEST_ACTIVITY.
    earliest: str | None = None
    # (another date column, days): this date may lie at most that many days after the other one.
    within: tuple[str, int] | None = None
    # Money: judged in US dollars (converted at the amount's date) against its bounds in the bounds file (bounds.py,
    # bounds.toml): above the ceiling is an error, far from the other amounts of its table a warning.
    usd_bounds: bool = False

    @property
    def length_limit(self) -> int | None:
        return self.max_length or MAX_LENGTH.get(self.type)


@dataclass(frozen=True)
class Table:
    """One source table: a CSV file, an XLSX sheet or a Parquet file named after it."""

    name: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()  # unique per row
    required: bool = True
    notes: tuple[str, ...] = field(default_factory=tuple)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


def _id(name: str, what: str, **kw) -> Column:
    return Column(name, "id", what, **kw)


def _ref(name: str, target: str, what: str, **kw) -> Column:
    return Column(name, "id", what, references=target, **kw)


def _code(name: str, codes: tuple[str, ...], what: str, **kw) -> Column:
    return Column(name, "code", what, codes=codes, **kw)


def _past_date(name: str, what: str, **kw) -> Column:
    return Column(name, "date", what, max_future_days=FUTURE_TOLERANCE_DAYS, **kw)


def _money(name: str, what: str, **kw) -> Column:
    return Column(name, "number", what, minimum=0, usd_bounds=True, **kw)


# How long one row can last: an event (a self-paced module can run a year), a steering term (terms are two years;
# a row may cover a renewal), a grant, an indicator's reporting period.
MAX_EVENT_DAYS = 366
MAX_TERM_DAYS = 5 * 366
MAX_GRANT_DAYS = 10 * 366
MAX_PERIOD_DAYS = 5 * 366

TABLES: tuple[Table, ...] = (
    Table(
        "cities",
        "Member cities of the network, one row per city, including those that left.",
        (
            _id("city_id", "Stable SCN identifier of the city, e.g. SCN-0042."),
            Column("city_name", "text", "Name as the city writes it, accents kept (Montréal, Malmö)."),
            Column("country_iso3", "iso3", "ISO 3166-1 alpha-3 code of the country."),
            Column("latitude", "number", "WGS84 latitude of the city centre.", minimum=-90, maximum=90),
            Column("longitude", "number", "WGS84 longitude of the city centre.", minimum=-180, maximum=180),
            _code("region", REGIONS, "SCN regional hub the city belongs to."),
            _past_date("joined_on", "Date the city joined the network.", earliest=NETWORK_FOUNDED),
            _past_date("left_on", "Date the city left, empty while a member.", required=False,
                       not_before="joined_on", earliest=NETWORK_FOUNDED),
            _code("membership", MEMBERSHIP_KINDS, "Kind of membership."),
            _code("visibility", VISIBILITIES, "Confidential members are never named to donors or the public."),
            Column("population", "integer", "Population of the city (for reach per capita).", required=False,
                   minimum=0, maximum=50_000_000, header_required=False),
        ),
        key=("city_id",),
    ),
    Table(
        "steering_terms",
        "Terms served on the International Steering Committee.",
        (
            _ref("city_id", "cities.city_id", "City holding the seat."),
            Column("term_start", "date", "First day of the term.", earliest=NETWORK_FOUNDED,
                   max_future_days=366),
            Column("term_end", "date", "Last day of the term, empty while serving.", required=False,
                   not_before="term_start", within=("term_start", MAX_TERM_DAYS)),
            _code("role", STEERING_ROLES, "Seat held."),
        ),
        key=("city_id", "term_start"),
    ),
    Table(
        "participants",
        "People who took part in SCN activities, pseudonymous: no name, e-mail or phone ever.",
        (
            _id("participant_id", "Pseudonymous identifier issued by ISD's CRM export."),
            _ref("city_id", "cities.city_id", "City the participant works for; empty if not a member city.",
                 required=False),
            _code("gender", GENDERS, "Self-described gender."),
            _code("age_band", AGE_BANDS, "Age band at first participation."),
            _code("role", PARTICIPANT_ROLES, "Sector the participant works in."),
        ),
        key=("participant_id",),
    ),
    Table(
        "events",
        "Trainings, workshops, exchanges, meetings, summits, webinars and online modules.",
        (
            _id("event_id", "Identifier of the event."),
            _code("event_type", EVENT_TYPES, "Kind of event."),
            Column("title", "text", "Title of the event."),
            Column("start_date", "date", "First day; planned events may lie up to a year ahead.",
                   max_future_days=366, earliest=EARLIEST_ACTIVITY),
            Column("end_date", "date", "Last day.", not_before="start_date", within=("start_date", MAX_EVENT_DAYS)),
            _ref("city_id", "cities.city_id", "Host city; empty for online or non-member venues.",
                 required=False),
            _code("region", REGIONS, "Region the event serves; empty for global events.", required=False),
            _code("modality", MODALITIES, "How participants attended."),
            Column("topic", "text", "Main topic, e.g. online harms, youth engagement."),
            Column("hours", "number", "Learning hours per participant.", minimum=0.25, maximum=500),
        ),
        key=("event_id",),
    ),
    Table(
        "attendance",
        "Who attended which event, with completion and learning results.",
        (
            _ref("event_id", "events.event_id", "Event attended."),
            _ref("participant_id", "participants.participant_id", "Participant."),
            Column("completed", "boolean", "Completed the event (true/false, yes/no, 1/0)."),
            Column("pre_score", "number", "Knowledge test before, 0-100.", required=False, minimum=0,
                   maximum=100),
            Column("post_score", "number", "Knowledge test after, 0-100.", required=False, minimum=0,
                   maximum=100),
            Column("satisfaction", "integer", "Satisfaction rating 1-5.", required=False, minimum=1, maximum=5),
        ),
        key=("event_id", "participant_id"),
    ),
    Table(
        "donors",
        "Funders of SCN grants.",
        (
            _id("donor_id", "Identifier of the donor."),
            Column("donor_name", "text", "Name of the funding organisation."),
            _code("donor_type", DONOR_TYPES, "Kind of funder."),
        ),
        key=("donor_id",),
    ),
    Table(
        "grants",
        "Grants awarded for local prevention initiatives and programmes.",
        (
            _id("grant_id", "Identifier of the grant (case counts: funders' systems issue ids that differ "
                "only in case).", case_sensitive=True),
            Column("title", "text", "Title of the funded initiative."),
            _ref("donor_id", "donors.donor_id", "Donor funding the grant."),
            _ref("city_id", "cities.city_id", "Implementing city; empty for regional grants.", required=False),
            _code("region", REGIONS, "Region; taken from the city when empty.", required=False,
                  header_required=False),
            Column("programme", "text", "SCN programme the grant belongs to."),
            Column("theme", "text", "Theme, e.g. youth resilience, online harms."),
            _money("amount_awarded", "Amount awarded, in `currency`."),
            Column("currency", "currency", "ISO 4217 code of the award."),
            _past_date("award_date", "Date the grant was awarded.", earliest=EARLIEST_ACTIVITY),
            Column("start_date", "date", "Start of the funded work.", earliest=EARLIEST_ACTIVITY,
                   max_future_days=2 * 366),
            Column("end_date", "date", "Planned end of the funded work.", not_before="start_date",
                   within=("start_date", MAX_GRANT_DAYS)),
            _code("status", GRANT_STATUSES, "Current status."),
        ),
        key=("grant_id",),
    ),
    Table(
        "disbursements",
        "Payments made against grants.",
        (
            _ref("grant_id", "grants.grant_id", "Grant paid."),
            _past_date("paid_on", "Payment date.", earliest=EARLIEST_ACTIVITY),
            _money("amount", "Amount paid, in `currency`."),
            Column("currency", "currency", "ISO 4217 code of the payment."),
            _id("reference", "Payment reference (the transfer's or invoice's number). Needed only to tell apart "
                "two payments to one grant of the same amount on the same day, which are otherwise refused as "
                "the same row pasted twice.", required=False, header_required=False),
        ),
        notes=("No key: a grant is paid many times. A row repeated exactly is refused (see Checks).",),
    ),
    Table(
        "indicators",
        "Results indicators of grants: their level, which way is better, unit, how values add up across "
        "periods, and the baseline when known.",
        (
            _id("indicator_id", "Identifier of the indicator (case counts, as for grant ids).",
                case_sensitive=True),
            _ref("grant_id", "grants.grant_id", "Grant the indicator belongs to."),
            Column("title", "text", "What is measured."),
            _code("result_type", RESULT_TYPES, "Level in the results chain: output, outcome or impact."),
            _code("measure", MEASURES, "Unit count or percentage."),
            Column("ascending", "boolean", "True when a higher value is better (`direction`, when filled, "
                   "takes precedence)."),
            Column("baseline_value", "number", "Value before the grant; empty when unknown (the indicator is then "
                   "judged against its target alone, never against an assumed 0).", required=False),
            Column("baseline_year", "integer", "Year of the baseline.", required=False, minimum=2000,
                   maximum=2100),
            _code("direction", DIRECTIONS, "Which way is better: higher, lower, or range (kept between "
                  "`range_low` and `range_high`). Empty: higher when `ascending` is true, else lower.",
                  required=False, header_required=False),
            Column("range_low", "number", "Lowest value within range (direction range).", required=False,
                   requires="range_high", header_required=False),
            Column("range_high", "number", "Highest value within range (direction range).", required=False,
                   requires="range_low", header_required=False),
            Column("unit", "text", "What a value counts, e.g. people, sessions, cases (percentages need none).",
                   required=False, header_required=False),
            _code("aggregation", AGGREGATIONS, "How values add up across reporting periods: cumulative (each "
                  "value is the total to date), latest (each value is a level measured in its period) or sum "
                  "(each value counts its period only; the total to date is their sum). Empty: latest for "
                  "percentages, cumulative for unit counts.", required=False, header_required=False),
        ),
        key=("indicator_id",),
    ),
    Table(
        "indicator_values",
        "Targets and actuals of indicators per reporting period, optionally split by a dimension.",
        (
            _ref("indicator_id", "indicators.indicator_id", "Indicator."),
            Column("period_start", "date", "First day of the reporting period.", earliest=EARLIEST_ACTIVITY),
            Column("period_end", "date", "Last day of the reporting period.", not_before="period_start",
                   within=("period_start", MAX_PERIOD_DAYS)),
            _code("kind", VALUE_KINDS, "Target or actual."),
            Column("value", "number", "The value, in the indicator's measure."),
            Column("dimension", "text", "Disaggregation, e.g. sex; empty for the total.", required=False,
                   requires="dimension_value"),
            Column("dimension_value", "text", "Value of the dimension, e.g. female.", required=False,
                   requires="dimension"),
        ),
        key=("indicator_id", "period_end", "kind", "dimension", "dimension_value"),
    ),
    Table(
        "milestones",
        "Steps on the engagement ladder a member city has reached.",
        (
            _ref("city_id", "cities.city_id", "City."),
            _code("milestone", MILESTONES, "Step reached."),
            _past_date("achieved_on", "Date reached.", earliest=NETWORK_FOUNDED),
        ),
        key=("city_id", "milestone"),
    ),
    Table(
        "fx_rates",
        "Exchange rates to US dollars; an amount uses the latest rate valid on or before its date.",
        (
            Column("currency", "currency", "ISO 4217 code."),
            Column("valid_on", "date", "Date from which the rate applies.", earliest=EARLIEST_ACTIVITY,
                   max_future_days=FUTURE_TOLERANCE_DAYS),
            Column("usd_per_unit", "number", "US dollars for one unit of the currency.", minimum=0.000001),
        ),
        key=("currency", "valid_on"),
    ),
)

TABLES_BY_NAME: dict[str, Table] = {t.name: t for t in TABLES}

# Cells that stand for "no value": refused in required text and identifier columns, where they would pass for
# a real name or id (a city called "N/A"). Compared ignoring case and outer spaces. In optional text columns they
# are kept as written: "None" is a real answer to a disaggregation such as "disability".
MISSING_WORDS = (
    "na", "n/a", "n.a.", "n.a", "nan", "null", "none", "nil", "-", "--", "---", "—", "–", "?", "??", "???",
    ".", "..", "...", "#n/a", "#na", "#null!", "#value!", "#ref!", "#name?", "#div/0!", "#num!", "tbd", "tbc",
    "tba", "unknown", "missing", "n/d", "nd", "s/d", "s.o.", "inconnu", "non renseigne", "non renseigné",
    "desconocido", "sin datos", "unbekannt", "k.a.", "nepoznato", "غير معروف", "لا يوجد",
)

# --- places ----------------------------------------------------------------------------------------------------
# A city's point may lie this far outside its country's Natural Earth 1:50m boundary before it is an error. The
# boundary is generalised (the 6,241 GeoNames cities of data/reference/cities.csv lie at most 7 km outside their
# own country's, 99.9% within 7 km), a city's coordinates mark its centre, and coastal cities sit on the edge;
# a point in the wrong place (latitude and longitude swapped, a sign lost) is hundreds of kilometres out.
PLACE_TOLERANCE_KM = 25
# Countries whose cities the SCN may place in a hub other than the one data/reference/countries.csv gives: those
# that common definitions of the regions split (Türkiye between Europe and MENA; Sudan, Djibouti and Somalia
# in the Arab League; Mauritania in the Maghreb).
REGION_EXCEPTIONS: dict[str, tuple[str, ...]] = {
    "TUR": ("MENA",),
    "SDN": ("MENA",),
    "DJI": ("MENA",),
    "SOM": ("MENA",),
    "MRT": ("MENA",),
}

# --- uploads that shrink the data ------------------------------------------------------------------------------
# A build that would leave a table with fewer rows than the published one by more than this share, or leave
# a month of activity (below) empty that had rows, publishes only when confirmed (`build --confirm-shrink`,
# or the upload page's confirmation). SCN_CONFIRM_SHRINK_OVER overrides the share for the app and the CLI.
SHRINK_SHARE = 0.2
# Where a table's activity is dated, and how many rows a month must have had before its loss needs a confirmation.
ACTIVITY_DATES = {"events": "start_date", "attendance": "start_date", "disbursements": "paid_on",
                  "grants": "award_date"}
GONE_MONTH_MIN_ROWS = 5

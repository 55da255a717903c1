"""The dashboard's queries give the numbers the marts give, worked out independently here in pandas.

Every test runs against data/sample built by the real pipeline (tests/conftest.py).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest
from flask import Flask

from dashboards import settings
from dashboards.filters import Filters, from_query, make, resolve
from dashboards.queries import city, common, db, grants, membership, overview, quality, regions, training
from dashboards.security import access
from data_pipeline.build import build
from data_pipeline.contract import REGIONS
from data_pipeline.store import open_read_only
from tests.paths import GOOD


@pytest.fixture(autouse=True)
def as_data_team():
    """These tests check numbers, not access: they read as the data team (security/test_access.py does roles)."""
    with db.acting_as(access.SYSTEM):
        yield



def mart(path: Path, name: str) -> pd.DataFrame:
    with open_read_only(path) as con:
        return con.execute(f"select * from {name}").df()


def as_of(path: Path) -> dt.date:
    return mart(path, "meta_build")["as_of"].iloc[0].date()


def in_window(dates: pd.Series, start: dt.date | None, end: dt.date) -> pd.Series:
    d = pd.to_datetime(dates)
    keep = d <= pd.Timestamp(end)
    return keep & (d >= pd.Timestamp(start)) if start else keep


def members_at(cities: pd.DataFrame, day: dt.date) -> pd.DataFrame:
    joined, left = pd.to_datetime(cities["joined_on"]), pd.to_datetime(cities["left_on"])
    return cities[(joined <= pd.Timestamp(day)) & (left.isna() | (left > pd.Timestamp(day)))]


@pytest.mark.parametrize("search", ["", "?period=all", "?period=last-year&region=europe", "?event=webinar"])
def test_kpis_match_the_marts(dashboard_db: Path, search: str) -> None:
    chosen = from_query(search)
    win = resolve(chosen, as_of(dashboard_db))
    got = overview.kpis(chosen).set_index("which")
    events, att = mart(dashboard_db, "fct_events"), mart(dashboard_db, "fct_attendance")
    sexes = mart(dashboard_db, "stg_participants")[["participant_key", "gender"]]
    att = att.merge(sexes, on="participant_key", how="left", validate="many_to_one")
    cities = mart(dashboard_db, "city_engagement")
    for which, w in (("current", win), ("previous", win.previous)):
        if w is None:
            assert which not in got.index
            continue
        ev = events[in_window(events["start_date"], w.start, w.end)]
        at = att[in_window(att["start_date"], w.start, w.end)]
        cit = cities
        if chosen.regions:
            ev, at, cit = (f[f["region"].isin(chosen.regions)] for f in (ev, at, cit))
        if chosen.event_types:
            ev, at = (f[f["event_type"].isin(chosen.event_types)] for f in (ev, at))
        row = got.loc[which]
        assert row["events"] == len(ev)
        assert row["participants"] == at["participant_key"].nunique()
        assert row["participant_hours"] == pytest.approx(at["hours"].sum())
        assert row["members"] == len(members_at(cit, w.end))
        known = at[at["gender"].isin(["female", "male", "non-binary"])]
        women = at.loc[at["gender"] == "female", "participant_key"].nunique()
        assert row["women_share"] == pytest.approx(women / known["participant_key"].nunique())


def test_region_breakdown_adds_up_to_the_total_with_no_region_apart(dashboard_db: Path) -> None:
    chosen = Filters(period="all")
    by_region = overview.by_region(chosen)
    kpis = overview.kpis(chosen).iloc[0]
    assert by_region["events"].sum() == kpis["events"]
    assert by_region["region"].tolist() == [*REGIONS, "No region"]  # the display order, every time
    events = mart(dashboard_db, "fct_events")
    events = events[in_window(events["start_date"], None, as_of(dashboard_db))]  # planned events are not counted
    assert by_region.set_index("region").loc["No region", "events"] == events["region"].isna().sum()
    only = overview.by_region(make("all", regions=["MENA"]))
    assert only["region"].tolist() == ["MENA"]
    assert only["events"].iloc[0] == (events["region"] == "MENA").sum()


def test_trend_periods_add_up_to_the_period_totals(dashboard_db: Path) -> None:
    chosen = Filters()
    trend, kpis = overview.trend(chosen), overview.kpis(chosen).set_index("which").loc["current"]
    assert len(trend) == 12 and trend["grain"].eq("month").all()
    assert trend["events"].sum() == kpis["events"]
    assert trend["new_members"].sum() == kpis["new_members"]
    assert trend["awarded_usd"].sum() == pytest.approx(kpis["awarded_usd"], abs=12)


def test_member_map_lists_members_at_the_period_end_with_their_reach(dashboard_db: Path) -> None:
    chosen = Filters()
    win = resolve(chosen, as_of(dashboard_db))
    got = membership.member_map(chosen).set_index("city_id")
    cities = mart(dashboard_db, "city_engagement")
    assert set(got.index) == set(members_at(cities, win.end)["city_id"])
    att = mart(dashboard_db, "fct_attendance")
    att = att[in_window(att["start_date"], win.start, win.end)]
    reach = att.groupby("participant_city_id")["participant_key"].nunique()
    busiest = reach.idxmax()
    assert got.loc[busiest, "participants"] == reach.max()


def test_members_over_time_ends_with_the_members_of_today(dashboard_db: Path) -> None:
    df = membership.members_over_time(Filters(period="all"))
    last = df[df["period"] == df["period"].max()]
    assert last["members"].sum() == mart(dashboard_db, "city_engagement")["is_member"].sum()
    assert df["joins"].sum() == len(mart(dashboard_db, "city_engagement"))


def test_ladder_and_dormant_members_match_the_marts(dashboard_db: Path) -> None:
    ladder = membership.ladder(Filters(period="all"))
    cities = mart(dashboard_db, "city_engagement")
    members = cities[cities["is_member"]]
    steps = mart(dashboard_db, "city_milestones")
    steps = steps[steps["city_id"].isin(members["city_id"])]
    assert ladder["cities"].tolist() == [int((steps["step"] == s).sum()) for s in range(1, 6)]
    assert ladder["members"].iloc[0] == len(members)
    dormant = membership.dormant(Filters())
    assert set(dormant["city_id"]) == set(cities.loc[cities["dormant"], "city_id"])


def test_people_breakdowns_each_count_every_participant_once(dashboard_db: Path) -> None:
    chosen = Filters(period="all")
    people = training.people(chosen)
    total = mart(dashboard_db, "fct_attendance")["participant_key"].nunique()
    assert people.groupby("dimension")["participants"].sum().to_dict() == {
        "age_band": total, "gender": total, "role": total}


def test_completion_rate_matches_attendance(dashboard_db: Path) -> None:
    chosen = make("all", event_types=["training"])
    got = training.learning_kpis(chosen).iloc[0]
    att = mart(dashboard_db, "fct_attendance")
    att = att[att["event_type"] == "training"]
    assert got["completion_rate"] == pytest.approx(att["completed"].mean())
    both = att.dropna(subset=["pre_score", "post_score"])
    assert got["knowledge_gain"] == pytest.approx((both["post_score"] - both["pre_score"]).mean())


@pytest.mark.parametrize("search", ["?period=all", "", "?period=last-year&region=mena",
                                    "?period=all&country=JOR&event=training", "?topic=online%20harms"])
def test_learning_measures_per_event_type_match_the_attendance_rows(dashboard_db: Path, search: str) -> None:
    """The learning measures are added up from attendance_by_event: each must equal its own computation over
    the matching fct_attendance rows (filters on the participant's region and country included)."""
    chosen = from_query(search)
    win = resolve(chosen, as_of(dashboard_db))
    att = mart(dashboard_db, "fct_attendance")
    att = att[in_window(att["start_date"], win.start, win.end)]
    for column, values in (("region", chosen.regions), ("country_iso3", chosen.countries),
                           ("event_type", chosen.event_types), ("topic", chosen.topics)):
        if values:
            att = att[att[column].isin(values)]
    assert len(att) > 0
    got = training.learning(chosen).set_index("event_type")
    assert sorted(got.index) == sorted(att["event_type"].unique())
    for event_type, rows in att.groupby("event_type"):
        row = got.loc[event_type]
        both = rows.dropna(subset=["pre_score", "post_score"])
        assert row["attendances"] == len(rows)
        assert row["participants"] == rows["participant_key"].nunique()
        assert row["completion_rate"] == pytest.approx(round(rows["completed"].mean(), 4))
        assert row["scored"] == len(both)
        assert row["rated"] == rows["satisfaction"].notna().sum()
        if len(both):
            assert row["knowledge_gain"] == pytest.approx(round((both["post_score"] - both["pre_score"]).mean(), 2))
            assert row["pre_score"] == pytest.approx(round(both["pre_score"].mean(), 2))
            assert row["post_score"] == pytest.approx(round(both["post_score"].mean(), 2))
        else:
            assert pd.isna(row["knowledge_gain"])
        if rows["satisfaction"].notna().any():
            assert row["satisfaction"] == pytest.approx(round(rows["satisfaction"].mean(), 2))


def test_grant_portfolio_counts_every_grant_once_in_each_breakdown(dashboard_db: Path) -> None:
    chosen = Filters(period="all")
    portfolio = grants.portfolio(chosen)
    totals = portfolio.groupby("dimension")[["grants", "awarded_usd"]].sum()
    expected = mart(dashboard_db, "grant_portfolio")
    expected = expected[in_window(expected["start_date"], None, as_of(dashboard_db))]  # work not started yet
    assert (totals["grants"] == len(expected)).all()
    assert totals["awarded_usd"].max() - totals["awarded_usd"].min() < 10
    assert totals["awarded_usd"].iloc[0] == pytest.approx(expected["awarded_usd"].sum(), abs=300)


def test_off_track_list_holds_only_latest_off_track_reports(dashboard_db: Path) -> None:
    late = grants.off_track(Filters(period="all"))
    assert len(late) > 0 and late["status"].eq("off track").all()
    latest = mart(dashboard_db, "indicator_achievement")
    latest = latest[latest["is_latest"] & latest["status"].eq("off track")]
    assert set(late["indicator_id"]) == set(latest["indicator_id"])


def test_heatmap_counts_match_regional_activity(dashboard_db: Path) -> None:
    df = regions.heatmap(make("all", regions=["Europe"]))
    expected = mart(dashboard_db, "regional_activity_quarterly")
    assert df["region"].unique().tolist() == ["Europe"]
    assert df["events"].sum() == expected.loc[expected["region"] == "Europe", "events"].sum()


def test_region_summary_and_cities(dashboard_db: Path) -> None:
    summary = regions.summary(Filters(period="all")).set_index("region")
    cities = mart(dashboard_db, "city_engagement")
    assert summary["members"].sum() == cities["is_member"].sum()
    listed = regions.cities(Filters(period="all"), "MENA")
    assert set(listed["city_id"]) == set(cities.loc[cities["region"] == "MENA", "city_id"])


def test_city_profile_and_unknown_city(dashboard_db: Path) -> None:
    cities = mart(dashboard_db, "city_engagement")
    busiest = cities.sort_values("attendances").iloc[-1]
    assert city.profile(busiest["city_id"])["city_name"].iloc[0] == busiest["city_name"]
    assert city.profile("SCN-NOPE").empty
    summary = city.summary(Filters(period="all"), busiest["city_id"]).iloc[0]
    assert summary["participants"] == busiest["participants"]
    assert summary["events_hosted"] == busiest["events_hosted"]
    events = city.events(Filters(period="all"), busiest["city_id"])
    assert (events["involvement"] != "attended").sum() == busiest["events_hosted"]


def test_filter_values_only_ever_reach_duckdb_as_parameters(dashboard_db: Path) -> None:
    nasty = make("all", topics=["x' or 1=1; drop table fct_events; --"], countries=["ABC"])
    assert overview.kpis(nasty).iloc[0]["events"] == 0
    assert len(mart(dashboard_db, "fct_events")) > 0


def test_filter_options_come_from_the_database(dashboard_db: Path) -> None:
    options = common.filter_options()
    topics = set(mart(dashboard_db, "fct_events")["topic"])
    assert set(options["topics"]) == topics
    assert {c["iso3"] for c in options["countries"]} >= set(mart(dashboard_db, "city_engagement")["country_iso3"])


@pytest.mark.parametrize(("seconds", "cached"), [("0", False), ("60", True)])
def test_cache_seconds_zero_turns_the_query_cache_off(
        sample_db: Path, monkeypatch: pytest.MonkeyPatch, seconds: str, cached: bool) -> None:
    monkeypatch.setenv("SCN_DB", str(sample_db))
    monkeypatch.setenv("SCN_CACHE_SECONDS", seconds)
    settings.get.cache_clear()
    app = Flask(__name__)
    db.init_cache(app)
    calls = []
    real = db._connections.cursor
    monkeypatch.setattr(db._connections, "cursor", lambda *a: calls.append(a) or real(*a))
    with app.app_context(), db.acting_as(access.SYSTEM):
        db.frame("select count(*) as n from city_engagement")
        db.frame("select count(*) as n from city_engagement")
    settings.get.cache_clear()
    assert len(calls) == (1 if cached else 2)


def test_workers_sharing_a_cache_folder_compute_an_answer_once_and_keep_viewers_apart(
        sample_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """SCN_CACHE_DIR (the README's deploy line): two workers (two Flask apps here) share one cache on disk, so the
    second is served the first one's result without querying; a viewer with other limits is never served it."""
    monkeypatch.setenv("SCN_DB", str(sample_db))
    monkeypatch.setenv("SCN_CACHE_DIR", str(tmp_path / "cache"))
    settings.get.cache_clear()
    workers = [Flask("one"), Flask("two")]
    for worker in workers:
        db.init_cache(worker)
    calls = []
    real = db._connections.cursor
    monkeypatch.setattr(db._connections, "cursor", lambda *a: calls.append(a) or real(*a))
    sql = "select count(*) as n from city_engagement"
    hub = access.Viewer("hub@x.org", "hub_lead", regions=("MENA",))
    with workers[0].app_context():
        first = db.frame(sql, viewer=access.SYSTEM)
    with workers[1].app_context():
        again = db.frame(sql, viewer=access.SYSTEM)
        limited = db.frame(sql, viewer=hub)
    settings.get.cache_clear()
    assert again.equals(first) and len(calls) == 2  # the admin's once, the hub lead's once
    assert limited["n"].iloc[0] < first["n"].iloc[0]
    assert any((tmp_path / "cache").iterdir())


def test_a_rebuild_is_picked_up_without_restart_and_never_served_from_cache(
        sample_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    served = tmp_path / "scn.duckdb"
    shutil.copy(sample_db, served)
    monkeypatch.setenv("SCN_DB", str(served))
    settings.get.cache_clear()
    app = Flask(__name__)
    db.init_cache(app)
    with app.app_context():
        before = common.build_info()["source"]
        assert common.build_info()["source"] == before  # second call: from the cache
        result = build(GOOD, tmp_path / "other.duckdb")
        assert result.ok
        os.replace(tmp_path / "other.duckdb", served)  # how the pipeline publishes
        after = common.build_info()["source"]
    settings.get.cache_clear()
    assert before.endswith("sample") and after.endswith("good")


def test_missing_database_says_how_to_build_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCN_DB", str(tmp_path / "none.duckdb"))
    settings.get.cache_clear()
    with pytest.raises(db.DatabaseMissing, match="make data"):
        common.build_info()
    settings.get.cache_clear()


def test_failed_attempt_report_is_shown_only_when_newer_than_the_database(
        sample_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    served = tmp_path / "scn.duckdb"
    shutil.copy(sample_db, served)
    monkeypatch.setenv("SCN_DB", str(served))
    settings.get.cache_clear()
    report = tmp_path / "scn.report.json"
    problem = {"file": "events.csv", "line": 14, "column": "hours", "message": "'ten' is not a number",
               "severity": "error"}
    report.write_text(json.dumps({"ok": False, "published": False, "problems": [problem]}))
    os.utime(served, (1, 1))
    failed = quality.failed_attempt()
    assert failed is not None
    assert failed["problems"].iloc[0].to_dict() == {"severity": "error", "file": "events.csv", "line": 14,
                                                     "column": "hours", "message": "'ten' is not a number"}
    os.utime(report, (0, 0))
    assert quality.failed_attempt() is None
    settings.get.cache_clear()


def test_a_forked_process_opens_its_own_connection(dashboard_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """DuckDB connections must not cross a fork (a WSGI server that preloads the app and then forks workers)."""
    ver = db.version(dashboard_db)
    db.warm()
    opened = db._connections._opened[3]
    db._connections.cursor(dashboard_db, ver).close()
    assert db._connections._opened[3] is opened  # same process: reused
    monkeypatch.setattr(db.os, "getpid", lambda: -1)
    db._connections.cursor(dashboard_db, ver).close()
    assert db._connections._opened[3] is not opened

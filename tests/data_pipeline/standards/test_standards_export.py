"""The demo portfolio published as IATI 2.03 and 360Giving: valid against the shipped schemas, checked by the
standards' own rules (each of which is shown to catch its fault), nothing confidential in it, one donor's only
when asked."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import socket
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from lxml import etree

from data_pipeline.build import build
from data_pipeline.standards import mapping as m
from data_pipeline.standards.giving360_export import to_360giving, to_flat_csv
from data_pipeline.standards.giving360_import import unflatten
from data_pipeline.standards.iati_export import budget_periods
from data_pipeline.standards.portfolio import from_database
from data_pipeline.standards.publish import check_file, make_360giving, make_iati
from data_pipeline.standards.quality import validate_360, validate_iati
from tests.paths import FIXTURES, SAMPLE

FIXTURES = FIXTURES / "standards"
RULES = sorted(p for p in (FIXTURES / "export_rules").iterdir() if p.suffix in (".xml", ".json"))
TODAY = dt.date(2026, 11, 1)


@pytest.fixture(scope="module")
def portfolio(sample_db: Path):
    return from_database(sample_db)


@pytest.fixture(scope="module")
def iati_file(portfolio) -> bytes:
    made = make_iati(portfolio)
    assert made.data is not None, [str(p) for p in made.problems[:10]]
    return made.data


@pytest.fixture(scope="module")
def confidential(sample_db: Path) -> list[tuple[str, str, float]]:
    with duckdb.connect(str(sample_db), read_only=True) as con:
        return con.execute("select city_id, city_name, latitude from stg_cities where confidential").fetchall()


def test_demo_iati_export_passes_the_xsd_and_iati_rules(iati_file: bytes, portfolio):
    assert validate_iati(iati_file, name="demo.xml") == []
    root = etree.fromstring(iati_file)
    assert root.get("version") == "2.03"
    assert len(root.findall("iati-activity")) == len(portfolio.grants) == 300


def test_demo_360giving_package_and_flat_csv_pass_the_schema(portfolio):
    package = make_360giving(portfolio)
    flat = make_360giving(portfolio, flat=True)
    assert package.data is not None and flat.data is not None
    assert package.errors == [] and flat.errors == []
    assert len(json.loads(package.data)["grants"]) == 300
    # the flat form stands for the same grants: read back, it is the package's grant list
    same = to_360giving(portfolio)
    assert unflatten(to_flat_csv(same))["grants"] == same["grants"]


def test_each_grant_is_one_activity_with_its_award_payments_and_results(iati_file: bytes, portfolio):
    activities = {a.findtext("iati-identifier"): a for a in etree.fromstring(iati_file).iter("iati-activity")}
    for grant in portfolio.grants.itertuples(index=False):
        activity = activities[f"{m.REPORTING_ORG.ref}-{grant.grant_id}"]
        committed = [float(t.findtext("value")) for t in activity.findall("transaction")
                     if t.find("transaction-type").get("code") == m.COMMITMENT]
        paid = sorted(float(t.findtext("value")) for t in activity.findall("transaction")
                      if t.find("transaction-type").get("code") == m.DISBURSEMENT)
        assert committed == [float(grant.amount_awarded)]
        assert paid == sorted(float(p.amount) for p in portfolio.payments_of(grant.grant_id))
        budgets = sum(float(b.findtext("value")) for b in activity.findall("budget"))
        assert budgets == pytest.approx(float(grant.amount_awarded))
        assert len(activity.findall("result")) == len(portfolio.indicators_of(grant.grant_id))
        assert activity.find("activity-status").get("code") == m.GRANT_STATUS_TO_IATI[grant.status]
    periods = etree.fromstring(iati_file).iter("period")
    values = sum(len(p.findall("target")) + len(p.findall("actual")) for p in periods)
    assert values == len(portfolio.indicator_values)
    sexes = etree.fromstring(iati_file).xpath("//period/*/dimension[@name='sex']/@value")
    assert set(sexes) == {"female", "male"}


def test_confidential_member_cities_are_never_published(portfolio, iati_file: bytes, confidential):
    assert confidential, "the demo has confidential members"
    package = make_360giving(portfolio).data.decode("utf-8")
    flat = make_360giving(portfolio, flat=True).data.decode("utf-8")
    for text in (iati_file.decode("utf-8"), package, flat):
        for city_id, name, latitude in confidential:
            assert city_id not in text
            assert f">{name}<" not in text and f'"{name}"' not in text and f",{name}," not in text
            assert str(latitude) not in text
    # their grants are published all the same, with money and region, without a place
    hidden = portfolio.grants[portfolio.grants["confidential"]]
    assert len(hidden) > 0
    root = etree.fromstring(iati_file)
    for grant in hidden.itertuples(index=False):
        activity = next(a for a in root.iter("iati-activity")
                        if a.findtext("iati-identifier").endswith(f"-{grant.grant_id}"))
        assert activity.find("location") is None and activity.find("recipient-country") is None
        assert activity.find("recipient-region").get("vocabulary") == m.OWN_VOCABULARY


def test_a_title_naming_a_confidential_member_is_published_masked(tmp_path: Path):
    # a public city's grant and its indicator may name a confidential member in their titles: the export must not
    source = tmp_path / "source"
    shutil.copytree(SAMPLE, source)
    cities = pd.read_csv(source / "cities.csv", dtype=str)
    hidden = cities.loc[cities["visibility"] == "confidential", "city_name"].iloc[0]
    grants = pd.read_csv(source / "grants.csv", dtype=str, keep_default_na=False)
    public_ids = set(cities.loc[cities["visibility"] != "confidential", "city_id"])
    row = grants.index[grants["city_id"].isin(public_ids)][0]
    grants.loc[row, "title"] = f"City-to-city exchange with {hidden}"
    grants.to_csv(source / "grants.csv", index=False)
    indicators = pd.read_csv(source / "indicators.csv", dtype=str, keep_default_na=False)
    indicators.loc[indicators["grant_id"] == grants.loc[row, "grant_id"], "title"] = f"Visits to {hidden} held"
    indicators.to_csv(source / "indicators.csv", index=False)
    assert build(source, tmp_path / "scn.duckdb").ok
    portfolio = from_database(tmp_path / "scn.duckdb")
    grant = portfolio.grants.set_index("grant_id").loc[grants.loc[row, "grant_id"]]
    assert grant["title"].startswith("City-to-city exchange with ") and hidden not in grant["title"]
    for made in (make_iati(portfolio), make_360giving(portfolio), make_360giving(portfolio, flat=True)):
        assert hidden not in made.data.decode("utf-8")


def test_a_donor_export_holds_that_donors_grants_only(sample_db: Path):
    one = from_database(sample_db, donor="DON-04")
    assert len(one.grants) > 0 and set(one.grants["donor_id"]) == {"DON-04"}
    made = make_iati(one)
    funders = {a.find("participating-org[@role='1']/narrative").text
               for a in etree.fromstring(made.data).iter("iati-activity")}
    assert funders == {"UK Foreign, Commonwealth & Development Office"}
    assert set(one.disbursements["grant_id"]) <= set(one.grants["grant_id"])
    assert set(one.indicators["grant_id"]) <= set(one.grants["grant_id"])
    package = to_360giving(one)
    assert {g["fundingOrganization"][0]["name"] for g in package["grants"]} == funders


@pytest.mark.parametrize(("start", "end"), [
    (dt.date(2020, 2, 5), dt.date(2023, 2, 4)), (dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
    (dt.date(2019, 12, 31), dt.date(2021, 1, 1)), (dt.date(2024, 2, 29), dt.date(2028, 2, 28))])
def test_budget_periods_cover_the_grant_in_periods_under_a_year_that_start_before_they_end(start, end):
    periods = budget_periods(start, end)
    assert periods[0][0] == start and periods[-1][1] == end
    for (first, last), following in zip(periods, [*periods[1:], None], strict=True):
        assert first < last and (last - first).days < 365
        if following:
            assert following[0] == last + dt.timedelta(days=1)


@pytest.mark.parametrize("case", RULES, ids=lambda p: p.name)
def test_each_rule_of_the_standards_catches_its_fault(case: Path):
    standard = "iati" if case.suffix == ".xml" else "360giving"
    printed = [str(p) for p in check_file(case, standard, today=TODAY)]
    expected = case.with_suffix(".expected").read_text(encoding="utf-8").splitlines()
    assert expected and printed == expected


@pytest.mark.parametrize("name", ["activity.xml", "grants.json"])
def test_the_hand_made_valid_files_pass_every_check(name):
    assert check_file(FIXTURES / "valid" / name, "iati" if name.endswith(".xml") else "360giving", today=TODAY) == []


def test_validation_reaches_no_network(iati_file: bytes, portfolio, monkeypatch: pytest.MonkeyPatch):
    def refuse(*_args, **_kwargs):
        raise AssertionError("validation tried to open a network connection")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    from data_pipeline.standards import quality

    quality._iati_schema.cache_clear()
    quality._giving360_validator.cache_clear()
    assert validate_iati(iati_file, name="demo.xml") == []
    assert validate_360(to_360giving(portfolio), name="demo.json") == []


def test_a_file_failing_its_checks_is_not_offered(portfolio):
    empty = type(portfolio)(portfolio.grants.iloc[0:0], portfolio.disbursements.iloc[0:0],
                            portfolio.indicators.iloc[0:0], portfolio.indicator_values.iloc[0:0], portfolio.as_of)
    made = make_iati(empty)  # no activity: the schema wants at least one
    assert made.data is None and made.errors

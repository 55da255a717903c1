"""A city's point must lie in its country and its region must be its country's hub; a wrong point is named with
the likely fix. Measured on a real city list (CDP 2019, tests/fixtures/realdata)."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest

from data_pipeline.checks import places
from data_pipeline.load import LoadedSource, Source
from data_pipeline.problems import ProblemLog
from tests.paths import FIXTURES

CDP = FIXTURES / "realdata" / "cdp_cities_2019.csv"
# The CDP lines the check flags, each looked up by hand. Refused: points in another country or put right by a
# fix (swapped, a sign lost), all really wrong. Warned: points in no country's shape with no fix: Walvis Bay,
# 198 km out at sea (wrong), and San Andrés, right, on an island the 1:50m shapes leave out.
REFUSED = {54, 60, 86, 246, 265, 294, 315, 337, 440, 445, 519, 531, 544, 569, 621, 645, 663, 684, 703, 715, 723,
           732, 753, 797, 809}
WARNED = {498, 658}


def check_points(rows: list[tuple[int, str, str, str]]) -> list:
    """Run the point check over (line, country_iso3, latitude, longitude) rows as a raw cities table."""
    con = duckdb.connect()
    con.execute("create temp table raw_cities (_line integer, country_iso3 varchar, latitude varchar, "
                "longitude varchar)")
    con.executemany("insert into raw_cities values (?, ?, ?, ?)", rows)
    log = ProblemLog(per_kind=1000)
    loaded = LoadedSource(Source("cities", Path("cities.csv"), "csv"), ["country_iso3", "latitude", "longitude"],
                          len(rows), "")
    places.points_in_countries(con, loaded, log)
    return log.problems


def test_real_city_list_points_outside_their_country_are_flagged() -> None:
    with CDP.open(encoding="utf-8", newline="") as handle:
        rows = [(int(r["source_line"]), r["country_iso3"], r["latitude"], r["longitude"])
                for r in csv.DictReader(handle)]
    assert len(rows) == 537

    problems = check_points(rows)

    assert {p.line for p in problems if p.severity == "error"} == REFUSED
    assert {p.line for p in problems if p.severity == "warning"} == WARNED
    by_line = {p.line: p.message for p in problems}
    assert by_line[621].endswith("latitude and longitude look swapped: (9.9326, -84.0796) is in CRI")  # San José
    assert by_line[60].endswith("the sign of the longitude looks wrong: (37.4522, -122.163) is in USA")  # Alameda
    assert "signs of the latitude and longitude look wrong" in by_line[265]  # Porto Alegre at (30, 51)
    assert "in BIH" in by_line[569]  # Tuzla, Türkiye, placed at Tuzla, Bosnia


@pytest.mark.parametrize(("lat", "lon", "iso3"), [
    ("-4.0435", "39.6682", "KEN"),  # Mombasa, on its island
    ("43.7384", "7.4246", "MCO"),  # Monaco
    ("1.2897", "103.8501", "SGP"),  # Singapore
    ("4.9224", "-52.3135", "GUF"),  # Cayenne, drawn inside France's shape
    ("44.9521", "34.1024", "UKR"),  # Simferopol, Crimea
    ("27.1536", "-13.2033", "ESH"),  # Laayoune, Western Sahara
    ("42.6629", "21.1655", "XKX"),  # Pristina
    ("21.3069", "-157.8583", "USA"),  # Honolulu
])
def test_right_points_pass_including_islands_enclaves_and_disputed_places(lat: str, lon: str, iso3: str) -> None:
    assert check_points([(2, iso3, lat, lon)]) == []


def test_swapped_coordinates_say_so() -> None:
    [problem] = check_points([(5, "KEN", "39.6682", "-4.0435")])

    assert problem.column == "latitude"
    assert problem.message == ("the point (39.6682, -4.0435) lies 5,485 km outside KEN, in ESP; latitude and "
                               "longitude look swapped: (-4.0435, 39.6682) is in KEN")


def test_a_country_without_a_boundary_is_not_checked() -> None:
    assert check_points([(2, "TUV", "0", "0")]) == []  # Tuvalu is not in the 1:50m shapes


def test_region_check_allows_the_documented_exceptions() -> None:
    con = duckdb.connect()
    con.execute("create table ref_countries as select * from (values ('TUR', 'Europe'), ('JOR', 'MENA')) "
                "t(iso3, region)")
    con.execute("create temp table raw_cities as select * from (values (2, 'TUR', 'MENA'), (3, 'TUR', 'Europe'), "
                "(4, 'JOR', 'Europe'), (5, 'JOR', 'mena')) t(_line, country_iso3, region)")
    loaded = LoadedSource(Source("cities", Path("cities.csv"), "csv"), ["country_iso3", "region"], 4, "")
    log = ProblemLog()

    places.run_checks(con, loaded, [places.region_check()], log)

    assert [str(p) for p in log.problems] == [
        "cities.csv:4:region: 'Europe' is not the hub of the city's country, which is in MENA "
        "(data/reference/countries.csv); check the region or the country code"]

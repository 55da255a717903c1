"""The build's data tests (data_pipeline/datatests.py and sql/tests/) pass on a good build and name the broken
rule when a built table is damaged: each damage below is a bug a model could have."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from data_pipeline.datatests import run_data_tests


@pytest.fixture
def built(sample_db: Path, tmp_path: Path) -> duckdb.DuckDBPyConnection:
    """A writable copy of the sample build."""
    copy = tmp_path / "scn.duckdb"
    shutil.copy(sample_db, copy)
    con = duckdb.connect(str(copy))
    yield con
    con.close()


def failed(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {name for name, _count, _rows in run_data_tests(con)}


def test_a_good_build_passes_every_data_test(built):
    assert failed(built) == set()


def test_an_attendance_counted_twice_is_caught(built):
    built.execute("insert into fct_attendance select * from fct_attendance limit 1")
    assert {"assert_attendance_by_event_adds_up", "assert_event_attendance_adds_up"} <= failed(built)


def test_attendance_lost_from_the_per_event_sums_is_caught(built):
    built.execute("delete from attendance_by_event where event_id = (select min(event_id) from attendance_by_event)")
    assert "assert_attendance_by_event_adds_up" in failed(built)


def test_learning_sums_that_drift_from_the_attendance_rows_are_caught(built):
    built.execute("update attendance_by_event set gain_sum = gain_sum + 5 "
                  "where event_id = (select min(event_id) from attendance_by_event where gain_sum is not null)")
    assert failed(built) == {"assert_attendance_by_event_adds_up"}


def test_a_place_split_in_two_rows_is_caught(built):
    built.execute("insert into attendance_by_event select * from attendance_by_event limit 1")
    assert "unique attendance_by_event(event_id, region, country_iso3, confidential)" in failed(built)


def test_an_unknown_confidential_flag_is_caught(built):
    built.execute("update attendance_by_event set confidential = null "
                  "where event_id = (select min(event_id) from attendance_by_event)")
    assert "not_null attendance_by_event.confidential" in failed(built)

"""The build publishes atomically: readers keep the old file, failures and rivals never touch it."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from data_pipeline.build import BuildBusy, _exclusive, build, report_path_for
from data_pipeline.store import open_read_only
from tests.paths import GOOD, ROOT


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def source(tmp_path: Path) -> Path:
    copy = tmp_path / "src"
    shutil.copytree(GOOD, copy)
    return copy


def _set_first_event_hours(source: Path, hours: str) -> None:
    lines = (source / "events.csv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    cells = lines[1].split(",")
    cells[header.index("hours")] = hours
    lines[1] = ",".join(cells)
    (source / "events.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_rebuild_swaps_file_while_open_reader_keeps_old_data(source: Path, tmp_path: Path) -> None:
    db = tmp_path / "scn.duckdb"
    assert build(source, db).ok
    reader = open_read_only(db)
    first_event, old_hours = reader.execute("select event_id, hours from fct_events order by event_id").fetchall()[0]

    _set_first_event_hours(source, "99")
    assert build(source, db).ok

    # the open connection still reads the file it opened; a new one sees the new build
    hours = "select hours from fct_events where event_id = ?"
    assert reader.execute(hours, [first_event]).fetchall()[0][0] == old_hours
    fresh = open_read_only(db)
    assert fresh.execute(hours, [first_event]).fetchall()[0][0] == 99
    reader.close()
    fresh.close()


def test_failed_build_leaves_database_identical_and_reports(source: Path, tmp_path: Path) -> None:
    db = tmp_path / "scn.duckdb"
    assert build(source, db).ok
    before = sha256(db)
    _set_first_event_hours(source, "a lot")

    result = build(source, db)

    assert not result.ok
    assert sha256(db) == before
    assert any("'a lot' is not a number" in str(p) for p in result.errors)
    report = report_path_for(db).read_text(encoding="utf-8")
    assert '"published": false' in report and "a lot" in report
    assert not list(tmp_path.glob(".scn.duckdb.building-*")), "the partial build must be cleaned up"


def test_second_build_of_same_database_is_refused_while_one_runs(tmp_path: Path, source: Path) -> None:
    db = tmp_path / "scn.duckdb"
    with _exclusive(db), pytest.raises(BuildBusy):
        build(source, db)


def test_killed_build_leaves_old_database_and_next_build_cleans_up(tmp_path: Path, source: Path) -> None:
    db = tmp_path / "scn.duckdb"
    assert build(source, db).ok
    before = sha256(db)
    # Kill a real build process as soon as its partial file appears.
    process = subprocess.Popen(
        [sys.executable, "-m", "data_pipeline", "build", "--source", str(source), "--db", str(db), "--quiet"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while not list(tmp_path.glob(".scn.duckdb.building-*")) and process.poll() is None:
        assert time.monotonic() < deadline
        time.sleep(0.005)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()

    assert sha256(db) == before
    assert open_read_only(db).execute("select count(*) from fct_events").fetchall()[0][0] > 0
    assert build(source, db).ok
    assert not list(tmp_path.glob(".scn.duckdb.building-*"))

"""A build that would remove data publishes only when confirmed, on the command line as in the browser; what an
upload changes is counted per table; the data's "as of" date is not moved by planned events."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from data_pipeline.build import build
from data_pipeline.changes import TableDiff, diff_tables
from tests.paths import BAD, GOOD, ROOT

TODAY = dt.date(2026, 11, 1)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def write(path: Path, data: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(data)


def case_source(case: str, dest: Path) -> Path:
    shutil.copytree(GOOD, dest)
    for path in (BAD / case).glob("*.csv"):
        shutil.copyfile(path, dest / path.name)
    return dest


@pytest.fixture
def served(tmp_path: Path) -> Path:
    db = tmp_path / "served" / "scn.duckdb"
    assert build(GOOD, db, today=TODAY).ok
    return db


def cli(source: Path, db: Path, *extra: str, env: dict | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "data_pipeline", "build", "--source", str(source), "--db", str(db),
         "--today", TODAY.isoformat(), *extra],
        cwd=ROOT, capture_output=True, text=True, timeout=300, env={**os.environ, **(env or {})})


@pytest.mark.parametrize(("case", "line"), [
    ("attendance_header_only", "attendance.csv:-:-: 0 rows would replace the 20 published (100% fewer, more than "
                               "the 20% a build may drop unconfirmed)"),
    ("attendance_month_gone", "attendance.csv:-:start_date: no rows any more in 2019-03 (5 in the published data)"),
])
def test_cli_publishes_a_shrinking_build_only_with_confirm_shrink(case: str, line: str, served: Path,
                                                                 tmp_path: Path) -> None:
    source = case_source(case, tmp_path / "src")
    before = sha256(served)

    refused = cli(source, served)

    assert refused.returncode == 1, refused.stdout + refused.stderr
    assert f"{line}; confirm it to publish (`build --confirm-shrink`, or the confirmation on the upload page)" \
        in refused.stdout.splitlines()
    assert "--confirm-shrink publishes them" in refused.stderr
    assert sha256(served) == before

    confirmed = cli(source, served, "--confirm-shrink")

    assert confirmed.returncode == 0, confirmed.stdout + confirmed.stderr
    assert f"{line.replace(': ', ': warning: ', 1)}; published as confirmed" in confirmed.stdout.splitlines()
    assert sha256(served) != before


def test_the_share_a_build_may_drop_is_a_setting(served: Path, tmp_path: Path) -> None:
    source = case_source("disbursements_one_row", tmp_path / "src")  # 7 payments become 1: 86% fewer

    assert cli(source, served).returncode == 1
    assert cli(source, served, env={"SCN_CONFIRM_SHRINK_OVER": "0.9"}).returncode == 0


def test_a_first_build_has_nothing_to_compare_with(tmp_path: Path) -> None:
    source = case_source("disbursements_one_row", tmp_path / "src")

    result = build(source, tmp_path / "new" / "scn.duckdb", today=TODAY)

    assert result.ok, [str(p) for p in result.problems]
    assert result.changes["disbursements"] == (None, 1)


def test_as_of_is_the_latest_activity_up_to_today_not_a_planned_event(tmp_path: Path) -> None:
    source = tmp_path / "src"
    shutil.copytree(GOOD, source)
    events = rows(source / "events.csv")
    events[5][3:5] = ["2027-03-01", "2027-03-02"]  # EV-0005 planned, its two attendances registered, not completed
    write(source / "events.csv", events)
    attendance = rows(source / "attendance.csv")
    for row in attendance[1:]:
        if row[0] == "EV-0005":
            row[2] = "false"
    write(source / "attendance.csv", attendance)

    result = build(source, tmp_path / "scn.duckdb", today=TODAY)

    assert result.ok, [str(p) for p in result.problems]
    assert result.as_of == dt.date(2024, 9, 2)  # the last payment; not today, as a planned event once made it


def test_diff_counts_rows_added_removed_and_changed_by_key_or_whole_row(tmp_path: Path) -> None:
    new = tmp_path / "new"
    shutil.copytree(GOOD, new)
    grants = rows(GOOD / "grants.csv")
    grants[2][7] = "125000"  # G-002's amount changes
    grants[1][8] = "gbp"  # G-001 written in lower case: the same value
    grants = [*grants[:3], ["G-004", *grants[3][1:]]]  # G-003 goes, G-004 comes
    write(new / "grants.csv", grants)
    payments = rows(GOOD / "disbursements.csv")
    payments[1][2] = "25000.0"  # the same number
    payments[3][2] = "61000"  # one payment changes: no key, so one row removed and one added
    write(new / "disbursements.csv", payments)

    diffs = diff_tables(GOOD, new, ["grants", "disbursements", "cities"])

    assert diffs == [TableDiff("grants", 3, 3, added=1, removed=1, changed=1),
                     TableDiff("disbursements", 7, 7, added=1, removed=1, changed=None),
                     TableDiff("cities", 6, 6, added=0, removed=0, changed=0)]

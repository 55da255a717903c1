"""The pipeline refuses broken source files with a line the person fixing them can act on, and never breaks the
database that is serving.

`tests/fixtures/good/` is a small valid source set. Each `tests/fixtures/bad/<case>/` holds only what differs
from it: replacement files (real malformed bytes), `remove.txt` (files of good/ to delete), `expected.txt` (lines
the build must print) and optionally `absent.txt` (lines it must not print). A case is built over a database
already built from good/, which must come out byte-identical. Each `tests/fixtures/good/<case>/` is laid out the
same way but must load: a valid file as real tools write it (a semicolon file with decimal commas, UTF-16 text, a
workbook with a hidden sheet), with `values.txt` (`SQL => value` the published database must answer) and the
warning lines it must print in `expected.txt`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest

from data_pipeline.build import build
from tests.paths import FIXTURES, ROOT

GOOD = FIXTURES / "good"
BAD_CASES = sorted(path for path in (FIXTURES / "bad").iterdir() if path.is_dir())
GOOD_CASES = sorted(path for path in GOOD.iterdir() if path.is_dir())
WARNING_CASES = sorted(path for path in (FIXTURES / "warnings").iterdir() if path.is_dir())
CASE_FILES = {"expected.txt", "remove.txt", "absent.txt", "values.txt"}
# Late enough for every date in good/, early enough that the future-date cases are in the future.
TODAY = dt.date(2026, 11, 1)


def lines_of(path: Path) -> list[str]:
    if not path.exists():
        return []
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def apply_case(case: Path, dest: Path) -> Path:
    """Copy good/ to `dest`, then delete the files the case removes and overwrite those it replaces."""
    shutil.copytree(GOOD, dest, ignore=lambda folder, names: [n for n in names if (Path(folder) / n).is_dir()])
    for name in lines_of(case / "remove.txt"):
        (dest / name).unlink()
    for path in case.iterdir():
        if path.name not in CASE_FILES:
            shutil.copyfile(path, dest / path.name)
    return dest


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def tables_in(db: Path) -> set[str]:
    """Table names of `db`, read the way the dashboard reads it: a read-only connection."""
    with duckdb.connect(str(db), read_only=True) as con:
        return {row[0] for row in con.execute(
            "select table_name from information_schema.tables where table_schema = 'main'").fetchall()}


def leftovers(db: Path) -> list[str]:
    """Half-written databases or WAL files a build left beside `db`."""
    return sorted(p.name for p in db.parent.iterdir()
                  if p.name.startswith(f".{db.name}.building") or p.name == f"{db.name}.wal")


def run_cli(source: Path, db: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "data_pipeline", "build", "--source", str(source), "--db", str(db),
         "--today", TODAY.isoformat()],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )


@pytest.fixture(scope="session")
def good_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database built once from good/; tests copy it rather than rebuild it."""
    db = tmp_path_factory.mktemp("good") / "scn.duckdb"
    result = build(GOOD, db, today=TODAY)
    assert result.ok, "good/ does not build:\n" + "\n".join(str(p) for p in result.problems)
    return db


@pytest.fixture
def serving_db(good_db: Path, tmp_path: Path) -> Path:
    """A private copy of the good database, standing in for the one a dashboard is serving."""
    db = tmp_path / "db" / "scn.duckdb"
    db.parent.mkdir()
    shutil.copyfile(good_db, db)
    return db


def test_good_sources_build_without_problems(good_db: Path, tmp_path: Path) -> None:
    result = build(GOOD, tmp_path / "scn.duckdb", today=TODAY)

    assert result.ok
    assert [str(p) for p in result.problems] == []
    assert tables_in(tmp_path / "scn.duckdb")
    assert leftovers(tmp_path / "scn.duckdb") == []


def test_every_bad_case_is_well_formed() -> None:
    assert len(BAD_CASES) >= 30
    for case in BAD_CASES:
        assert lines_of(case / "expected.txt"), f"{case.name} has no expected.txt lines"
        for name in lines_of(case / "remove.txt"):
            assert (GOOD / name).exists(), f"{case.name}/remove.txt names {name}, which good/ lacks"
        assert {p.name for p in case.iterdir()} - CASE_FILES or (case / "remove.txt").exists(), \
            f"{case.name} changes nothing"


@pytest.mark.parametrize("case", BAD_CASES, ids=[c.name for c in BAD_CASES])
def test_pipeline_rejects_bad_source_and_keeps_serving_db(case: Path, serving_db: Path, tmp_path: Path) -> None:
    source = apply_case(case, tmp_path / "src")
    before = sha256(serving_db)
    tables_before = tables_in(serving_db)

    result = build(source, serving_db, today=TODAY)

    printed = [str(p) for p in result.problems]
    report = "\n".join(printed) or "(no problems)"
    assert not result.ok, f"{case.name} was published; problems:\n{report}"
    for line in lines_of(case / "expected.txt"):
        assert line in printed, f"missing line:\n  {line}\nbuild printed:\n{textwrap.indent(report, '  ')}"
    for line in lines_of(case / "absent.txt"):
        assert line not in printed, f"unexpected line:\n  {line}"
    assert sha256(serving_db) == before, "a refused build changed the serving database"
    assert tables_in(serving_db) == tables_before
    assert leftovers(serving_db) == []


def test_every_good_case_is_well_formed() -> None:
    assert len(GOOD_CASES) >= 15
    for case in GOOD_CASES:
        assert lines_of(case / "values.txt"), f"{case.name} checks no value"
        assert all(" => " in line for line in lines_of(case / "values.txt")), case.name


@pytest.mark.parametrize("case", GOOD_CASES, ids=[c.name for c in GOOD_CASES])
def test_pipeline_loads_valid_file_as_real_tools_write_it(case: Path, tmp_path: Path) -> None:
    source = apply_case(case, tmp_path / "src")
    db = tmp_path / "scn.duckdb"

    result = build(source, db, today=TODAY)

    printed = [str(p) for p in result.problems]
    report = "\n".join(printed) or "(no problems)"
    assert result.ok, f"{case.name} was refused:\n{report}"
    assert sorted(printed) == sorted(lines_of(case / "expected.txt")), f"{case.name} printed:\n{report}"
    with duckdb.connect(str(db), read_only=True) as con:
        for line in lines_of(case / "values.txt"):
            sql, expected = line.rsplit(" => ", 1)
            assert str(con.execute(sql).fetchall()[0][0]) == expected, line


def test_a_fact_that_loses_rows_the_checks_cannot_name_still_stops_the_publish(
        serving_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Attendance's references and key are proven by fct_attendance, and checked on the text only when that proof
    fails. Should the fact ever disagree with the file while every check passes, the build must still refuse."""
    import data_pipeline.validate as validate_module

    monkeypatch.setattr(validate_module, "proven_by_fact", lambda con, loaded: False)
    before = sha256(serving_db)

    result = build(GOOD, serving_db, today=TODAY)

    assert not result.ok
    assert [str(p) for p in result.errors] == [
        "attendance.csv:-:-: fct_attendance does not have exactly one row per record of this file with a unique key"]
    assert sha256(serving_db) == before


def test_cli_exits_1_and_prints_problem_lines(serving_db: Path, tmp_path: Path) -> None:
    for name in ("grant_amount_in_words", "xlsx_grants_text_in_number_and_date"):
        case = FIXTURES / "bad" / name
        before = sha256(serving_db)

        run = run_cli(apply_case(case, tmp_path / name), serving_db)

        assert run.returncode == 1, run.stdout + run.stderr
        printed = run.stdout.splitlines()
        for line in lines_of(case / "expected.txt"):
            assert line in printed, f"{line!r} not on stdout:\n{run.stdout}"
        assert sha256(serving_db) == before


def test_cli_exits_0_for_good_sources(tmp_path: Path) -> None:
    db = tmp_path / "scn.duckdb"

    run = run_cli(GOOD, db)

    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.strip() == ""
    assert tables_in(db)


@pytest.mark.parametrize("case", WARNING_CASES, ids=[c.name for c in WARNING_CASES])
def test_warnings_alone_exit_0_and_publish(case: Path, tmp_path: Path) -> None:
    source = apply_case(case, tmp_path / "src")
    db = tmp_path / "scn.duckdb"

    run = run_cli(source, db)

    assert run.returncode == 0, run.stdout + run.stderr
    printed = run.stdout.splitlines()
    assert lines_of(case / "expected.txt"), f"{case.name} has no expected.txt lines"
    for line in lines_of(case / "expected.txt"):
        assert line in printed, f"{line!r} not on stdout:\n{run.stdout}"
    assert all(": warning: " in line for line in printed), run.stdout
    assert tables_in(db), "a build with warnings only must publish"


def test_failed_publish_leaves_serving_db_identical(serving_db: Path, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    before = sha256(serving_db)
    real_replace = os.replace

    def failing_replace(src, dst, *args, **kwargs):
        if Path(dst) == serving_db:
            raise OSError("disk full (simulated) while publishing")
        return real_replace(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", failing_replace)

    with pytest.raises(OSError, match="simulated"):
        build(GOOD, serving_db, today=TODAY)

    assert sha256(serving_db) == before
    assert tables_in(serving_db)
    assert leftovers(serving_db) == []


KILL_AT_PUBLISH = """
import datetime as dt, os, signal, sys
from pathlib import Path
from data_pipeline.build import build

db = Path(sys.argv[2]).resolve()
real_replace = os.replace

def die_instead_of_publishing(src, dst, *args, **kwargs):
    # SIGKILL: no finally blocks, no atexit, exactly what the OOM killer or a power cut leaves behind.
    if Path(dst).resolve() == db:
        os.kill(os.getpid(), signal.SIGKILL)
    return real_replace(src, dst, *args, **kwargs)

os.replace = die_instead_of_publishing
build(Path(sys.argv[1]), db, today=dt.date.fromisoformat(sys.argv[3]))
"""


def test_killed_build_leaves_serving_db_identical_and_next_build_recovers(serving_db: Path,
                                                                          tmp_path: Path) -> None:
    before = sha256(serving_db)

    killed = subprocess.run(
        [sys.executable, "-c", KILL_AT_PUBLISH, str(GOOD), str(serving_db), TODAY.isoformat()],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )

    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert sha256(serving_db) == before
    assert tables_in(serving_db)

    result = build(GOOD, serving_db, today=TODAY)

    assert result.ok, "\n".join(str(p) for p in result.problems)
    assert sha256(serving_db) != before
    assert leftovers(serving_db) == [], "the killed build's half-written file was not cleaned up"


"""Donor files in: IATI (1.0x-2.03) and 360Giving (JSON, CSV) mapped into the contract, merged into a copy of the
source set and built; every value that cannot be mapped is told at its place in the file, and nothing is
published when anything is refused. Round trip: the demo exported and imported back is the same portfolio."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from data_pipeline import bounds
from data_pipeline.build import build
from data_pipeline.standards.giving360_export import to_360giving, to_flat_csv, to_json
from data_pipeline.standards.iati_export import to_iati
from data_pipeline.standards.iati_import import read_iati
from data_pipeline.standards.importing import Base
from data_pipeline.standards.portfolio import from_database
from data_pipeline.standards.publish import import_file
from tests.paths import FIXTURES, ROOT

SAMPLE = ROOT / "data" / "sample"
STANDARDS = FIXTURES / "standards"
GOOD = FIXTURES / "good"
CASES = sorted(p for p in (STANDARDS / "imports").iterdir() if p.is_dir())
REAL = sorted(p for p in (STANDARDS / "real").iterdir() if p.suffix in (".xml", ".json"))
TODAY = dt.date(2026, 11, 1)


def standard_of(path: Path) -> str:
    return "iati" if path.suffix == ".xml" else "360giving"


def the_file(case: Path) -> Path:
    return next(p for p in case.iterdir() if p.name != "expected.txt")


def portfolio_of(db: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    with duckdb.connect(str(db), read_only=True) as con:
        grants = con.execute("select * from grant_portfolio order by grant_id").df()
        achievement = con.execute("select * from indicator_achievement order by indicator_id, period_end").df()
        rules = con.execute("select * from stg_indicators order by indicator_id").df()
    return grants, achievement, rules


def summary(grants: pd.DataFrame) -> dict:
    return {"awarded_usd": round(grants["awarded_usd"].sum(), 2),
            "disbursed_usd": round(grants["disbursed_usd"].sum(), 2),
            "by_status": grants.groupby("status").size().to_dict()}


# --- round trip ----------------------------------------------------------------------------------------------------

def test_demo_through_iati_and_back_is_the_same_portfolio_and_achievement(sample_db: Path, tmp_path: Path):
    exported = tmp_path / "scn.xml"
    exported.write_bytes(to_iati(from_database(sample_db)))
    result = import_file(exported, "iati", source=SAMPLE, out=tmp_path / "src", db=tmp_path / "back.duckdb")
    assert result.published, [str(p) for p in result.errors[:10]]
    assert result.counts["grants"] == 300 and result.counts["indicators"] > 600
    before, after = portfolio_of(sample_db), portfolio_of(tmp_path / "back.duckdb")
    assert summary(after[0]) == summary(before[0])
    pd.testing.assert_frame_equal(after[0], before[0])  # confidential grants keep their city and title too
    pd.testing.assert_frame_equal(after[1], before[1])
    # each indicator's rules (direction, range, unit, how values add up) come back, not IATI's defaults
    assert set(before[2]["direction"]) == {"higher", "lower", "range"}
    pd.testing.assert_frame_equal(after[2], before[2])


@pytest.mark.parametrize("form", ["json", "csv"])
def test_demo_through_360giving_and_back_is_the_same_grant_portfolio(sample_db: Path, tmp_path: Path, form: str):
    package = to_360giving(from_database(sample_db))
    exported = tmp_path / f"scn.{form}"
    exported.write_bytes(to_json(package) if form == "json" else to_flat_csv(package))
    result = import_file(exported, "360giving", source=SAMPLE, out=tmp_path / "src", db=tmp_path / "back.duckdb")
    assert result.published, [str(p) for p in result.errors[:10]]
    before, after = portfolio_of(sample_db), portfolio_of(tmp_path / "back.duckdb")
    assert summary(after[0]) == summary(before[0])
    pd.testing.assert_frame_equal(after[0], before[0])
    pd.testing.assert_frame_equal(after[1], before[1])  # 360Giving has no results: the indicators stay


def test_a_changed_amount_comes_through_the_round_trip(sample_db: Path, tmp_path: Path):
    """The round trip compares something that can differ: a grant's amount changed in the file changes it."""
    portfolio = from_database(sample_db)
    grants = portfolio.grants.copy()
    grants.loc[grants["grant_id"] == "G-2016-001", "amount_awarded"] = 1_000_000
    changed = type(portfolio)(grants, portfolio.disbursements, portfolio.indicators, portfolio.indicator_values,
                              portfolio.as_of)
    exported = tmp_path / "scn.xml"
    exported.write_bytes(to_iati(changed))
    assert import_file(exported, "iati", source=SAMPLE, out=tmp_path / "src", db=tmp_path / "back.duckdb").published
    after = portfolio_of(tmp_path / "back.duckdb")[0].set_index("grant_id")
    assert after.loc["G-2016-001", "amount_awarded"] == 1_000_000
    assert summary(after.reset_index()) != summary(portfolio_of(sample_db)[0])


# --- cases: one fault each, or an older syntax -------------------------------------------------------------------

@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_import_case_prints_its_lines_and_publishes_only_when_clean(case: Path, tmp_path: Path):
    expected = (case / "expected.txt").read_text(encoding="utf-8").splitlines()
    outcome, lines = expected[0].removeprefix("outcome: "), expected[1:]
    db = tmp_path / "scn.duckdb"
    assert build(GOOD, db, today=TODAY).ok
    served = hashlib.sha256(db.read_bytes()).hexdigest()
    file = the_file(case)
    result = import_file(file, standard_of(file), source=GOOD, out=tmp_path / "src", db=db, today=TODAY)
    printed = [str(p) for p in result.problems]
    for line in lines:
        assert line in printed, "\n".join(printed)
    if outcome == "loads":
        assert result.published and not result.errors
    else:
        assert not result.published and result.errors
        assert hashlib.sha256(db.read_bytes()).hexdigest() == served


def test_a_1_0x_file_imports_the_same_grant_as_its_2_03_form():
    base = Base(GOOD)
    old = read_iati((STANDARDS / "imports" / "iati_v1_syntax" / "activity.xml").read_bytes(), name="v1", base=base)
    new = read_iati((STANDARDS / "valid" / "activity.xml").read_bytes(), name="v2", base=Base(GOOD))
    for table in ("grants", "disbursements", "indicators", "indicator_values"):
        assert [row for row, _ in old.rows[table]] == [row for row, _ in new.rows[table]]
    grant = old.rows["grants"][0][0]
    assert grant["city_id"] == "SCN-0004" and grant["donor_id"] == "D-001"
    assert (grant["status"], grant["amount_awarded"], grant["currency"]) == ("active", "50000", "GBP")


def test_an_external_entity_is_never_read(tmp_path: Path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE", encoding="utf-8")
    activity = (STANDARDS / "valid" / "activity.xml").read_text(encoding="utf-8").replace(
        '<?xml version="1.0" encoding="UTF-8"?>\n',
        f'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE a [<!ENTITY s SYSTEM "file://{secret}">]>\n').replace(
        "Youth resilience in Mombasa</narrative>", "&s;</narrative>", 1)
    file = tmp_path / "xxe.xml"
    file.write_text(activity, encoding="utf-8")
    result = import_file(file, "iati", source=GOOD, out=tmp_path / "src", db=None, today=TODAY)
    assert result.errors and result.out is None
    assert "TOP-SECRET-VALUE" not in "\n".join(str(p) for p in result.problems)


def test_an_import_keeps_within_the_bounds_it_is_given(tmp_path: Path):
    activity = (STANDARDS / "valid" / "activity.xml").read_text(encoding="utf-8").replace(
        ">50000</value>", ">2000000000</value>", 1)  # a commitment of 2 billion GBP: over the shipped ceiling
    file = tmp_path / "big.xml"
    file.write_text(activity, encoding="utf-8")
    raised = tmp_path / "bounds.toml"
    raised.write_text("[grants.amount_awarded]\nmax_usd = 1e10\n", encoding="utf-8")

    shipped = import_file(file, "iati", source=GOOD, out=tmp_path / "a", db=None, today=TODAY)
    allowed = import_file(file, "iati", source=GOOD, out=tmp_path / "b", db=None, today=TODAY,
                          bounds=bounds.read(raised))

    assert any("more than the plausible maximum of 1,000,000,000 USD" in str(p) for p in shipped.errors)
    assert not allowed.errors, [str(p) for p in allowed.errors]


# --- real files ----------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def history_base(tmp_path_factory) -> Path:
    """tests/fixtures/good with exchange rates back to 1995 (tests/fixtures/standards/fx_rates_history.csv): what
    a data manager adds before loading a funder's older grants."""
    base = tmp_path_factory.mktemp("base") / "src"
    shutil.copytree(GOOD, base)
    history = (STANDARDS / "fx_rates_history.csv").read_text(encoding="utf-8").splitlines(keepends=True)[1:]
    with (base / "fx_rates.csv").open("a", encoding="utf-8") as handle:
        handle.writelines(history)
    return base


@pytest.mark.parametrize("real", REAL, ids=lambda p: p.name)
def test_real_file_loads_or_is_refused_at_its_faults(real: Path, history_base: Path, tmp_path: Path):
    expected = (STANDARDS / "real" / "expected" / f"{real.name}.txt").read_text(encoding="utf-8").splitlines()
    outcome = expected[0].removeprefix("outcome: ")
    options = expected[1].removeprefix("options:").split()
    chosen = dict(zip([o.lstrip("-") for o in options[::2]], options[1::2], strict=True))
    result = import_file(real, standard_of(real), source=history_base, out=tmp_path / "src", db=None, today=TODAY,
                         months=int(chosen["months"]) if "months" in chosen else None, region=chosen.get("region"))
    printed = [str(p) for p in result.problems]
    for line in expected[2:]:
        assert line in printed
    if outcome == "loads":
        assert result.build is not None and result.build.ok and not result.errors
        assert result.counts["grants"] > 50
    else:
        assert result.errors and result.build is None  # refused before anything was written or built
        for problem in result.errors:  # each at its place: the file, and an element path or a line
            assert problem.file == real.name
            assert problem.column.startswith("iati-activity") or problem.column.startswith("grants[") \
                or problem.message.startswith("... and")


def test_real_360giving_dates_are_read_as_their_publishers_wrote_them(history_base: Path):
    from data_pipeline.standards.giving360_import import read_360giving

    base = Base(history_base, months=12, region="Europe")
    indigo = read_360giving((STANDARDS / "real" / "indigo.json").read_bytes(), name="indigo.json", base=base)
    first = indigo.rows["grants"][0][0]
    assert (first["award_date"], first["start_date"], first["end_date"]) == ("2001-03-26", "2001-03-26", "2002-03-25")
    nominet = read_360giving((STANDARDS / "real" / "nominet.json").read_bytes(), name="nominet.json", base=base)
    dates = {row["grant_id"]: (row["award_date"], row["start_date"], row["end_date"])
             for row, _ in nominet.rows["grants"]}
    assert dates["360G-nominettrust-10"][0] == "2013-08-01"  # "08/2013": its first day
    assert any(p.message.startswith("'08/2013' is a month") for p in nominet.problems)


# --- command line --------------------------------------------------------------------------------------------------

def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "data_pipeline", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)


def test_command_line_exports_checks_and_imports(sample_db: Path, tmp_path: Path):
    out = tmp_path / "don-04.xml"
    done = run("export", "iati", "--out", str(out), "--db", str(sample_db), "--donor", "DON-04")
    assert done.returncode == 0, done.stderr
    assert run("check", "iati", str(out)).returncode == 0
    flat = tmp_path / "all.csv"
    assert run("export", "360giving", "--out", str(flat), "--db", str(sample_db)).returncode == 0
    assert run("check", "360giving", str(flat)).returncode == 0
    db = tmp_path / "scn.duckdb"
    done = run("import", "iati", str(out), "--source", str(SAMPLE), "--out", str(tmp_path / "src"), "--db", str(db))
    assert done.returncode == 0, done.stdout + done.stderr
    assert db.exists()


def test_command_line_refuses_and_prints_the_place_of_each_fault(tmp_path: Path):
    db = tmp_path / "scn.duckdb"
    assert build(GOOD, db, today=TODAY).ok
    served = hashlib.sha256(db.read_bytes()).hexdigest()
    case = STANDARDS / "imports" / "iati_target_not_a_number"
    done = run("import", "iati", str(case / "activity.xml"), "--source", str(GOOD), "--out", str(tmp_path / "src"),
               "--db", str(db), "--today", TODAY.isoformat())
    assert done.returncode == 1
    assert (case / "expected.txt").read_text(encoding="utf-8").splitlines()[1] in done.stdout.splitlines()
    assert hashlib.sha256(db.read_bytes()).hexdigest() == served
    assert run("export", "iati", "--out", str(tmp_path / "x.xml"), "--db", str(db), "--donor", "NOPE").returncode == 2

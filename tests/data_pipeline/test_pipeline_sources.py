"""Source files load however real spreadsheets arrive: encodings, separators, workbooks, Parquet."""

from __future__ import annotations

import csv
import datetime as dt
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import pytest

from data_pipeline.build import build
from data_pipeline.contract import TABLES
from data_pipeline.contract_doc import render
from data_pipeline.load.sniff import pick_encoding
from data_pipeline.problems import Problem
from data_pipeline.validate import is_personal_column
from tests.paths import GOOD, ROOT

TODAY = dt.date(2026, 11, 1)


@pytest.fixture
def source(tmp_path: Path) -> Path:
    copy = tmp_path / "src"
    shutil.copytree(GOOD, copy)
    return copy


def city_names(db: Path) -> set[str]:
    with duckdb.connect(str(db), read_only=True) as con:
        return {row[0] for row in con.execute("select city_name from city_engagement").fetchall()}


def test_contract_doc_is_current() -> None:
    assert (ROOT / "docs" / "data-contract.md").read_text(encoding="utf-8") == render(), (
        "docs/data-contract.md is stale: run `make contract`"
    )


def test_cp1252_semicolon_csv_keeps_accents(source: Path, tmp_path: Path) -> None:
    text = (source / "cities.csv").read_text(encoding="utf-8")
    rows = list(csv.reader(text.splitlines()))
    with (source / "cities.csv").open("w", encoding="cp1252", newline="") as handle:
        csv.writer(handle, delimiter=";").writerows(rows)

    result = build(source, tmp_path / "scn.duckdb", today=TODAY)

    assert result.ok, [str(p) for p in result.errors]
    assert {"Montréal", "Malmö"} <= city_names(tmp_path / "scn.duckdb")


def test_bom_and_messy_header_names_are_understood(source: Path, tmp_path: Path) -> None:
    lines = (source / "donors.csv").read_text(encoding="utf-8").splitlines()
    lines[0] = " Donor ID,Donor-Name ,DONOR_TYPE"
    (source / "donors.csv").write_bytes(b"\xef\xbb\xbf" + ("\r\n".join(lines) + "\r\n").encode())

    result = build(source, tmp_path / "scn.duckdb", today=TODAY)

    assert result.ok, [str(p) for p in result.errors]


def _pad_cells(path: Path, pads: tuple[str, ...]) -> None:
    """Rewrite a CSV with every data cell wrapped in padding, as hand-edited sheets arrive (empty cells too)."""
    rows = list(csv.reader(path.read_text(encoding="utf-8").splitlines()))
    padded = [rows[0]] + [[pads[i % len(pads)] + cell + pads[(i + 1) % len(pads)] for i, cell in enumerate(row)]
                          for row in rows[1:]]
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(padded)


def test_values_padded_with_spaces_build_as_the_clean_files_do(source: Path, tmp_path: Path) -> None:
    """Spaces and no-break spaces around values (and cells holding only them) are not part of the value: every
    check, reference, key and cast reads the trimmed text, and a problem quotes it trimmed."""
    assert build(GOOD, tmp_path / "clean.duckdb", today=TODAY).ok
    for name in ("cities.csv", "events.csv", "participants.csv", "attendance.csv", "grants.csv"):
        _pad_cells(source / name, (" ", "\u00a0", "  "))

    result = build(source, tmp_path / "padded.duckdb", today=TODAY)

    assert result.ok, [str(p) for p in result.errors]
    for table in ("fct_attendance", "fct_events", "city_engagement", "grant_portfolio", "stg_participants"):
        sql = f"select * from {table} order by all"
        with duckdb.connect(str(tmp_path / "clean.duckdb"), read_only=True) as clean, \
                duckdb.connect(str(tmp_path / "padded.duckdb"), read_only=True) as padded:
            assert padded.execute(sql).fetchall() == clean.execute(sql).fetchall(), table

    lines = (source / "events.csv").read_text(encoding="utf-8").splitlines()
    header = next(csv.reader([lines[0]]))
    cells = next(csv.reader([lines[1]]))
    cells[header.index("hours")] = "  lots\u00a0"
    lines[1] = ",".join(cells)
    (source / "events.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    refused = build(source, tmp_path / "padded.duckdb", today=TODAY)
    assert "events.csv:2:hours: 'lots' is not a number" in [str(p) for p in refused.errors]


def test_one_workbook_with_a_sheet_per_table_builds_like_the_csvs(source: Path, tmp_path: Path) -> None:
    csv_db = tmp_path / "csv.duckdb"
    assert build(source, csv_db, today=TODAY).ok
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for table in TABLES:
        frame = pd.read_csv(source / f"{table.name}.csv", dtype=str, keep_default_na=False)
        sheet = workbook.create_sheet(table.name)
        sheet.append(list(frame.columns))
        for row in frame.itertuples(index=False):
            sheet.append(list(row))
        (source / f"{table.name}.csv").unlink()
    workbook.save(source / "scn_template.xlsx")
    xlsx_db = tmp_path / "xlsx.duckdb"

    result = build(source, xlsx_db, today=TODAY)

    assert result.ok, [str(p) for p in result.errors]
    query = "select * from {} order by all"
    for table in ("city_engagement", "grant_portfolio", "fct_attendance"):
        with duckdb.connect(str(csv_db), read_only=True) as a, duckdb.connect(str(xlsx_db), read_only=True) as b:
            assert a.execute(query.format(table)).fetchall() == b.execute(query.format(table)).fetchall()


def test_parquet_source_with_native_types_loads(source: Path, tmp_path: Path) -> None:
    frame = pd.read_csv(source / "events.csv", keep_default_na=False)
    frame["start_date"] = pd.to_datetime(frame["start_date"])
    frame["end_date"] = pd.to_datetime(frame["end_date"])
    frame.to_parquet(source / "events.parquet")
    (source / "events.csv").unlink()

    result = build(source, tmp_path / "scn.duckdb", today=TODAY)

    assert result.ok, [str(p) for p in result.errors]
    with duckdb.connect(str(tmp_path / "scn.duckdb"), read_only=True) as con:
        assert con.execute("select count(*) from fct_events").fetchall()[0][0] == len(frame)


def test_two_sources_for_one_table_is_an_error(source: Path, tmp_path: Path) -> None:
    pd.read_csv(source / "donors.csv").to_parquet(source / "donors.parquet")

    result = build(source, tmp_path / "scn.duckdb", today=TODAY)

    assert not result.ok
    assert any("more than one source for table donors" in str(p) for p in result.errors)


@pytest.mark.parametrize("name", ["email", "participant_name", "first_name", "phone_number", "home_address",
                                  "date_of_birth", "surname", "mobile"])
def test_personal_column_names_are_recognised(name: str) -> None:
    assert is_personal_column(name)


@pytest.mark.parametrize("name", ["city_name", "donor_name", "notes", "venue", "event_name", "hours"])
def test_organisation_and_ordinary_columns_are_not_personal(name: str) -> None:
    assert not is_personal_column(name)


def test_a_zip_given_as_the_source_folder_is_named_as_one(tmp_path: Path) -> None:
    archive = tmp_path / "sources.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for path in GOOD.glob("*.csv"):
            out.write(path, path.name)

    result = build(archive, tmp_path / "scn.duckdb", today=TODAY)

    assert not result.ok
    assert f"{archive}:-:-: is a zip archive, not a folder; unpack it (python -m zipfile -e sources.zip FOLDER) " \
           "and give the folder" in [str(p) for p in result.errors]


def test_a_workbook_is_opened_once_for_all_its_tables(source: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """A 12-sheet workbook was opened once per table and once more per sheet to list them (38-52 s to build)."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for table in TABLES:
        frame = pd.read_csv(source / f"{table.name}.csv", dtype=str, keep_default_na=False)
        sheet = workbook.create_sheet(table.name)
        sheet.append(list(frame.columns))
        for row in frame.itertuples(index=False):
            sheet.append(list(row))
        (source / f"{table.name}.csv").unlink()
    workbook.save(source / "scn.xlsx")
    from openpyxl.reader.excel import ExcelReader

    opened = []
    real = ExcelReader.__init__
    monkeypatch.setattr(ExcelReader, "__init__",
                        lambda self, fn, *a, **kw: opened.append(fn) or real(self, fn, *a, **kw))

    result = build(source, tmp_path / "scn.duckdb", today=TODAY)

    assert result.ok, [str(p) for p in result.problems]
    assert opened == [source / "scn.xlsx"]


BALKAN = ["Bihać", "Čapljina", "Đakovo", "Čačak", "Nikšić", "Pančevo", "Gdańsk", "Łódź", "Plzeň", "Přerov",
          "Brăila", "Općina Tuzla", "Ćuprija"]
WESTERN = ["Genève", "København", "São Paulo", "Tromsø", "Århus", "Liège", "Logroño", "A Coruña", "Næstved",
           "Ærø", "Sèvres", "Curaçao", "Aïn Témouchent"]


@pytest.mark.parametrize(("name", "encoding"), [(n, "cp1250") for n in BALKAN] + [(n, "cp1252") for n in WESTERN])
def test_a_windows_code_page_is_told_by_which_letters_fit(name: str, encoding: str) -> None:
    """One name is enough: Bihać read as cp1252 is Bihaæ, Genève read as cp1250 is Genčve."""
    assert pick_encoding([f"SCN-0001,{name},BIH".encode(encoding)]) == encoding


def test_problem_lines_never_print_control_characters_or_whole_megabytes() -> None:
    problem = Problem("ev\x1b]0;x\x07.csv", 3, "title", f"'\x1b[2J{'x' * 100_000}' is not one of: a, b")

    printed = str(problem)

    assert "\x1b" not in printed and "\x07" not in printed and "\\x1b[2J" in printed
    # counted as printed (`\\x1b` is four characters)
    assert len(printed) < 300 and printed.endswith("(100,007 characters) is not one of: a, b")


CTRL_C = """
import os, signal, sys
import data_pipeline.build as build_module
from data_pipeline.cli import app

# Python raises KeyboardInterrupt on SIGINT unless the process started with SIGINT ignored, as a shell's background
# job does (`cmd &`): restore a terminal's Ctrl-C so the test means the same wherever it runs.
signal.signal(signal.SIGINT, signal.default_int_handler)

def interrupted(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C while a source loads
    raise AssertionError("SIGINT did not interrupt")

build_module.load = interrupted
sys.argv = ["data_pipeline", "build", "--source", sys.argv[1], "--db", sys.argv[2]]
app()
"""


def test_ctrl_c_stops_a_build_with_one_line_and_exit_code_130(tmp_path: Path) -> None:
    db = tmp_path / "scn.duckdb"
    assert build(GOOD, db, today=TODAY).ok
    before = db.read_bytes()

    run = subprocess.run([sys.executable, "-c", CTRL_C, str(GOOD), str(db)], cwd=ROOT, capture_output=True,
                         text=True, timeout=120, env=os.environ | {"COLUMNS": "200"})

    assert run.returncode == 130, run.stderr
    assert run.stderr.strip() == "build interrupted; the served database is unchanged"
    assert db.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if ".building" in p.name] == []


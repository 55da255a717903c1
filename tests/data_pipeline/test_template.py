"""The Excel template is the data contract as a workbook, and a filled one loads through the real pipeline."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from data_pipeline import uploads
from data_pipeline.build import build
from data_pipeline.cli import app
from data_pipeline.contract import TABLES
from data_pipeline.contract_doc import TYPE_WORDS
from data_pipeline.load import close_sources, find_sources
from data_pipeline.problems import ProblemLog
from data_pipeline.store import open_read_only
from data_pipeline.template import DICTIONARY_HEADER, DICTIONARY_SHEET, README_SHEET, template_bytes, write_template
from tests.paths import SAMPLE

FILLED = ("donors", "grants", "disbursements")


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "scn-template.xlsx"
    write_template(path)
    return path


def test_template_has_a_sheet_per_table_with_the_contract_header(template: Path) -> None:
    workbook = openpyxl.load_workbook(template)

    assert workbook.sheetnames == [DICTIONARY_SHEET, README_SHEET] + [t.name for t in TABLES]
    for table in TABLES:
        sheet = workbook[table.name]
        assert [c.value for c in sheet[1]] == list(table.column_names)
        assert sheet.max_row == 1  # header only: nothing to delete before filling it in
        assert sheet.freeze_panes == "A2" and all(c.font.bold for c in sheet[1])
        for cell, column in zip(sheet[1], table.columns, strict=True):
            assert cell.comment is not None and column.description in cell.comment.text
            assert TYPE_WORDS[column.type] in cell.comment.text


def test_dictionary_sheet_lists_every_contract_column(template: Path) -> None:
    rows = list(openpyxl.load_workbook(template)[DICTIONARY_SHEET].iter_rows(values_only=True))

    assert rows[0] == DICTIONARY_HEADER
    expected = [(t.name, c.name, TYPE_WORDS[c.type], "yes" if c.required else "no", c.description)
                for t in TABLES for c in t.columns]
    assert [row[:5] for row in rows[1:]] == expected
    by_column = {(row[0], row[1]): row for row in rows[1:]}
    assert by_column[("grants", "status")][5].startswith("one of: pipeline; active; completed")
    assert by_column[("grants", "award_date")][5].startswith("YYYY-MM-DD")
    assert by_column[("disbursements", "grant_id")][6] == "grants.grant_id"


def test_code_and_boolean_columns_offer_drop_downs(template: Path) -> None:
    workbook = openpyxl.load_workbook(template)
    for table in TABLES:
        validations = {str(v.sqref).split(":")[0][:-1]: v for v in workbook[table.name].data_validations.dataValidation}
        for index, column in enumerate(table.columns, start=1):
            letter = openpyxl.utils.get_column_letter(index)
            if column.codes:
                assert validations[letter].type == "list"
                assert validations[letter].formula1 == '"' + ",".join(column.codes) + '"'
            elif column.type == "boolean":
                assert validations[letter].formula1 == '"true,false"'


def test_readme_says_how_to_fill_it_in(template: Path) -> None:
    text = "\n".join(str(row[0]) for row in openpyxl.load_workbook(template)[README_SHEET].iter_rows(values_only=True)
                     if row[0])

    for phrase in ("YYYY-MM-DD", "One row per record", "only its header row keeps the current data",
                   "No personal data"):
        assert phrase in text


def test_loader_reads_the_table_sheets_and_passes_over_the_others(template: Path) -> None:
    log = ProblemLog()
    sources = find_sources(template.parent, log)
    close_sources(sources)

    assert log.problems == []
    assert {t: s.label for t, s in sources.items()} == {t.name: f"scn-template.xlsx[{t.name}]" for t in TABLES}


def test_template_bytes_is_the_same_workbook() -> None:
    workbook = openpyxl.load_workbook(io.BytesIO(template_bytes()))
    assert workbook.sheetnames[:2] == [DICTIONARY_SHEET, README_SHEET]


def test_cli_writes_the_template(tmp_path: Path) -> None:
    out = tmp_path / "out" / "template.xlsx"
    result = CliRunner().invoke(app, ["template", "--out", str(out)])

    assert result.exit_code == 0, result.output
    assert openpyxl.load_workbook(out).sheetnames[2:] == [t.name for t in TABLES]


def _typed(value: object, kind: str) -> object:
    """A cell as a person would type it: dates and numbers as Excel values, the rest as text."""
    if pd.isna(value) or value == "":
        return None
    if kind == "date":
        return dt.date.fromisoformat(value)
    if kind in ("number", "integer"):
        return float(value) if "." in value else int(value)
    return value


def fill(template: Path, tables: tuple[str, ...]) -> bytes:
    """The template with the demo data of `tables` written into their sheets, the others left header-only."""
    workbook = openpyxl.load_workbook(template)
    for table in (t for t in TABLES if t.name in tables):
        frame = pd.read_csv(SAMPLE / f"{table.name}.csv", dtype=str, keep_default_na=False)
        sheet = workbook[table.name]
        for record in frame[list(table.column_names)].itertuples(index=False):
            sheet.append([_typed(v, c.type) for v, c in zip(record, table.columns, strict=True)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_filled_template_uploads_and_checks_clean_through_the_real_pipeline(template: Path, tmp_path: Path,
                                                                           sample_db: Path) -> None:
    staged = uploads.stage([("scn-template.xlsx", fill(template, FILLED))], current=SAMPLE, store=tmp_path / "store",
                           max_bytes=50 << 20, actor="ana@isd.org")

    assert staged.replaced == {t: f"scn-template.xlsx[{t}]" for t in sorted(FILLED)}
    assert len(staged.ignored) == len(TABLES) - len(FILLED)  # the header-only sheets keep the current data
    assert "scn-template.xlsx[cities]: only a header row" in staged.ignored[0]
    result = uploads.check(staged)
    assert result.ok and result.problems == [], [str(p) for p in result.problems[:10]]
    sources = {s["table"]: s["file"] for s in json.loads(staged.report_path.read_text(encoding="utf-8"))["sources"]}
    assert sources == {t.name: f"scn-template.xlsx[{t.name}]" if t.name in FILLED else f"{t.name}.csv"
                       for t in TABLES}

    # The tables built from the workbook are the ones built from the CSVs, value for value.
    assert build(staged.folder, tmp_path / "from-template.duckdb").ok
    from_template, from_csv = open_read_only(tmp_path / "from-template.duckdb"), open_read_only(sample_db)
    for table in FILLED:
        query = f"select * from stg_{table} order by all"
        assert from_template.execute(query).fetchall() == from_csv.execute(query).fetchall()
    from_template.close()
    from_csv.close()


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_a_translated_templates_own_sheets_are_passed_over_silently(lang: str, tmp_path: Path) -> None:
    """The read-me and data dictionary sheets are titled in the reader's language ('Lisez-moi'); uploaded back
    filled, they are known as the template's own by the mark it writes on them, not by their titles, and nothing
    is said about them. The loader passes over them too."""
    from dashboards.i18n import _, using

    with using(lang):
        translated = tmp_path / "template.xlsx"
        translated.write_bytes(template_bytes(translate=_))
    titles = openpyxl.load_workbook(translated, read_only=True).sheetnames[:2]
    assert titles[0] not in (DICTIONARY_SHEET, README_SHEET)  # the case of #18: titles in another language

    staged = uploads.stage([("modele.xlsx", fill(translated, FILLED))], current=SAMPLE, store=tmp_path / "store",
                           max_bytes=50 << 20, actor="ana@isd.org")
    assert staged.replaced == {t: f"modele.xlsx[{t}]" for t in sorted(FILLED)}
    assert not [line for line in staged.ignored if "not named after a table" in line], staged.ignored
    assert len(staged.ignored) == len(TABLES) - len(FILLED)

    # named after a table without its sheet, the workbook would otherwise give that table its first other sheet
    book = openpyxl.load_workbook(translated)
    book.remove(book["grants"])
    folder = tmp_path / "folder"
    folder.mkdir()
    book.save(folder / "grants.xlsx")
    log = ProblemLog()
    sources = find_sources(folder, log)
    close_sources(sources)
    assert "grants" not in sources and not [p for p in log.problems if "read from sheet" in p.message]

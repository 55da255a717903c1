"""Uploads are staged beside the served data, checked by the real build, and published only when clean.

The current source set is data/sample; publishing goes to a copy of the session's sample database, never to the
fixture itself.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest

from data_pipeline import upload_files, uploads
from data_pipeline.build import DEMO_MARKER
from data_pipeline.contract import TABLES_BY_NAME
from data_pipeline.load import close_sources, find_sources
from data_pipeline.problems import ProblemLog
from data_pipeline.store import open_read_only
from data_pipeline.uploads import PublishRefused, UploadRefused
from tests.paths import SAMPLE

MAX_BYTES = 50 << 20
# A grant whose amount can rise without breaking a rule (its payments stay below the award).
GRANT, GRANT_LINE, OLD_AMOUNT = "G-2016-004", 5, "42000"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def sample_rows(table: str) -> list[list[str]]:
    """The demo CSV of `table`, header first, as text."""
    with (SAMPLE / f"{table}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def grants_csv(line: int | None = None, column: str = "amount_awarded", value: str = "") -> bytes:
    """data/sample/grants.csv with one cell changed: `column` on spreadsheet line `line`."""
    rows = sample_rows("grants")
    if line is not None:
        rows[line - 1][rows[0].index(column)] = value
    return csv_bytes(rows)


def csv_bytes(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue().encode("utf-8")


def typed(table: str, rows: list[list[str]]) -> list[list[object]]:
    """Rows as a person types them in Excel: dates and numbers as values, empty cells empty."""
    columns = TABLES_BY_NAME[table].columns
    out = []
    for row in rows:
        cells = []
        for value, column in zip(row, columns, strict=True):
            if value == "":
                cells.append(None)
            elif column.type == "date":
                cells.append(dt.date.fromisoformat(value))
            elif column.type in ("number", "integer"):
                cells.append(float(value))
            else:
                cells.append(value)
        out.append(cells)
    return out


def workbook(sheets: dict[str, list[list[object]]]) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def table_sheet(table: str) -> list[list[object]]:
    rows = sample_rows(table)
    return [rows[0], *typed(table, rows[1:])]


def stage(files: list[tuple[str, bytes]], store: Path, *, current: Path = SAMPLE, **kw) -> uploads.Staged:
    return uploads.stage(files, current=current, store=store, max_bytes=kw.pop("max_bytes", MAX_BYTES),
                         actor="ana@isd.org", **kw)


def loader_view(folder: Path) -> dict[str, str]:
    """Which file the loader would read each table from; asserts it finds nothing wrong with the set."""
    log = ProblemLog()
    sources = find_sources(folder, log)
    close_sources(sources)
    assert log.problems == []
    return {table: source.label for table, source in sources.items()}


@pytest.fixture
def served(sample_db: Path, tmp_path: Path) -> Path:
    """A copy of the session's sample database standing in for the served one."""
    path = tmp_path / "served" / "scn.duckdb"
    path.parent.mkdir()
    shutil.copyfile(sample_db, path)
    return path


@pytest.fixture
def store(tmp_path: Path) -> Path:
    return tmp_path / "store"


HEADER_ONLY = ",".join(sample_rows("grants")[0]).encode() + b"\n"


@pytest.mark.parametrize(("name", "data", "says"), [
    ("../grants.csv", grants_csv(), "without folders"),
    ("/etc/grants.csv", grants_csv(), "without folders"),
    ("uploads\\grants.csv", grants_csv(), "without folders"),
    (".grants.csv", grants_csv(), "hidden"),
    ("~$grants.xlsx", b"PK", "temporary"),
    ("grants.txt", grants_csv(), "only .csv and .xlsx"),
    ("grants.xls", b"\xd0\xcf\x11\xe0", "Excel Workbook (.xlsx)"),
    ("grant.csv", grants_csv(), "no table of the data contract is called grant"),
    ("grants.xlsx", grants_csv(), "is not an Excel workbook"),
    ("notes.xlsx", workbook({"Sheet1": [["a"], [1]], "Sheet2": [["b"]]}), "no sheet is named after a table"),
    ("grants.csv", HEADER_ONLY, "nothing to replace: grants.csv: only a header row"),
    ("grants.csv", b"", "grants.csv: the file is empty"),
])
def test_stage_refuses_a_bad_file_naming_it(store: Path, name: str, data: bytes, says: str) -> None:
    with pytest.raises(UploadRefused) as refused:
        stage([(name, data)], store)

    assert name in str(refused.value) and says in str(refused.value)
    assert not store.exists() or not any(store.iterdir())


def test_stage_refuses_the_same_table_twice(store: Path) -> None:
    with pytest.raises(UploadRefused, match=r"grants\.csv: uploaded twice"):
        stage([("grants.csv", grants_csv()), ("grants.csv", grants_csv())], store)
    with pytest.raises(UploadRefused, match=r"book.xlsx\[grants\]: table grants is also in grants.csv"):
        stage([("grants.csv", grants_csv()), ("book.xlsx", workbook({"grants": table_sheet("grants")}))], store)
    with pytest.raises(UploadRefused, match="sheets 'grants' and 'Grants ' are both table grants"):
        stage([("book.xlsx", workbook({"grants": table_sheet("grants"), "Grants ": table_sheet("grants")}))], store)
    assert not store.exists() or not any(store.iterdir())


def test_stage_refuses_an_upload_over_the_size_limit(store: Path) -> None:
    data = grants_csv()
    with pytest.raises(UploadRefused, match=f"the upload is .* the limit is {len(data) - 1:,} bytes"):
        stage([("grants.csv", data)], store, max_bytes=len(data) - 1)


def test_csv_replacement_checks_clean_publishes_and_becomes_current(store: Path, served: Path) -> None:
    data = grants_csv(GRANT_LINE, "amount_awarded", "42500")
    staged = stage([("grants.csv", data)], store)

    assert staged.replaced == {"grants": "grants.csv"} and staged.ignored == []
    assert staged.folder.parent == store and staged.base == str(SAMPLE) and staged.base_id is None
    assert (staged.folder / "grants.csv").read_bytes() == data  # as received, and kept as received:
    assert (staged.folder / "uploaded" / "grants.csv").read_bytes() == data
    assert (staged.folder / "donors.csv").read_bytes() == (SAMPLE / "donors.csv").read_bytes()
    assert (staged.folder / DEMO_MARKER).exists()  # the other tables are still the demo's
    assert uploads.open_staged(store, staged.id) == staged

    checked = uploads.check(staged)
    assert checked.ok and checked.errors == [], [str(p) for p in checked.errors[:10]]
    assert not (staged.folder / uploads.CHECK_DB).exists() and staged.report_path.exists()

    published = uploads.publish(staged, db_path=served)
    assert published.ok
    with open_read_only(served) as con:
        amount = con.execute("select amount_awarded from stg_grants where grant_id = ?", [GRANT]).fetchall()
        source = con.execute("select source from meta_build").fetchall()
    assert amount == [(42500,)] and source == [(str(staged.folder),)]
    assert (store / "CURRENT").read_text(encoding="utf-8").strip() == staged.id
    assert uploads.current_source(store, SAMPLE) == staged.folder
    with pytest.raises(PublishRefused, match="already the published data"):
        uploads.publish(staged, db_path=served)


def test_malformed_csv_is_reported_by_file_line_column_and_not_published(store: Path, served: Path) -> None:
    before = sha256(served)
    staged = stage([("grants.csv", grants_csv(GRANT_LINE, "amount_awarded", "ten thousand"))], store)

    checked = uploads.check(staged)
    assert not checked.ok
    assert [str(p) for p in checked.errors] == [
        f"grants.csv:{GRANT_LINE}:amount_awarded: 'ten thousand' is not a number"]
    with pytest.raises(PublishRefused, match="1 errors"):
        uploads.publish(staged, db_path=served)
    assert sha256(served) == before
    assert not (store / "CURRENT").exists()


def test_xlsx_with_a_bad_date_is_reported_on_the_row_the_sheet_shows(store: Path, served: Path) -> None:
    before = sha256(served)
    rows = table_sheet("grants")
    rows[6][rows[0].index("award_date")] = "31/12/2016"  # sheet row 7
    rows.insert(2, [None] * len(rows[0]))  # a blank row, as people space out sheets: the bad one is now row 8
    data = workbook({"Read me": [["Grants for November"]], "grants": rows, "donors": [sample_rows("donors")[0]]})
    staged = stage([("grants-2026-11.xlsx", data)], store)

    # donors is header-only, so the staged workbook is a copy without that sheet: lines must not move
    assert openpyxl.load_workbook(staged.folder / "grants-2026-11.xlsx").sheetnames == ["grants"]
    assert (staged.folder / "uploaded" / "grants-2026-11.xlsx").read_bytes() == data
    checked = uploads.check(staged)
    assert [str(p) for p in checked.errors] == [
        "grants-2026-11.xlsx[grants]:8:award_date: '31/12/2016' is not a date; expected YYYY-MM-DD"]
    with pytest.raises(PublishRefused):
        uploads.publish(staged, db_path=served)
    assert sha256(served) == before


def test_publish_whose_build_fails_leaves_the_served_database_and_current_untouched(store: Path,
                                                                                    served: Path) -> None:
    staged = stage([("grants.csv", grants_csv(GRANT_LINE, "amount_awarded", "42500"))], store)
    assert uploads.check(staged).ok
    # The file changes after its check: the publish build finds the error and does not swap the database.
    (staged.folder / "grants.csv").write_bytes(grants_csv(GRANT_LINE, "amount_awarded", "ten thousand"))
    before = sha256(served)

    result = uploads.publish(staged, db_path=served)

    assert not result.ok
    assert [str(p) for p in result.errors] == [
        f"grants.csv:{GRANT_LINE}:amount_awarded: 'ten thousand' is not a number"]
    assert sha256(served) == before
    assert not (store / "CURRENT").exists()
    assert not [p for p in served.parent.iterdir() if ".building" in p.name]  # no partial database left behind


def test_publish_is_refused_when_another_upload_was_published_since_staging(store: Path, served: Path) -> None:
    first = stage([("grants.csv", grants_csv(GRANT_LINE, "amount_awarded", "42500"))], store)
    second = stage([("donors.csv", (SAMPLE / "donors.csv").read_bytes())], store)
    assert uploads.check(first).ok  # the second is refused whatever its check says: it would undo the first

    assert uploads.publish(first, db_path=served).ok
    before = sha256(served)
    with pytest.raises(PublishRefused, match=f"changed after this upload was staged \\(now upload {first.id}\\)"):
        uploads.publish(second, db_path=served)
    assert sha256(served) == before


def test_publish_refuses_an_unchecked_upload(store: Path, served: Path) -> None:
    staged = stage([("grants.csv", grants_csv())], store)
    with pytest.raises(PublishRefused, match="has not been checked"):
        uploads.publish(staged, db_path=served)


def test_header_only_sheets_keep_the_current_tables(store: Path) -> None:
    data = workbook({"Read me": [["How to fill"]], "grants": table_sheet("grants"),
                     "donors": [sample_rows("donors")[0]], "Sheet3": [["scratch"]]})
    staged = stage([("scn.xlsx", data)], store)

    assert staged.replaced == {"grants": "scn.xlsx[grants]"}
    assert staged.ignored == ["scn.xlsx[donors]: only a header row, the current donors data is kept",
                              "scn.xlsx[Sheet3]: not named after a table of the data contract, not read"]
    view = loader_view(staged.folder)
    assert view["grants"] == "scn.xlsx[grants]" and view["donors"] == "donors.csv"
    assert not (staged.folder / "grants.csv").exists()


def test_later_uploads_replace_single_tables_of_an_earlier_workbook(store: Path) -> None:
    both = workbook({"grants": table_sheet("grants"), "donors": table_sheet("donors")})
    first = stage([("scn.xlsx", both)], store)
    assert loader_view(first.folder)["donors"] == "scn.xlsx[donors]"

    # grants.csv replaces the workbook's grants sheet; its donors sheet stays
    second = stage([("grants.csv", grants_csv())], store, current=first.folder)
    view = loader_view(second.folder)
    assert (view["grants"], view["donors"]) == ("grants.csv", "scn.xlsx[donors]")
    assert openpyxl.load_workbook(second.folder / "scn.xlsx").sheetnames == ["donors"]

    # the same workbook name again, with grants only: the earlier one keeps donors under another name
    third = stage([("scn.xlsx", workbook({"grants": table_sheet("grants")}))], store, current=first.folder)
    view = loader_view(third.folder)
    assert (view["grants"], view["donors"]) == ("scn.xlsx[grants]", "scn-previous.xlsx[donors]")
    checked = uploads.check(third)
    assert checked.ok and checked.problems == [], [str(p) for p in checked.problems[:10]]


def test_stage_prunes_old_folders_but_never_the_current_one(store: Path) -> None:
    ids = [f"2026010{day}T000000Z-00000{day}" for day in range(1, 7)]
    for staged_id in ids:
        (store / staged_id).mkdir(parents=True)
    (store / "CURRENT").write_text(ids[0] + "\n", encoding="utf-8")

    removed = uploads.prune(store, keep=2)

    assert sorted(p.name for p in removed) == ids[1:4]
    assert sorted(p.name for p in store.iterdir() if p.is_dir()) == [ids[0], ids[4], ids[5]]
    staged = stage([("grants.csv", grants_csv())], store, keep=1)
    assert sorted(p.name for p in store.iterdir() if p.is_dir()) == [ids[0], staged.id]


def test_current_source_falls_back_to_the_default(store: Path) -> None:
    assert uploads.current_source(store, SAMPLE) == SAMPLE
    store.mkdir()
    (store / "CURRENT").write_text("20260101T000000Z-000001\n", encoding="utf-8")  # folder gone
    assert uploads.current_source(store, SAMPLE) == SAMPLE
    (store / "CURRENT").write_text("../../etc\n", encoding="utf-8")
    assert uploads.current_source(store, SAMPLE) == SAMPLE


@pytest.mark.parametrize("staged_id", ["../x", "CURRENT", "", "20260101T000000Z-000001/../.."])
def test_open_staged_refuses_what_is_not_an_upload_id(store: Path, staged_id: str) -> None:
    with pytest.raises(UploadRefused):
        uploads.open_staged(store, staged_id)


def _as_macro_workbook(data: bytes) -> bytes:
    """`data` (an .xlsx) as Excel saves an .xlsm: a VBA project part and the macro-enabled content type."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "[Content_Types].xml":
                content = content.replace(b"spreadsheetml.sheet.main+xml", b"ms-excel.sheet.macroEnabled.main+xml")
            target.writestr(info, content)
        target.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    return out.getvalue()


def test_stage_refuses_a_macro_workbook_renamed_xlsx(store: Path) -> None:
    data = _as_macro_workbook(workbook({"grants": table_sheet("grants")}))

    with pytest.raises(UploadRefused, match=r"grants\.xlsx: is a macro-enabled workbook .* macros are not accepted"):
        stage([("grants.xlsx", data)], store)
    assert not store.exists() or not any(store.iterdir())


def test_stage_refuses_a_sheet_over_the_cell_bound_before_parsing_it(store: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(upload_files, "UPLOAD_MAX_CELLS", 100)

    with pytest.raises(UploadRefused, match=r"grants.xlsx\[grants\]: the sheet has over 100 cells"):
        stage([("grants.xlsx", workbook({"grants": table_sheet("grants")}))], store)


def _with_empty_rows(data: bytes, first: int, count: int) -> bytes:
    """`data` with `count` formatted empty rows (13 styled cells each) appended to its first sheet from row `first`,
    as a sheet whose formatting was dragged to the bottom: ~40 MB of XML, a few MB zipped."""
    from openpyxl.utils import get_column_letter

    letters = [get_column_letter(c) for c in range(1, 14)]
    rows = b"".join(f'<row r="{r}" spans="1:13">'.encode() + b"".join(f'<c r="{x}{r}" s="0"/>'.encode()
                                                                        for x in letters) + b"</row>"
                    for r in range(first, first + count))
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(b"</sheetData>", rows + b"</sheetData>")
            target.writestr(info, content)
    return out.getvalue()


def test_a_sheet_of_formatted_empty_rows_is_parsed_only_to_its_last_value(store: Path, tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from openpyxl.worksheet._reader import WorkSheetParser

    from data_pipeline.load import load
    from data_pipeline.load.workbook import Book

    sheet = table_sheet("grants")
    data = _with_empty_rows(workbook({"grants": sheet}), len(sheet) + 1, 150_000)
    assert len(data) < 8 << 20  # ~40 MB of sheet XML
    parsed: list[int] = []
    real_parse_row = WorkSheetParser.parse_row
    monkeypatch.setattr(WorkSheetParser, "parse_row",
                        lambda self, row: parsed.append(1) or real_parse_row(self, row))

    staged = stage([("grants.xlsx", data)], store)
    path = staged.folder / "grants.xlsx"
    import duckdb

    from data_pipeline.load.source import Source
    book = Book(path)
    try:
        loaded = load(duckdb.connect(), Source("grants", path, "xlsx", "grants", book), ProblemLog())
    finally:
        book.close()

    assert staged.replaced == {"grants": "grants.xlsx[grants]"}
    assert loaded is not None and loaded.rows == len(sheet) - 1
    assert len(parsed) <= len(sheet) + 1, f"{len(parsed)} rows parsed for {len(sheet)} rows of data"


# --- the workflow the page runs: check_upload and publish_upload -------------------------------------------------

def check_upload(files: list[tuple[str, bytes]], store: Path, served: Path) -> uploads.CheckedUpload:
    return uploads.check_upload(files, store=store, default_source=SAMPLE, db_path=served, max_bytes=MAX_BYTES,
                                actor="ana@isd.org")


def test_check_upload_counts_what_each_replaced_table_changes(store: Path, served: Path) -> None:
    rows = sample_rows("grants")
    rows[GRANT_LINE - 1][rows[0].index("amount_awarded")] = "42500"
    rows.append([*rows[-1][:0], "G-2099-001", *rows[-1][1:]])

    checked = check_upload([("grants.csv", csv_bytes(rows))], store, served)

    assert checked.verdict == "ok" and checked.publishable
    [diff] = checked.diffs
    before = len(sample_rows("grants")) - 1
    assert diff.as_dict() == {"table": "grants", "before": before, "after": before + 1, "added": 1, "removed": 0,
                              "changed": 1}


def test_an_upload_that_removes_most_of_a_table_publishes_only_when_confirmed(store: Path, served: Path) -> None:
    rows = sample_rows("disbursements")
    before = sha256(served)

    checked = check_upload([("disbursements.csv", csv_bytes(rows[:2]))], store, served)

    assert checked.verdict == "confirm"
    errors = [str(p) for p in checked.result.errors]
    assert errors[0] == (
        f"disbursements.csv:-:-: 1 row would replace the {len(rows) - 1:,} published (100% fewer, more than the 20% "
        "a build may drop unconfirmed); confirm it to publish (`build --confirm-shrink`, or the confirmation on the "
        "upload page)")
    assert "disbursements.csv:-:paid_on: no rows any more in 2019-03 (5 in the published data); confirm it to " \
           "publish (`build --confirm-shrink`, or the confirmation on the upload page)" in errors
    assert checked.diffs[0].removed == len(rows) - 2
    with pytest.raises(uploads.ConfirmationNeeded, match="removes data"):
        uploads.publish_upload(store, checked.staged.id, db_path=served, actor="ben@isd.org")
    assert sha256(served) == before and not (store / "CURRENT").exists()

    result = uploads.publish_upload(store, checked.staged.id, db_path=served, actor="ben@isd.org",
                                    confirm_shrink=True)

    assert result.ok
    assert any(p.severity == "warning" and p.message.endswith("published as confirmed") for p in result.problems)
    assert uploads.current_source(store, SAMPLE) == checked.staged.folder
    [version] = uploads.versions.history(store)
    assert (version.how, version.actor, version.rows["disbursements"]) == ("upload", "ben@isd.org", 1)


def test_a_confirmation_does_not_publish_an_upload_with_other_errors(store: Path, served: Path) -> None:
    rows = sample_rows("disbursements")[:2]
    rows[1][rows[0].index("amount")] = "ten"

    checked = check_upload([("disbursements.csv", csv_bytes(rows))], store, served)

    assert checked.verdict == "errors" and not checked.publishable
    with pytest.raises(PublishRefused, match="errors; fix the files"):
        uploads.publish_upload(store, checked.staged.id, db_path=served, actor="ben@isd.org",
                               confirm_shrink=True)


def test_publish_upload_refuses_what_is_not_an_upload_id(store: Path, served: Path) -> None:
    with pytest.raises(UploadRefused, match="is not an upload id"):
        uploads.publish_upload(store, {"id": "../x"}, db_path=served, actor="ana@isd.org")

"""Load source files into DuckDB as text, keeping the row number a spreadsheet would show.

Every source table becomes `raw_<table>`: one VARCHAR column per header column (names normalised to
lower_snake_case) plus `_line`, the file's line or the sheet's row of the record (the header's line, usually 1).
Each value is cleaned once, as the file is read (`cells.clean`: invisible characters out, trimmed, NULL when
empty), numbers written with thousands separators or decimal commas are rewritten as canonical text
(`cells.normalise_numbers`), and text no report should hold is refused (`cells.check_text`): done once here, not
by each check and cast. Nothing else is judged here: validation reads these tables and reports `FILE:LINE:COLUMN`
problems; staging casts them afterwards. The raw text is scratch, dropped before publishing, so it lives in DuckDB's
temporary catalog and never costs a write to the database file.

The formats: delimited text (`delimited.py`: CSV, semicolon- or tab-separated, any encoding Excel writes),
workbooks (`workbook.py`) and Parquet (`parquet.py`); `sniff.py` says what a file really is.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from data_pipeline.contract import TABLES, TABLES_BY_NAME
from data_pipeline.load import sniff
from data_pipeline.load.cells import normalise_header
from data_pipeline.load.source import LoadedSource, Source
from data_pipeline.load.workbook import SHEET_RULE, Book, sheet_tables
from data_pipeline.problems import NO_COLUMN, NO_LINE, Problem, ProblemLog

__all__ = ["FORMATS", "SHEET_RULE", "LoadedSource", "Source", "close_sources", "find_sources", "load",
           "normalise_header", "source_folder_problem"]

# File suffixes read, and the format each is read as (tab-separated text is delimited text too).
FORMATS = {"csv": "csv", "tsv": "csv", "txt": "csv", "xlsx": "xlsx", "parquet": "parquet"}
# Spreadsheet files named after a table that cannot be read, and what to do with them.
UNREADABLE = {
    "xls": "is an old Excel 97-2003 workbook (.xls); open it in Excel and save it as Excel Workbook (.xlsx)",
    "xlsm": "is a macro-enabled workbook (.xlsm); save it as Excel Workbook (.xlsx)",
    "xlsb": "is an Excel binary workbook (.xlsb); save it as Excel Workbook (.xlsx)",
    "ods": "is an OpenDocument spreadsheet (.ods); save it as Excel Workbook (.xlsx) or CSV UTF-8",
    "numbers": "is a Numbers spreadsheet; export it as Excel Workbook (.xlsx) or CSV",
}


def source_folder_problem(source_dir: Path) -> str | None:
    """Why `source_dir` cannot be read as a source folder, in words; None when it is a folder."""
    if source_dir.is_dir():
        return None
    if not source_dir.exists():
        return "source folder does not exist"
    if sniff.what_is(source_dir).kind in ("zip", "xlsx"):
        return (f"is a zip archive, not a folder; unpack it (python -m zipfile -e {source_dir.name} FOLDER) and "
                "give the folder")
    return "is a file, not a folder; give the folder that holds one file per table"


def find_sources(source_dir: Path, log: ProblemLog) -> dict[str, Source]:
    """Match files in `source_dir` to contract tables, reporting missing and ambiguous ones.

    A table may come from `<table>.csv` (or `.tsv`, `.txt`), `<table>.parquet`, or a workbook (SHEET_RULE). A
    workbook is opened once here and shared by the sources of all its sheets: `close_sources` closes them.
    """
    found: dict[str, list[Source]] = {t.name: [] for t in TABLES}
    unreadable: set[str] = set()
    for path in sorted(source_dir.iterdir()) if source_dir.is_dir() else []:
        suffix = path.suffix.lower().lstrip(".")
        stem = normalise_header(path.stem)
        if path.name.startswith((".", "~$")) or not path.is_file():
            continue
        if suffix in UNREADABLE and stem in found:
            log.add(Problem(path.name, NO_LINE, NO_COLUMN, UNREADABLE[suffix]))
            unreadable.add(stem)
            continue
        if suffix not in FORMATS:
            continue
        if FORMATS[suffix] == "xlsx":
            book = Book(path)
            try:
                sheets, notes = sheet_tables(book.sheets(), stem)
            except ValueError as exc:
                log.add(Problem(path.name, NO_LINE, NO_COLUMN, str(exc)))
                unreadable.add(stem)
                continue
            for note in notes:
                log.add(Problem(path.name, NO_LINE, NO_COLUMN, note, "warning"))
            for table, names in sheets.items():
                found[table] += [Source(table, path, "xlsx", sheet, book) for sheet in names]
            if not sheets:
                book.close()
        elif stem in found:
            found[stem].append(Source(stem, path, FORMATS[suffix]))

    chosen: dict[str, Source] = {}
    for table, sources in found.items():
        if not sources:
            if TABLES_BY_NAME[table].required and table not in unreadable:
                log.add(Problem(f"{table}.csv", NO_LINE, NO_COLUMN,
                                f"file is missing; expected {table}.csv, {table}.xlsx or {table}.parquet"))
        elif len(sources) > 1:
            names = ", ".join(s.label for s in sources)
            log.add(Problem(sources[1].label, NO_LINE, NO_COLUMN,
                            f"more than one source for table {table} ({names}); keep one"))
        else:
            chosen[table] = sources[0]
    unused = {id(s.book): s.book for sources in found.values() for s in sources if s.book} \
        .keys() - {id(s.book) for s in chosen.values() if s.book}
    for sources in found.values():
        for s in sources:
            if s.book and id(s.book) in unused:
                s.book.close()
    return chosen


def close_sources(sources: dict[str, Source]) -> None:
    """Close the workbooks `find_sources` opened."""
    for source in sources.values():
        if source.book is not None:
            source.book.close()


def load(con: duckdb.DuckDBPyConnection, source: Source, log: ProblemLog) -> LoadedSource | None:
    """Load one source into `raw_<table>`; None (with a problem logged) when the file cannot be read."""
    from data_pipeline.load.delimited import load_delimited
    from data_pipeline.load.parquet import load_parquet
    from data_pipeline.load.workbook import load_sheet

    loader = {"csv": load_delimited, "xlsx": load_sheet, "parquet": load_parquet}[source.format]
    return loader(con, source, log)

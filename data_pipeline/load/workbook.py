"""Read Excel workbooks: opened once for all their sheets, each sheet checked before it is parsed.

openpyxl's read-only mode parses a workbook's shared strings and styles when it opens it, so a workbook is opened
once per build (`Book`) whatever number of tables it holds. Each sheet's XML is read by sheet_xml.py: one
bounded pass over its bytes before any parsing (`scan_sheet`: size, cell count, the last row holding a value,
merged ranges), then its rows (`rows`). This module turns those rows into the table: the header, the cells as text,
the problems (values beyond the named columns, unsaved formulas, merged cells), and `raw_<table>`.

Cells are read as the person sees them: a number formatted as a percentage (0.45 shown as 45%) is 45, dates are
dates, and a formula Excel never calculated (a program wrote the formula without its value) is reported, not read
as an empty cell.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import duckdb

from data_pipeline.contract import TABLES, TEMPLATE_NOTES
from data_pipeline.load import cells, sniff
from data_pipeline.load.sheet_xml import Percent, SheetTooLarge, rows, scan_sheet
from data_pipeline.load.source import LoadedSource, Source, checked_columns
from data_pipeline.problems import NO_COLUMN, NO_LINE, Problem, ProblemLog

HEADER_ROWS = 30


class Book:
    """One workbook, opened on first use and shared by every table read from it.

    Opened with openpyxl's reader parts (content types, shared strings, workbook, styles) but not its read-only
    worksheets: each of those probes its sheet's `<dimension>` on opening, and without one that probe parses the
    whole sheet (a 12-sheet workbook without dimension records was parsed twelve extra times per opening).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._reader = None
        self.percent_styles: set[int] = set()
        self._sheets: list[tuple[str, bool, str]] = []  # name, visible, part in the zip

    def open(self):
        """The opened workbook parts; raises ValueError with a message for the person when it cannot be opened."""
        if self._reader is None:
            from openpyxl.reader.excel import ExcelReader
            from openpyxl.styles.stylesheet import apply_stylesheet

            refusal = _refusal(self.path)
            if refusal:
                raise ValueError(refusal)
            try:
                reader = ExcelReader(self.path, read_only=True, data_only=True)
                reader.read_manifest()
                reader.read_strings()
                reader.read_workbook()
                apply_stylesheet(reader.archive, reader.wb)
                notes = {i for i, names in reader.parser.defined_names.by_sheet().items() if TEMPLATE_NOTES in names}
                self._sheets = [(sheet.name, sheet.state in (None, "visible"), rel.target)
                                for i, (sheet, rel) in enumerate(reader.parser.find_sheets())
                                if rel.target in reader.valid_files and "chartsheet" not in rel.Type
                                and i not in notes]  # the template's read-me and dictionary: never a table
            except Exception as exc:  # openpyxl raises many kinds for a damaged file
                raise ValueError(f"cannot be opened as an Excel workbook ({exc})") from exc
            self._reader = reader
            self.percent_styles = _percent_styles(reader.wb)
        return self._reader

    def sheets(self) -> list[tuple[str, bool]]:
        """(name, visible) of every worksheet, in the workbook's order."""
        self.open()
        return [(name, visible) for name, visible, _ in self._sheets]

    def part(self, sheet: str) -> str:
        """The zip member holding `sheet`'s XML."""
        self.open()
        return next(part for name, _, part in self._sheets if name == sheet)

    def close(self) -> None:
        if self._reader is not None:
            self._reader.archive.close()
            self._reader = None


def _refusal(path: Path) -> str | None:
    kind = sniff.what_is(path)
    if kind.kind == "xlsx":
        return None
    if kind.kind == "text":
        return f"is a text file, not an Excel workbook; if it is CSV, rename it {path.stem}.csv"
    return kind.refusal(path) or f"is not an Excel workbook ({kind.kind}); save it as Excel Workbook (.xlsx)"


def _percent_styles(workbook) -> set[int]:
    """Indexes of the cell styles whose number format shows a percentage."""
    from openpyxl.styles.numbers import BUILTIN_FORMATS, BUILTIN_FORMATS_MAX_SIZE

    found = set()
    for index, style in enumerate(workbook._cell_styles):
        number_format = style.numFmtId
        if number_format < BUILTIN_FORMATS_MAX_SIZE:
            code = BUILTIN_FORMATS.get(number_format, "")
        else:
            code = workbook._number_formats[number_format - BUILTIN_FORMATS_MAX_SIZE]
        if "%" in re.sub(r'"[^"]*"|\\.', "", code or ""):
            found.add(index)
    return found

def load_sheet(con: duckdb.DuckDBPyConnection, source: Source, log: ProblemLog) -> LoadedSource | None:
    """Load one sheet into `raw_<table>`; None (with a problem logged) when it cannot be read."""
    label, table = source.label, next(t for t in TABLES if t.name == source.table)
    if source.book is None:  # a source not found by find_sources: its workbook is opened for it alone
        book = Book(source.path)
        try:
            return load_sheet(con, Source(source.table, source.path, source.format, source.sheet, book), log)
        finally:
            book.close()
    book: Book = source.book
    try:
        reader = book.open()
    except ValueError as exc:
        log.add(Problem(source.path.name, NO_LINE, NO_COLUMN, str(exc)))
        return None
    part = book.part(source.sheet)
    try:
        scanned = scan_sheet(reader.archive, part)
    except SheetTooLarge as exc:
        log.add(Problem(label, NO_LINE, NO_COLUMN, str(exc)))
        return None
    sheet_rows = rows(reader, part, scanned, book.percent_styles)
    head = []
    for _, (line, values, _) in zip(range(HEADER_ROWS), sheet_rows, strict=False):
        head.append((line, values, _))
    if not head:
        log.add(Problem(label, 1, NO_COLUMN, "sheet is empty; expected a header row"))
        return None
    found = cells.find_header([values for _, values, _ in head], table)
    index = found or 0
    header_line, header = head[index][0], list(head[index][1])
    if found:
        cells.header_moved(label, header_line, head[0][0], log)
    while header and header[-1] in (None, ""):
        header = header[:-1]
    if not header:
        log.add(Problem(label, header_line, NO_COLUMN, "sheet is empty; expected a header row"))
        return None
    names = checked_columns(label, header_line, header, log)
    if names is None:
        return None
    records, lines = [], []
    formulas: dict[str, list[tuple[int, str]]] = {}
    for line, values, unsaved in [*head[index + 1:], *sheet_rows]:
        texts = [_cell_text(v) for v in values[: len(names)]]
        beyond = any(v not in (None, "") for v in values[len(names):])
        for column in unsaved:
            if column <= len(names):
                formulas.setdefault(names[column - 1], []).append((line, _coordinate(column, line)))
        if not any(texts) and not beyond and not unsaved:
            continue  # blank rows are how people space out a sheet, not records
        if beyond:
            log.add(Problem(label, line, NO_COLUMN, f"row has values beyond the {len(names)} named columns"))
        records.append(texts + [""] * (len(names) - len(texts)))
        lines.append(line)
    for column, found_cells in formulas.items():
        log.add_rows(label, column, [
            (line, f"cell {coordinate} holds a formula with no saved value; open the file in Excel and save it "
                   "(the program that wrote it did not calculate its formulas)")
            for line, coordinate in found_cells[: log.per_kind]], len(found_cells) - log.per_kind)
    _report_merged(label, scanned.merged, header_line, names, log)
    relation = f"raw_{source.table}"
    _create(con, relation, names, records, lines)
    cells.normalise_numbers(con, relation, relation, table, names, label, log, prior=None)
    cells.check_text(con, relation, table, names, label, log, controls=True, unicode=True)
    from data_pipeline.load.sniff import scan as scan_bytes

    return LoadedSource(source, names, len(records), scan_bytes(source.path).sha256)

def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Percent):
        return f"{float(value) * 100:.12g}"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _coordinate(column: int, line: int) -> str:
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(column)}{line}"


def _report_merged(label: str, merged: list[str], header_line: int, names: list[str], log: ProblemLog) -> None:
    from openpyxl.utils import range_boundaries

    for ref in merged:
        min_col, min_row, _max_col, max_row = range_boundaries(ref)
        if max_row <= header_line or min_col > len(names):
            continue
        first = ref.split(":")[0]
        if max_row > min_row:
            where = f"rows {min_row}-{max_row}"
            rest = f"rows {min_row + 1}-{max_row}" if max_row > min_row + 1 else f"row {max_row}"
            message = (f"cells {ref} are merged: Excel shows {first}'s value on {where}, but only row {min_row} "
                       f"holds it, so {rest} read as empty; unmerge the cells and fill in every row")
        else:
            message = (f"cells {ref} are merged: only {first} holds a value, the other columns read as empty; "
                       "unmerge the cells")
        log.add(Problem(label, max(min_row, header_line + 1), names[min_col - 1], message))


def _create(con: duckdb.DuckDBPyConnection, relation: str, names: list[str], records: list[list[str]],
            lines: list[int]) -> None:
    import pandas as pd  # here, not at the top: a CSV build never needs it, and importing it slows start-up

    frame = pd.DataFrame(records, columns=names, dtype="string")
    frame.insert(0, "_line", pd.Series(lines, dtype="int64"))
    con.register("xlsx_frame", frame)
    try:
        casts = ", ".join(cells.clean(f"cast({cells.ident(n)} as varchar)", unicode=True) + f" as {cells.ident(n)}"
                          for n in names)
        con.execute(f"create or replace temp table {relation} as select _line, {casts} from xlsx_frame "
                    "order by _line").fetchall()
    finally:
        con.unregister("xlsx_frame")


def sheet_tables(sheets: list[tuple[str, bool]], stem: str) -> tuple[dict[str, list[str]], list[str]]:
    """Which sheet provides which table, by SHEET_RULE, given the workbook's (sheet, visible) in order and its file
    name's stem; and notes on the choice for the person (a hidden sheet left out, a sheet not named after its table).
    Two sheets named after one table are both listed (the caller refuses them). The one definition of the rule:
    the loader and the upload page both use it."""
    names = {t.name for t in TABLES}
    chosen: dict[str, list[str]] = {}
    notes = []
    for sheet, visible in sheets:
        table = cells.normalise_header(sheet)
        if table in names and not visible:
            notes.append(f"sheet '{sheet}' is hidden and is not read")
        elif table in names:
            chosen.setdefault(table, []).append(sheet)
    visible_sheets = [s for s, v in sheets if v]
    if stem in names and stem not in chosen:
        others = [s for s in visible_sheets if cells.normalise_header(s) not in names]
        if others:
            chosen[stem] = [others[0]]
            if len(visible_sheets) > 1:
                notes.append(f"table {stem} is read from sheet '{others[0]}', the first visible sheet "
                             f"(no visible sheet is named {stem})")
    return chosen, notes


SHEET_RULE = (
    "A workbook provides the table of each visible sheet named after one (any workbook of the folder, as the "
    "Excel template has); a workbook named after a table (`grants.xlsx`) without such a sheet provides it from "
    "its first visible sheet not named after another table. Hidden sheets are never read. Each problem names the "
    "sheet read (`grants.xlsx[grants 2026]`)."
)

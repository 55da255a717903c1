"""Read Excel workbooks: opened once for all their sheets, each sheet checked before it is parsed.

openpyxl's read-only mode parses a workbook's shared strings and styles when it opens it, so a workbook is opened
once per build (`Book`) whatever number of tables it holds. Before a sheet is parsed, one pass over its XML
(`scan_sheet`, bytes only: no parsing) bounds its size and its cell count, finds the last row holding a value (the
parse stops there: a sheet of a million formatted empty rows costs no more than its data), and lists its merged
ranges. Rows are then read with openpyxl's own sheet parser, not through the sheet's `<dimension>` record, which
some programs write wrong or leave out.

Cells are read as the person sees them: a number formatted as a percentage (0.45 shown as 45%) is 45, dates are
dates, and a formula Excel never calculated (a program wrote the formula without its value) is reported, not read
as an empty cell.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from data_pipeline.contract import TABLES, TEMPLATE_NOTES
from data_pipeline.load import cells, sniff
from data_pipeline.load.source import LoadedSource, Source, checked_columns
from data_pipeline.problems import NO_COLUMN, NO_LINE, Problem, ProblemLog

# Bounds on one sheet, checked on its XML before parsing (a zip packs a sheet of empty rows ~650 to 1).
MAX_SHEET_BYTES = 256 * 1024 * 1024
MAX_SHEET_CELLS = 16_000_000
HEADER_ROWS = 30
_ROW_NUMBER = re.compile(rb'\br="?([0-9]+)')
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell ref="([A-Z]+[0-9]+:[A-Z]+[0-9]+)"')
_PREFIX = re.compile(rb"<(\w+:)?worksheet\b")


class SheetTooLarge(ValueError):
    """A sheet past MAX_SHEET_BYTES or MAX_SHEET_CELLS; the message says which bound."""


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


@dataclass
class SheetScan:
    """What one pass over a sheet's XML found, before any parsing."""

    xml_bytes: int = 0
    cells: int = 0
    last_value_row: int | None = None  # None: unknown (rows without numbers): parse to the end
    first_value_row: int | None = None
    merged: list[str] = field(default_factory=list)
    numbered: bool = True


def scan_sheet(archive: zipfile.ZipFile, member: str, *, max_bytes: int = MAX_SHEET_BYTES,
               max_cells: int = MAX_SHEET_CELLS) -> SheetScan:
    """Read a sheet's XML as bytes: its size and cell count (raising SheetTooLarge past the bounds), the last row
    with a value, and its merged ranges. Stops reading as soon as a bound is passed."""
    found = SheetScan()
    merged: set[str] = set()
    tail = b""
    prefix = b""
    current_row: int | None = 0
    with archive.open(member) as handle:
        for index, chunk in enumerate(iter(lambda: handle.read(1 << 20), b"")):
            if index == 0:
                match = _PREFIX.search(chunk)
                prefix = (match.group(1) or b"") if match else b""
            found.xml_bytes += len(chunk)
            if found.xml_bytes > max_bytes:
                raise SheetTooLarge(f"the sheet's data is over {max_bytes // (1024 * 1024)} MB unpacked; "
                                    "split it or send CSV")
            buffer = tail + chunk
            cell_tag, row_tag = b"<" + prefix + b"c ", b"<" + prefix + b"row "
            found.cells += buffer.count(cell_tag) - tail.count(cell_tag)
            if found.cells > max_cells:
                raise SheetTooLarge(f"the sheet has over {max_cells:,} cells; split it or send CSV")
            if b"<" + prefix + b"row>" in buffer:
                found.numbered = False  # rows without numbers: parse to the end
            last_value = max(buffer.rfind(b"<" + prefix + b"v>"), buffer.rfind(b"<" + prefix + b"v "),
                             buffer.rfind(b"<" + prefix + b"is>"))
            if last_value >= 0:
                start = buffer.rfind(row_tag, 0, last_value)
                found.last_value_row = _row_number(buffer[start:start + 200]) if start >= 0 else current_row
                if found.first_value_row is None:
                    first_value = min(i for i in (buffer.find(b"<" + prefix + b"v>"), buffer.find(b"<" + prefix
                                      + b"v "), buffer.find(b"<" + prefix + b"is>")) if i >= 0)
                    start = buffer.rfind(row_tag, 0, first_value)
                    found.first_value_row = _row_number(buffer[start:start + 200]) if start >= 0 else current_row
            start = buffer.rfind(row_tag)
            if start >= 0:
                current_row = _row_number(buffer[start:start + 200])
            merged.update(m.decode() for m in _MERGE.findall(buffer))
            tail = buffer[-256:]
    found.merged = sorted(merged)
    if not found.numbered or found.last_value_row == 0:
        found.last_value_row = found.first_value_row = None
    return found


def _row_number(element: bytes) -> int | None:
    end = element.find(b">")
    match = _ROW_NUMBER.search(element, 0, end if end > 0 else len(element))
    return int(match.group(1)) if match else None


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
    rows = _rows(reader, part, scanned, book.percent_styles)
    head = []
    for _, (line, values, _) in zip(range(HEADER_ROWS), rows, strict=False):
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
    for line, values, unsaved in [*head[index + 1:], *rows]:
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


def _rows(reader, part: str, scanned: SheetScan, percent: set[int]):
    """(line, values, columns holding a formula without a value) of each row holding anything, in order.

    Parsed with expat and a few callbacks per cell (openpyxl's own sheet parser builds an element tree per row,
    several times slower), converting values as openpyxl does: shared strings, booleans, dates by their number
    format, and percentages as shown. Stops after the last row holding a value (`scanned`).
    """
    from xml.parsers import expat

    sheet = _SheetReader(reader, percent)
    parser = expat.ParserCreate()
    parser.StartElementHandler, parser.EndElementHandler = sheet.start, sheet.end
    parser.CharacterDataHandler = sheet.text
    parser.buffer_text = True
    last = scanned.last_value_row
    with reader.archive.open(part) as handle:
        for chunk in iter(lambda: handle.read(1 << 18), b""):
            parser.Parse(chunk, False)
            done = sheet.done
            yield from done
            passed = bool(done) and last is not None and done[-1][0] >= last
            done.clear()
            if passed or (last is not None and sheet.row > last):
                return
        parser.Parse(b"", True)
        yield from sheet.done


_C, _V, _F, _IS, _T, _ROW = range(1, 7)
_TAGS = {"c": _C, "v": _V, "f": _F, "is": _IS, "t": _T, "row": _ROW}


class _SheetReader:
    """expat callbacks collecting a sheet's rows into `done` as (line, values, unsaved formula columns)."""

    def __init__(self, reader, percent: set[int]) -> None:
        from openpyxl.utils.datetime import from_excel

        self.strings, self.percent, self.from_excel = reader.shared_strings, percent, from_excel
        workbook = reader.wb
        self.dates, self.durations, self.epoch = workbook._date_formats, workbook._timedelta_formats, workbook.epoch
        self.done: list[tuple[int, list, list]] = []
        self.tags: dict[str, int] = {}
        self.columns: dict[str, int] = {}
        self.row = self.column = self.style = 0
        self.cells: dict[int, object] = {}
        self.unsaved: list[int] = []
        self.kind, self.raw, self.formula, self.collect, self.inline = "n", None, False, False, False
        self.buffer: list[str] = []

    def _tag(self, name: str) -> int:
        tag = self.tags.get(name)
        if tag is None:
            tag = self.tags[name] = _TAGS.get(name.rpartition(":")[2], 0)  # `x:c` as .NET writers spell it
        return tag

    def start(self, name: str, attrs: dict) -> None:
        tag = self._tag(name)
        if tag == _C:
            ref = attrs.get("r")
            if ref:
                letters = ref.rstrip("0123456789")
                column = self.columns.get(letters)
                if column is None:
                    column = self.columns[letters] = _column_number(letters)
                self.column = column
            else:
                self.column += 1
            self.kind, style = attrs.get("t", "n"), attrs.get("s")
            self.style = int(style) if style else 0
            self.raw, self.formula = None, False
        elif tag == _V or (tag == _T and self.inline):
            self.collect = True
            self.buffer.clear()
        elif tag == _F:
            self.formula = True
        elif tag == _IS:
            self.inline, self.raw = True, ""
        elif tag == _ROW:
            number = attrs.get("r")
            self.row = int(float(number)) if number else self.row + 1
            self.cells, self.unsaved, self.column = {}, [], 0

    def text(self, data: str) -> None:
        if self.collect:
            self.buffer.append(data)

    def end(self, name: str) -> None:
        tag = self._tag(name)
        if tag == _C:
            value = self._value()
            if value is not None:
                self.cells[self.column] = value
            elif self.formula:
                self.unsaved.append(self.column)
        elif tag == _V:
            self.raw, self.collect = "".join(self.buffer), False
        elif tag == _T and self.inline:
            self.raw += "".join(self.buffer)
            self.collect = False
        elif tag == _IS:
            self.inline = False
        elif tag == _ROW and (self.cells or self.unsaved):
            values = [None] * max([*self.cells, *self.unsaved])
            for column, value in self.cells.items():
                values[column - 1] = value
            if self.unsaved or any(v not in (None, "") for v in values):
                self.done.append((self.row, values, self.unsaved))

    def _value(self):
        raw, kind = self.raw, self.kind
        if not raw:  # no <v>, or an empty one (what a script writes for a formula it did not calculate)
            return None
        if kind == "s":
            return self.strings[int(raw)]
        if kind == "n":
            number = float(raw) if ("." in raw or "E" in raw or "e" in raw) else int(raw)
            if self.style in self.dates:
                try:
                    return self.from_excel(number, self.epoch, timedelta=self.style in self.durations)
                except (OverflowError, ValueError):
                    return raw
            return Percent(number) if self.style in self.percent else number
        if kind == "b":
            return raw.strip() in ("1", "true")
        return raw  # str, inlineStr, e (an error such as #N/A), d (an ISO date as text)


def _column_number(letters: str) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + ord(ch) - 64
    return number


class Percent(float):
    """A number shown as a percentage: read as the number shown (0.45 -> 45)."""


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

"""A worksheet's XML, read directly: one bounded pass over its bytes, then its rows through expat.

`scan_sheet` reads the bytes only (no parsing): it bounds the sheet's size and cell count (SheetTooLarge past
them), finds the first and last rows holding a value (the parse stops at the last: a sheet of a million formatted
empty rows costs no more than its data) and lists its merged ranges. `rows` then parses the sheet with a few expat
callbacks per cell, converting values as openpyxl does (shared strings, booleans, dates by their number format)
and keeping a number shown as a percentage as `Percent`. Neither reads the sheet's `<dimension>` record, which
some programs write wrong or leave out.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field

# Bounds on one sheet, checked on its XML before parsing (a zip packs a sheet of empty rows ~650 to 1).
MAX_SHEET_BYTES = 256 * 1024 * 1024
MAX_SHEET_CELLS = 16_000_000
_ROW_NUMBER = re.compile(rb'\br="?([0-9]+)')
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell ref="([A-Z]+[0-9]+:[A-Z]+[0-9]+)"')
_PREFIX = re.compile(rb"<(\w+:)?worksheet\b")

class SheetTooLarge(ValueError):
    """A sheet past MAX_SHEET_BYTES or MAX_SHEET_CELLS; the message says which bound."""

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


def rows(reader, part: str, scanned: SheetScan, percent: set[int]):
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

"""Files as an upload receives them: their names, the tables each one holds, and the bounds they must keep.

Nothing here writes anywhere: a file that cannot be taken is refused (UploadRefused, naming the file and saying
why) before a staged folder exists. A CSV is for the table it is named after, a workbook for the tables its sheets
are named after (the loader's rule, `load.workbook.sheet_tables`); a table sheet with only its header row is told
apart from one holding data by reading the sheet's bytes, bounded, without parsing it.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl

from data_pipeline.contract import TABLES_BY_NAME, TEMPLATE_NOTES
from data_pipeline.load import normalise_header
from data_pipeline.load.sheet_xml import SheetTooLarge, scan_sheet
from data_pipeline.load.workbook import sheet_tables

UPLOAD_SUFFIXES = (".csv", ".xlsx")
# An .xlsx is a zip: past this many times the upload limit unpacked, it is a zip bomb, not a spreadsheet.
MAX_UNZIPPED_FACTOR = 50
# Bounds on one uploaded sheet, checked on its XML before anything parses it (a sheet of formatted empty rows packs
# ~650 to 1); the parse itself stops at the last row holding a value.
UPLOAD_MAX_SHEET_BYTES = 200 * 1024 * 1024
UPLOAD_MAX_CELLS = 3_000_000
_DATA = re.compile(rb"[^\s,;\"']")


class UploadRefused(ValueError):
    """An upload or a publish that cannot go ahead; the message names the file and says why."""


@dataclass
class Upload:
    """One received file: its name and bytes, and the tables it replaces (table -> sheet, None for a CSV)."""

    name: str
    data: bytes
    tables: dict[str, str | None]  # table -> sheet (None for a CSV), holding data rows
    empty: dict[str, str | None]  # table -> sheet with no rows below the header
    other_sheets: list[str]
    notes: list[str] = field(default_factory=list)  # sheets left out and why (hidden, not named after a table)

    def label(self, table: str, tables: dict[str, str | None] | None = None) -> str:
        sheet = (tables or self.tables)[table]
        return f"{self.name}[{sheet}]" if sheet else self.name


def receive(files: list[tuple[str, bytes]], *, max_bytes: int) -> list[Upload]:
    """The uploaded `files` (name as sent by the browser, content), each with the tables it holds.

    Refuses (UploadRefused, naming the file) nothing at all, more than `max_bytes` in total, a bad name, a file
    sent twice, a file that is not a CSV or workbook, names no table, or is too large once unpacked.
    """
    if not files:
        raise UploadRefused("no files were uploaded")
    total = sum(len(data) for _, data in files)
    if total > max_bytes:
        raise UploadRefused(f"the upload is {megabytes(total)}; the limit is {megabytes(max_bytes)}")
    names = [_checked_name(name) for name, _ in files]
    for index, name in enumerate(names):
        if name.lower() in (n.lower() for n in names[:index]):
            raise UploadRefused(f"{name}: uploaded twice; send it once")
    return [_inspect(name, data, max_bytes) for name, (_, data) in zip(names, files, strict=True)]


def megabytes(size: int) -> str:
    """A size as a person reads it: "12.3 MB", or bytes for a small file."""
    return f"{size / 1024 / 1024:.1f} MB" if size >= 100_000 else f"{size:,} bytes"


def _checked_name(name: object) -> str:
    """The file name if it is a plain .csv/.xlsx name; refuses folders, hidden and temporary files."""
    if not isinstance(name, str) or not name.strip():
        raise UploadRefused("a file without a name was uploaded")
    if "/" in name or "\\" in name or name in (".", ".."):
        raise UploadRefused(f"{name}: send the file itself, named without folders")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in name) or name != name.strip() or len(name) > 200:
        raise UploadRefused(f"{name!r}: the file name has control characters, outer spaces or is too long")
    if name.startswith((".", "~$")):
        raise UploadRefused(f"{name}: hidden or temporary (Excel lock) file; send the workbook itself")
    suffix = Path(name).suffix.lower()
    if suffix not in UPLOAD_SUFFIXES:
        hint = "; save it as Excel Workbook (.xlsx)" if suffix in (".xls", ".xlsm", ".xlsb", ".ods") else ""
        raise UploadRefused(f"{name}: only .csv and .xlsx files can be uploaded{hint}")
    return name


def _inspect(name: str, data: bytes, max_bytes: int) -> Upload:
    if name.lower().endswith(".csv"):
        return _inspect_csv(name, data)
    return _inspect_xlsx(name, data, max_bytes)


def _inspect_csv(name: str, data: bytes) -> Upload:
    table = normalise_header(Path(name).stem)
    if table not in TABLES_BY_NAME:
        raise UploadRefused(f"{name}: no table of the data contract is called {table or name}; name a CSV after "
                            f"its table, e.g. grants.csv ({', '.join(TABLES_BY_NAME)})")
    if _DATA.search(data) is None:
        raise UploadRefused(f"{name}: the file is empty")
    end_of_header = data.find(b"\n")
    has_rows = end_of_header >= 0 and _DATA.search(data, end_of_header + 1) is not None
    return Upload(name, data, {table: None} if has_rows else {}, {} if has_rows else {table: None}, [])


def _inspect_xlsx(name: str, data: bytes, max_bytes: int) -> Upload:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
            macros = _has_macros(archive)
    except zipfile.BadZipFile as exc:
        raise UploadRefused(f"{name}: is not an Excel workbook (.xlsx); open it in Excel and save it as "
                            "Excel Workbook (.xlsx)") from exc
    if macros:
        # kept as received, a workbook with macros would be handed on to whoever downloads the upload
        raise UploadRefused(f"{name}: is a macro-enabled workbook (it holds VBA code) saved as .xlsx; macros are "
                            "not accepted: save it as Excel Workbook (.xlsx)")
    if unpacked > max(max_bytes, 1 << 20) * MAX_UNZIPPED_FACTOR:
        raise UploadRefused(f"{name}: unpacks to {megabytes(unpacked)}, too large to read")
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise UploadRefused(f"{name}: cannot be opened as an Excel workbook ({exc})") from exc
    tables: dict[str, str | None] = {}
    empty: dict[str, str | None] = {}
    try:
        sheets = table_sheets(workbook)
        chosen, notes = sheet_tables(sheets, normalise_header(Path(name).stem))  # the loader's rule
        for table, names in chosen.items():
            if len(names) > 1:
                raise UploadRefused(f"{name}: sheets '{names[0]}' and '{names[1]}' are both table {table}; keep one")
            (tables if _has_rows(workbook, name, names[0]) else empty)[table] = names[0]
    finally:
        workbook.close()
    if not tables and not empty:
        raise UploadRefused(f"{name}: no sheet is named after a table of the data contract "
                            f"({', '.join(TABLES_BY_NAME)}); start from the Excel template")
    used = {sheet for names in chosen.values() for sheet in names}
    other = [sheet for sheet, visible in sheets if visible and sheet not in used]
    return Upload(name, data, tables, empty, other, notes)


def _has_macros(archive: zipfile.ZipFile) -> bool:
    names = {name.lower() for name in archive.namelist()}
    if any(name.endswith("vbaproject.bin") for name in names):
        return True
    try:
        types = archive.read("[Content_Types].xml")
    except KeyError:
        return False
    return b"macroenabled" in types.lower()


def _has_rows(workbook, name: str, sheet: str) -> bool:
    """True when a row below the header holds a value (the loader skips blank rows the same way), read from the
    sheet's bytes, bounded, without parsing it."""
    worksheet = workbook[sheet]
    try:
        scanned = scan_sheet(workbook._archive, worksheet._worksheet_path, max_bytes=UPLOAD_MAX_SHEET_BYTES,
                             max_cells=UPLOAD_MAX_CELLS)
    except SheetTooLarge as exc:
        raise UploadRefused(f"{name}[{sheet}]: {exc}") from exc
    if scanned.numbered:
        return scanned.last_value_row is not None and scanned.last_value_row > (scanned.first_value_row or 0)
    worksheet.reset_dimensions()  # rows without numbers (rare writers): read them
    return any(any(value is not None and value != "" for value in row)
               for row in worksheet.iter_rows(min_row=2, values_only=True))


def table_sheets(workbook: openpyxl.Workbook) -> list[tuple[str, bool]]:
    """(name, visible) of the sheets that may hold a table: the template's own read-me and dictionary, whatever
    language titles them, are left out by the mark it writes on them (contract.TEMPLATE_NOTES), as the loader does."""
    return [(ws.title, ws.sheet_state == "visible") for ws in workbook.worksheets
            if TEMPLATE_NOTES not in ws.defined_names]

"""A staged source set's folder: the current set's files without the tables an upload replaces, then the upload.

The loader reads one file per table, so a workbook of the current set that also holds a replaced table is copied
with only its other table sheets, and an uploaded workbook with header-only sheets ("keep the current data") goes
in without them. A copy keeps each cell's value and row, so problems still point at the row the person sees in
their own file.
"""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path

import openpyxl
from openpyxl.cell import WriteOnlyCell

from data_pipeline.build import DEMO_MARKER
from data_pipeline.contract import TABLES_BY_NAME
from data_pipeline.load import FORMATS, normalise_header
from data_pipeline.load.sheet_xml import scan_sheet
from data_pipeline.load.workbook import sheet_tables
from data_pipeline.upload_files import Upload, table_sheets


def _source_tables(path: Path) -> dict[str, str | None]:
    """The tables a file of a source set provides (table -> sheet), by the loader's naming rules."""
    suffix = path.suffix.lower().lstrip(".")
    stem = normalise_header(path.stem)
    if suffix != "xlsx":
        return {stem: None} if stem in TABLES_BY_NAME else {}
    workbook = openpyxl.load_workbook(path, read_only=True)
    try:
        sheets = table_sheets(workbook)
    finally:
        workbook.close()
    return {table: names[0] for table, names in sheet_tables(sheets, stem)[0].items()}


def copy_current(current: Path, folder: Path, replaced: set[str], taken: set[str]) -> None:
    """Copy the current set's files into `folder`, leaving out the replaced tables.

    A workbook that also holds replaced tables is copied with only its other table sheets. One whose name an
    uploaded workbook takes (the same template uploaded again) is kept under a new name, each sheet named after
    its table so the name no longer matters.
    """
    files = sorted(current.iterdir()) if current.is_dir() else []
    existing = {path.name.lower() for path in files}
    copied_any = False
    for path in files:
        if (not path.is_file() or path.name.startswith((".", "~$"))
                or path.suffix.lower().lstrip(".") not in FORMATS):
            continue
        tables = _source_tables(path)
        kept = {table: sheet for table, sheet in tables.items() if table not in replaced}
        if not kept:
            continue
        copied_any = True
        renamed = path.name.lower() in taken  # only a workbook can clash: a CSV's name is its table
        name = _free_name(path, taken | existing) if renamed else path.name
        taken.add(name.lower())
        if not renamed and len(kept) == len(tables):
            shutil.copy2(path, folder / name)
            continue
        # Under a new name a lone sheet can no longer borrow the workbook's name: name it after its table.
        _copy_sheets(path, folder / name,
                     {sheet: sheet if normalise_header(sheet) == table else table for table, sheet in kept.items()})
    if copied_any and (current / DEMO_MARKER).exists():
        # Demo tables are still part of the set: the dashboard keeps saying it shows demo data.
        shutil.copy2(current / DEMO_MARKER, folder / DEMO_MARKER)


def _free_name(path: Path, used: set[str]) -> str:
    for n in range(1, 1000):
        name = f"{path.stem}-previous{n if n > 1 else ''}{path.suffix}"
        if name.lower() not in used:
            return name
    raise RuntimeError(f"no free name for {path.name}")


def place(upload: Upload, folder: Path) -> None:
    """Write an uploaded file into the staged folder: as received, or a workbook without its header-only sheets."""
    if not upload.empty:
        (folder / upload.name).write_bytes(upload.data)
        return
    _copy_sheets(io.BytesIO(upload.data), folder / upload.name, {s: s for s in upload.tables.values()})


def _copy_sheets(source: Path | io.BytesIO, dest: Path, sheets: dict[str, str]) -> None:
    """Write a workbook holding the values of `sheets` (original name -> name in the copy), row for row.

    Values are what the loader reads (cached results of formulas, not formulas); blank rows are kept so every
    record stays on the line the person sees in the original.
    """
    reader = openpyxl.load_workbook(source, read_only=True, data_only=True)
    writer = openpyxl.Workbook(write_only=True)
    try:
        for original, name in sheets.items():
            out = writer.create_sheet(name)
            sheet = reader[original]
            last = scan_sheet(reader._archive, sheet._worksheet_path).last_value_row
            sheet.reset_dimensions()  # the <dimension> record may be wrong; the rows are what counts
            for row in sheet.iter_rows(values_only=True, max_row=last):
                out.append([_value_cell(out, value) for value in row])
    finally:
        reader.close()
    partial = dest.with_name(f".{dest.name}.partial")
    try:
        writer.save(partial)
        os.replace(partial, dest)
    finally:
        partial.unlink(missing_ok=True)


def _value_cell(sheet, value: object) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # text that starts with "=" stays text, not a formula without a result
    return cell

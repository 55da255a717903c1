"""Source files uploaded in the browser: stage a new source set, check it with the real build, publish it.

An upload never changes the source set it starts from. `stage` makes a new folder in the store, copies the
current set into it and puts the uploaded tables in place of the same tables there. `check` runs the CLI's
build into a scratch database in that folder, so its report is what `python -m data_pipeline build` would print.
`publish` runs that build once more, onto the served database (atomic: a failed build leaves it serving), and
then points `store/CURRENT` at the folder, which becomes the set the next upload starts from.

A staged folder holds one file per table, as the loader expects, plus `uploaded/` (the files exactly as they
were received, for the record; the loader does not look into subfolders) and `upload.json` (who, when, what).
A workbook goes in as received unless some of its sheets must not be read: a table sheet left with only its
header row ("keep the current data"), or, in a workbook from an earlier upload, a sheet whose table a later
upload replaced. Then a copy holding only the sheets still in use goes in instead. The copy keeps each cell's
value and row, so problems still point at the row the person sees in their own file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import re
import shutil
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

import openpyxl
from openpyxl.cell import WriteOnlyCell

from data_pipeline import versions
from data_pipeline.build import DEMO_MARKER, BuildBusy, BuildResult, Progress, build, report_path_for
from data_pipeline.changes import TableDiff, diff_tables
from data_pipeline.contract import SHRINK_SHARE, TABLES_BY_NAME, TEMPLATE_NOTES
from data_pipeline.load import FORMATS, normalise_header
from data_pipeline.load.workbook import SheetTooLarge, scan_sheet, sheet_tables
from data_pipeline.template import DICTIONARY_SHEET, README_SHEET

UPLOAD_SUFFIXES = (".csv", ".xlsx")
KEEP = 20  # staged folders kept besides the current one
CURRENT = versions.CURRENT
MANIFEST = "upload.json"
ORIGINALS = "uploaded"
CHECK_DB = "check.duckdb"
# An .xlsx is a zip: past this many times the upload limit unpacked, it is a zip bomb, not a spreadsheet.
MAX_UNZIPPED_FACTOR = 50
# Bounds on one uploaded sheet, checked on its XML before anything parses it (a sheet of formatted empty rows packs
# ~650 to 1); the parse itself stops at the last row holding a value.
UPLOAD_MAX_SHEET_BYTES = 200 * 1024 * 1024
UPLOAD_MAX_CELLS = 3_000_000
_FOLDER_ID = versions.FOLDER_ID
_DATA = re.compile(rb"[^\s,;\"']")
# English templates handed out before the template marked its own sheets (TEMPLATE_NOTES) are known by their titles
_TEMPLATE_SHEETS = {normalise_header(DICTIONARY_SHEET), normalise_header(README_SHEET)}


class UploadRefused(ValueError):
    """An upload or a publish that cannot go ahead; the message names the file and says why."""


class PublishRefused(UploadRefused):
    """A staged set that may not be published: not checked, checked with errors, or overtaken."""


class ConfirmationNeeded(PublishRefused):
    """A staged set that removes data, published without the confirmation that it is meant."""


@dataclass(frozen=True)
class Staged:
    """A staged source set: the folder, which tables the upload replaced, and what it left aside.

    `replaced` maps a table to the source it now comes from (`grants.csv`, `book.xlsx[grants]`), `ignored` says
    in words what was not used (header-only sheets, sheets not named after a table). `base` is the source set it
    was copied from and `base_id` the store's CURRENT at that time (None before the first publish).
    """

    folder: Path
    replaced: dict[str, str]
    ignored: list[str]
    actor: str
    staged_at: str
    base: str
    base_id: str | None
    uploads: list[dict] = field(default_factory=list)  # name, bytes, sha256 of each received file

    @property
    def id(self) -> str:
        return self.folder.name

    @property
    def report_path(self) -> Path:
        """The check's JSON report (the same shape as the build report beside the served database)."""
        return report_path_for(self.folder / CHECK_DB)


@dataclass
class _Upload:
    name: str
    data: bytes
    tables: dict[str, str | None]  # table -> sheet (None for a CSV), holding data rows
    empty: dict[str, str | None]  # table -> sheet with no rows below the header
    other_sheets: list[str]
    notes: list[str] = field(default_factory=list)  # sheets left out and why (hidden, not named after a table)

    def label(self, table: str, tables: dict[str, str | None] | None = None) -> str:
        sheet = (tables or self.tables)[table]
        return f"{self.name}[{sheet}]" if sheet else self.name


def stage(files: list[tuple[str, bytes]], *, current: Path, store: Path, max_bytes: int, actor: str,
          keep: int = KEEP) -> Staged:
    """Stage uploaded files as a new source set in `store`, on top of the set in `current`.

    `files` are (name as sent by the browser, content). Only `.csv` and `.xlsx` are taken; a CSV is for the
    table it is named after, a workbook for the tables its sheets are named after. A table sheet with only its
    header row keeps the current data of that table. Raises UploadRefused, naming the file, for a bad name, an
    unknown table, a table given twice, an upload over `max_bytes` in total, or nothing to replace; nothing is
    left in the store then. Old staged folders beyond `keep` are pruned afterwards.
    """
    if not files:
        raise UploadRefused("no files were uploaded")
    total = sum(len(data) for _, data in files)
    if total > max_bytes:
        raise UploadRefused(f"the upload is {_megabytes(total)}; the limit is {_megabytes(max_bytes)}")
    names = [_checked_name(name) for name, _ in files]
    for index, name in enumerate(names):
        if name.lower() in (n.lower() for n in names[:index]):
            raise UploadRefused(f"{name}: uploaded twice; send it once")
    uploads = [_inspect(name, data, max_bytes) for name, (_, data) in zip(names, files, strict=True)]

    replaced: dict[str, str] = {}
    ignored: list[str] = []
    for upload in uploads:
        for table in upload.tables:
            if table in replaced:
                raise UploadRefused(f"{upload.label(table)}: table {table} is also in {replaced[table]}; "
                                    "upload one of them")
            replaced[table] = upload.label(table)
        ignored += [f"{upload.label(t, upload.empty)}: only a header row, the current {t} data is kept"
                    for t in upload.empty]
        ignored += [f"{upload.name}[{sheet}]: not named after a table of the data contract, not read"
                    for sheet in upload.other_sheets if normalise_header(sheet) not in _TEMPLATE_SHEETS]
        ignored += [f"{upload.name}: {note}" for note in upload.notes]
    if not replaced:
        raise UploadRefused("nothing to replace: " + "; ".join(ignored or [u.name for u in uploads]))

    current, store = Path(current), Path(store)
    base_id = versions.read_pointer(store)  # read before copying: a publish in between is caught by `publish`
    folder = versions.new_folder(store)
    try:
        originals = folder / ORIGINALS
        originals.mkdir()
        for upload in uploads:
            (originals / upload.name).write_bytes(upload.data)
        taken = {u.name.lower() for u in uploads if u.tables}
        _copy_current(current, folder, set(replaced), taken)
        for upload in uploads:
            if upload.tables:
                _place(upload, folder)
        staged = Staged(
            folder=folder, replaced=dict(sorted(replaced.items())), ignored=ignored, actor=actor,
            staged_at=versions.utc_now(), base=str(current),
            base_id=base_id,
            uploads=[{"name": u.name, "bytes": len(u.data), "sha256": hashlib.sha256(u.data).hexdigest()}
                     for u in uploads],
        )
        _write_manifest(staged)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    prune(folder.parent, keep=keep)
    return staged


def open_staged(store: Path, staged_id: str) -> Staged:
    """The staged set `staged_id` of `store` (an id from `Staged.id`, e.g. kept by the page between requests)."""
    if not isinstance(staged_id, str) or not _FOLDER_ID.match(staged_id):
        raise UploadRefused(f"{staged_id!r} is not an upload id")
    folder = Path(store) / staged_id
    try:
        record = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UploadRefused(f"upload {staged_id} is no longer kept; upload the files again") from exc
    return Staged(folder=folder, **{k: v for k, v in record.items() if k != "id"})


def check(staged: Staged, *, today: dt.date | None = None, progress: Progress | None = None,
          compare_with: Path | None = None, shrink_share: float = SHRINK_SHARE) -> BuildResult:
    """Validate and build the staged set exactly as `python -m data_pipeline build` would, publishing nothing.

    The build goes to a scratch database in the staged folder, deleted afterwards; its report stays
    (`staged.report_path`) and is what `publish` reads. `result.problems` is the report to show: file (the
    uploaded file's name, or `workbook.xlsx[sheet]`), line (the spreadsheet row), column and message. It is
    compared with the served database `compare_with` (tables that would shrink need a confirmation).
    """
    db = staged.folder / CHECK_DB
    result = build(staged.folder, db, today=today, progress=progress,  # BuildBusy: this upload is being checked
                   compare_with=compare_with, shrink_share=shrink_share)
    db.unlink(missing_ok=True)
    return result


def publish(staged: Staged, *, db_path: Path, today: dt.date | None = None, progress: Progress | None = None,
            confirm_shrink: bool = False, shrink_share: float = SHRINK_SHARE, actor: str | None = None) -> BuildResult:
    """Publish a checked staged set: the CLI's build onto `db_path`, then CURRENT points at the staged folder and
    the publish is recorded in the store's history (versions.py) under `actor` (default: who uploaded it).

    Refuses (PublishRefused) a set that was not checked, whose check found errors (other than a shrink, when
    `confirm_shrink`), that is already published, or whose base is no longer the current set (someone published
    since: publishing would drop their change). A build that fails anyway returns `ok=False` and leaves the
    served database and CURRENT as they were. Raises BuildBusy while another publish to the same store is running.
    """
    store = staged.folder.parent
    with versions.publish_lock(store):
        current = versions.read_pointer(store)
        if current == staged.id:
            raise PublishRefused(f"upload {staged.id} is already the published data")
        if current != staged.base_id:
            now = f" (now upload {current})" if current else ""
            raise PublishRefused(f"the published data changed after this upload was staged{now}; upload the files "
                                 "again so that change is not lost")
        _require_clean_check(staged, confirm_shrink)
        result = build(staged.folder, Path(db_path), today=today, progress=progress, confirm_shrink=confirm_shrink,
                       shrink_share=shrink_share)
        if result.ok:
            versions.write_pointer(store, staged.id)
            versions.record(store, staged.id, result, actor=actor or staged.actor, how="upload",
                            note="replaced " + ", ".join(staged.replaced))
    return result


def current_source(store: Path, default: Path) -> Path:
    """The source folder the served database was last published from: `store/CURRENT`, else `default`."""
    return versions.current_source(store, default)


# --- the workflow the upload page runs ---------------------------------------------------------------------------

@dataclass(frozen=True)
class CheckedUpload:
    """An upload staged and checked: the build's verdict, and per replaced table what it would change."""

    staged: Staged
    result: BuildResult
    diffs: list[TableDiff]

    @property
    def verdict(self) -> str:
        """"errors" (nothing can be published), "confirm" (publishable once the shrink is confirmed) or "ok"."""
        if self.result.needs_confirmation:
            return "confirm"
        return "errors" if self.result.errors else "ok"

    @property
    def publishable(self) -> bool:
        return self.verdict != "errors"


def check_upload(files: list[tuple[str, bytes]], *, store: Path, default_source: Path, db_path: Path,
                 max_bytes: int, actor: str, today: dt.date | None = None,
                 shrink_share: float = SHRINK_SHARE) -> CheckedUpload:
    """Stage uploaded files on top of the current set, check them against the served database, and count what
    they change in each replaced table (rows before and after, added, removed, changed).

    Raises UploadRefused (the message names the file, never a server path) for files that cannot be staged, or
    while this upload is already being checked.
    """
    staged = stage(files, current=current_source(store, default_source), store=store, max_bytes=max_bytes,
                   actor=actor)
    try:
        result = check(staged, today=today, compare_with=db_path, shrink_share=shrink_share)
    except BuildBusy as exc:
        raise UploadRefused("this upload is already being checked; wait for its report") from exc
    base = Path(staged.base)
    diffs = diff_tables(base if base.is_dir() else None, staged.folder, list(staged.replaced))
    return CheckedUpload(staged, result, diffs)


def publish_upload(store: Path, staged_id: object, *, db_path: Path, actor: str, confirm_shrink: bool = False,
                   today: dt.date | None = None, shrink_share: float = SHRINK_SHARE) -> BuildResult:
    """Publish a checked upload by its id (kept by the page between requests). Raises UploadRefused with a
    message for the person publishing: unknown or expired id, unchecked, errors, a shrink not confirmed,
    overtaken by another publish, or another publish running."""
    staged = open_staged(store, staged_id)  # type: ignore[arg-type]
    try:
        return publish(staged, db_path=db_path, today=today, confirm_shrink=confirm_shrink,
                       shrink_share=shrink_share, actor=actor)
    except BuildBusy as exc:
        raise UploadRefused("another publish is running; try again in a minute") from exc


def prune(store: Path, *, keep: int = KEEP) -> list[Path]:
    """Delete staged folders but the newest `keep` and the current one; return what was deleted."""
    store = Path(store)
    if not store.is_dir():
        return []
    current = versions.read_pointer(store)
    folders = sorted(p for p in store.iterdir() if p.is_dir() and _FOLDER_ID.match(p.name))
    old = [p for p in folders[: max(len(folders) - max(keep, 1), 0)] if p.name != current]
    for folder in old:
        shutil.rmtree(folder, ignore_errors=True)
    return old


# --- receiving files ------------------------------------------------------------------------------------------

def _megabytes(size: int) -> str:
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


def _inspect(name: str, data: bytes, max_bytes: int) -> _Upload:
    if name.lower().endswith(".csv"):
        return _inspect_csv(name, data)
    return _inspect_xlsx(name, data, max_bytes)


def _inspect_csv(name: str, data: bytes) -> _Upload:
    table = normalise_header(Path(name).stem)
    if table not in TABLES_BY_NAME:
        raise UploadRefused(f"{name}: no table of the data contract is called {table or name}; name a CSV after "
                            f"its table, e.g. grants.csv ({', '.join(TABLES_BY_NAME)})")
    if _DATA.search(data) is None:
        raise UploadRefused(f"{name}: the file is empty")
    end_of_header = data.find(b"\n")
    has_rows = end_of_header >= 0 and _DATA.search(data, end_of_header + 1) is not None
    return _Upload(name, data, {table: None} if has_rows else {}, {} if has_rows else {table: None}, [])


def _inspect_xlsx(name: str, data: bytes, max_bytes: int) -> _Upload:
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
        raise UploadRefused(f"{name}: unpacks to {_megabytes(unpacked)}, too large to read")
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise UploadRefused(f"{name}: cannot be opened as an Excel workbook ({exc})") from exc
    tables: dict[str, str | None] = {}
    empty: dict[str, str | None] = {}
    try:
        sheets = _sheets(workbook)
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
    return _Upload(name, data, tables, empty, other, notes)


def _sheets(workbook) -> list[tuple[str, bool]]:
    """(name, visible) of the sheets that may hold a table: the template's own read-me and dictionary, whatever
    language titles them, are left out by the mark it writes on them (contract.TEMPLATE_NOTES), as the loader does."""
    return [(ws.title, ws.sheet_state == "visible") for ws in workbook.worksheets
            if TEMPLATE_NOTES not in ws.defined_names]


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


# --- building the staged folder -------------------------------------------------------------------------------

def _source_tables(path: Path) -> dict[str, str | None]:
    """The tables a file of a source set provides (table -> sheet), by the loader's naming rules."""
    suffix = path.suffix.lower().lstrip(".")
    stem = normalise_header(path.stem)
    if suffix != "xlsx":
        return {stem: None} if stem in TABLES_BY_NAME else {}
    workbook = openpyxl.load_workbook(path, read_only=True)
    try:
        sheets = _sheets(workbook)
    finally:
        workbook.close()
    return {table: names[0] for table, names in sheet_tables(sheets, stem)[0].items()}


def _copy_current(current: Path, folder: Path, replaced: set[str], taken: set[str]) -> None:
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


def _place(upload: _Upload, folder: Path) -> None:
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


def _write_manifest(staged: Staged) -> None:
    record = {"id": staged.id} | {k: v for k, v in asdict(staged).items() if k != "folder"}
    (staged.folder / MANIFEST).write_text(json.dumps(record, indent=2), encoding="utf-8")


# --- publishing -----------------------------------------------------------------------------------------------

def _require_clean_check(staged: Staged, confirm_shrink: bool) -> None:
    try:
        report = json.loads(staged.report_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise PublishRefused(f"upload {staged.id} has not been checked; check it before publishing") from exc
    errors, unconfirmed = report.get("errors", 0), report.get("unconfirmed", 0)
    if unconfirmed and errors == unconfirmed and not confirm_shrink:
        raise ConfirmationNeeded(f"upload {staged.id} removes data (the report says which tables or months "
                                 "shrink): confirm that you mean it before publishing")
    if errors > unconfirmed or (errors and not confirm_shrink) or (not errors and not report.get("ok")):
        raise PublishRefused(f"upload {staged.id} has {errors} errors; fix the files and upload them again")

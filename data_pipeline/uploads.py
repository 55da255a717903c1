"""Source files uploaded in the browser: stage a new source set, check it with the real build, publish it.

An upload never changes the source set it starts from. `stage` makes a new folder in the store, copies the
current set into it and puts the uploaded tables in place of the same tables there. `check` runs the CLI's
build into a scratch database in that folder, so its report is what `python -m data_pipeline build` would print.
`publish` runs that build once more, onto the served database (atomic: a failed build leaves it serving), and
then points `store/CURRENT` at the folder, which becomes the set the next upload starts from.

A staged folder holds one file per table, as the loader expects (staged_folder.py builds it from the files
upload_files.py received), plus `uploaded/` (the files exactly as they were received, for the record; the loader
does not look into subfolders) and `upload.json` (who, when, what).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from dataclasses import asdict, dataclass, field
from pathlib import Path

from data_pipeline import versions
from data_pipeline.bounds import Bounds
from data_pipeline.build import BuildBusy, BuildResult, Progress, build, report_path_for
from data_pipeline.changes import TableDiff, diff_tables
from data_pipeline.contract import SHRINK_SHARE
from data_pipeline.load import normalise_header
from data_pipeline.staged_folder import copy_current, place
from data_pipeline.template import DICTIONARY_SHEET, README_SHEET
from data_pipeline.upload_files import UploadRefused, receive

KEEP = 20  # staged folders kept besides the current one
CURRENT = versions.CURRENT
MANIFEST = "upload.json"
ORIGINALS = "uploaded"
CHECK_DB = "check.duckdb"
_FOLDER_ID = versions.FOLDER_ID
# English templates handed out before the template marked its own sheets (TEMPLATE_NOTES) are known by their titles
_TEMPLATE_SHEETS = {normalise_header(DICTIONARY_SHEET), normalise_header(README_SHEET)}


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


def stage(files: list[tuple[str, bytes]], *, current: Path, store: Path, max_bytes: int, actor: str,
          keep: int = KEEP) -> Staged:
    """Stage uploaded files as a new source set in `store`, on top of the set in `current`.

    `files` are (name as sent by the browser, content). Only `.csv` and `.xlsx` are taken; a CSV is for the
    table it is named after, a workbook for the tables its sheets are named after. A table sheet with only its
    header row keeps the current data of that table. Raises UploadRefused, naming the file, for a bad name, an
    unknown table, a table given twice, an upload over `max_bytes` in total, or nothing to replace; nothing is
    left in the store then. Old staged folders beyond `keep` are pruned afterwards.
    """
    uploads = receive(files, max_bytes=max_bytes)

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
        copy_current(current, folder, set(replaced), taken)
        for upload in uploads:
            if upload.tables:
                place(upload, folder)
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
          compare_with: Path | None = None, shrink_share: float = SHRINK_SHARE,
          bounds: Bounds | None = None) -> BuildResult:
    """Validate and build the staged set exactly as `python -m data_pipeline build` would, publishing nothing.

    The build goes to a scratch database in the staged folder, deleted afterwards; its report stays
    (`staged.report_path`) and is what `publish` reads. `result.problems` is the report to show: file (the
    uploaded file's name, or `workbook.xlsx[sheet]`), line (the spreadsheet row), column and message. It is
    compared with the served database `compare_with` (tables that would shrink need a confirmation).
    """
    db = staged.folder / CHECK_DB
    result = build(staged.folder, db, today=today, progress=progress,  # BuildBusy: this upload is being checked
                   compare_with=compare_with, shrink_share=shrink_share, bounds=bounds)
    db.unlink(missing_ok=True)
    return result


def publish(staged: Staged, *, db_path: Path, today: dt.date | None = None, progress: Progress | None = None,
            confirm_shrink: bool = False, shrink_share: float = SHRINK_SHARE, actor: str | None = None,
            bounds: Bounds | None = None) -> BuildResult:
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
                       shrink_share=shrink_share, bounds=bounds)
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
                 shrink_share: float = SHRINK_SHARE, bounds: Bounds | None = None) -> CheckedUpload:
    """Stage uploaded files on top of the current set, check them against the served database, and count what
    they change in each replaced table (rows before and after, added, removed, changed).

    Raises UploadRefused (the message names the file, never a server path) for files that cannot be staged, or
    while this upload is already being checked.
    """
    staged = stage(files, current=current_source(store, default_source), store=store, max_bytes=max_bytes,
                   actor=actor)
    try:
        result = check(staged, today=today, compare_with=db_path, shrink_share=shrink_share, bounds=bounds)
    except BuildBusy as exc:
        raise UploadRefused("this upload is already being checked; wait for its report") from exc
    base = Path(staged.base)
    diffs = diff_tables(base if base.is_dir() else None, staged.folder, list(staged.replaced))
    return CheckedUpload(staged, result, diffs)


def publish_upload(store: Path, staged_id: object, *, db_path: Path, actor: str, confirm_shrink: bool = False,
                   today: dt.date | None = None, shrink_share: float = SHRINK_SHARE,
                   bounds: Bounds | None = None) -> BuildResult:
    """Publish a checked upload by its id (kept by the page between requests). Raises UploadRefused with a
    message for the person publishing: unknown or expired id, unchecked, errors, a shrink not confirmed,
    overtaken by another publish, or another publish running."""
    staged = open_staged(store, staged_id)  # type: ignore[arg-type]
    try:
        return publish(staged, db_path=db_path, today=today, confirm_shrink=confirm_shrink,
                       shrink_share=shrink_share, actor=actor, bounds=bounds)
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

"""Published versions of the source data: which set is current, who published what and when, and rollback.

The sources store (`settings.sources_store`) holds one folder per source set (an upload staged on top of the
current set, or a folder the command line published) and `CURRENT`, the id of the set the served database was
built from. Every publish appends a line to `history.jsonl` (who, when, how, rows per table, errors and warnings,
the data's as-of date) and keeps the build's report in the set's folder (`published.report.json`). Rolling back
builds an earlier set through the same atomic build and points CURRENT at it; later uploads start from it.

The command line and the browser agree on the current set: `python -m data_pipeline build` without `--source`
builds CURRENT (or the default source folder before anything was published); with `--source` onto the served
database it first copies the folder into the store as a new set (`register`), so the next upload starts from it.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import re
import secrets
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from data_pipeline.build import DEMO_MARKER, BuildBusy, BuildResult, build, report_path_for
from data_pipeline.load import FORMATS

CURRENT = "CURRENT"
HISTORY = "history.jsonl"
PUBLISHED_REPORT = "published.report.json"
FOLDER_ID = re.compile(r"^\d{8}T\d{6}Z-[0-9a-f]{6}$")


class VersionRefused(ValueError):
    """A rollback that cannot go ahead; the message says why, without server paths."""


@dataclass(frozen=True)
class Version:
    """One publish: the set it made current, who did it, when and how, and what the build counted."""

    id: str
    published_at: str
    actor: str
    how: str  # "upload", "command line", "rollback", "rebuild"
    rows: dict[str, int] = field(default_factory=dict)  # source rows per table
    errors: int = 0
    warnings: int = 0
    as_of: str | None = None
    note: str = ""
    kept: bool = True  # its folder is still in the store (it can be rolled back to)
    current: bool = False

    def as_row(self) -> dict:
        """A flat row for a table of versions (rows as one total and per table in words)."""
        return {"id": self.id, "published_at": self.published_at, "actor": self.actor, "how": self.how,
                "rows": sum(self.rows.values()),
                "tables": ", ".join(f"{t} {n:,}" for t, n in sorted(self.rows.items())),
                "warnings": self.warnings, "as_of": self.as_of, "note": self.note,
                "status": "current" if self.current else "kept" if self.kept else "pruned"}


def utc_now() -> str:
    """Now, in UTC, to the second, as ISO 8601 with a Z: the time a set is recorded with."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def new_folder(store: Path) -> Path:
    """A new, empty set folder in `store`, named for the time (sorts by age) and a random suffix."""
    store.mkdir(parents=True, exist_ok=True)
    for _ in range(10):
        folder = store / f"{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"
        try:
            folder.mkdir()
        except FileExistsError:
            continue
        return folder
    raise RuntimeError("cannot create a new folder in the sources store")


def read_pointer(store: Path) -> str | None:
    """The id of the set being served, read from the store's pointer file; None if missing or not a set folder."""
    try:
        staged_id = (Path(store) / CURRENT).read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return staged_id if FOLDER_ID.match(staged_id) and (Path(store) / staged_id).is_dir() else None


def write_pointer(store: Path, staged_id: str) -> None:
    """Point the store at `staged_id`, atomically: written to a temporary file, synced, then renamed over."""
    partial = store / f".{CURRENT}.{os.getpid()}"
    with partial.open("w", encoding="utf-8") as handle:
        handle.write(staged_id + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(partial, store / CURRENT)
    fd = os.open(store, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def publish_lock(store: Path) -> Iterator[None]:
    """One publish (upload, command line or rollback) per store at a time; BuildBusy for the others."""
    store.mkdir(parents=True, exist_ok=True)
    with (store / ".publish.lock").open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise BuildBusy("another publish is running; try again in a minute") from exc
        yield


def current_source(store: Path, default: Path) -> Path:
    """The source folder the served database was last published from: `store/CURRENT`, else `default`."""
    staged_id = read_pointer(Path(store))
    return Path(store) / staged_id if staged_id else Path(default)


def record(store: Path, staged_id: str, result: BuildResult, *, actor: str, how: str, note: str = "") -> Version:
    """Append a publish to the history and keep its build report in the set's folder."""
    report = report_path_for(result.db_path)
    if report.exists():
        shutil.copyfile(report, Path(store) / staged_id / PUBLISHED_REPORT)
    version = Version(
        id=staged_id, published_at=utc_now(), actor=actor, how=how,
        rows={table: after for table, (_before, after) in result.changes.items()},
        errors=len(result.errors), warnings=len(result.warnings),
        as_of=result.as_of.isoformat() if result.as_of else None, note=note)
    entry = {k: v for k, v in version.__dict__.items() if k not in ("kept", "current")}
    with (Path(store) / HISTORY).open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(entry) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    return version


def history(store: Path) -> list[Version]:
    """Every publish of the store, newest first, marking the current set and those still kept."""
    store = Path(store)
    try:
        lines = (store / HISTORY).read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
    current = read_pointer(store)
    versions = []
    for line in lines:
        try:
            entry = json.loads(line)
        except ValueError:
            continue  # a line cut short by a crash: the others still count
        if not isinstance(entry, dict) or not FOLDER_ID.match(str(entry.get("id", ""))):
            continue
        versions.append(Version(**{k: v for k, v in entry.items() if k in Version.__dataclass_fields__},
                                kept=(store / entry["id"]).is_dir()))
    latest = next((i for i, v in reversed(list(enumerate(versions))) if v.id == current), None)
    return [Version(**{**v.__dict__, "current": i == latest}) for i, v in reversed(list(enumerate(versions)))]


def register(source: Path, store: Path, actor: str) -> Path:
    """Copy a source folder's table files into the store as a new set (for a publish from the command line)."""
    folder = new_folder(Path(store))
    try:
        for path in sorted(Path(source).iterdir()):
            if path.is_file() and (path.suffix.lower().lstrip(".") in FORMATS or path.name == DEMO_MARKER) \
                    and not path.name.startswith("~$"):
                shutil.copy2(path, folder / path.name)
        manifest = {"id": folder.name, "replaced": {}, "ignored": [], "actor": actor, "staged_at": utc_now(),
                    "base": f"command line: folder {Path(source).name}", "base_id": None, "uploads": []}
        (folder / "upload.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return folder


def publish_folder(source: Path, *, store: Path, db_path: Path, actor: str, today: dt.date | None = None,
                   confirm_shrink: bool = False, **build_options) -> BuildResult:
    """Publish a folder from the command line onto the served database, as a new set of the store.

    The folder is copied into the store first (so what was published stays as it was, and rollback can return
    to it), built from there, and becomes CURRENT when the build publishes; a refused build leaves no set behind.
    """
    store = Path(store)
    with publish_lock(store):
        folder = register(source, store, actor)
        result = build(folder, db_path, today=today, confirm_shrink=confirm_shrink, **build_options)
        if not result.ok:
            shutil.rmtree(folder, ignore_errors=True)
            return result
        write_pointer(store, folder.name)
        record(store, folder.name, result, actor=actor, how="command line", note=f"from folder {Path(source).name}")
    return result


def rebuild_current(store: Path, *, db_path: Path, actor: str, today: dt.date | None = None,
                    confirm_shrink: bool = False, **build_options) -> BuildResult:
    """Build the current set again onto the served database (after a code change), recorded as a rebuild."""
    store = Path(store)
    with publish_lock(store):
        current = read_pointer(store)
        if current is None:
            raise VersionRefused("nothing has been published to the sources store yet")
        result = build(store / current, db_path, today=today, confirm_shrink=confirm_shrink, **build_options)
        if result.ok:
            record(store, current, result, actor=actor, how="rebuild")
    return result


def rollback(store: Path, version_id: str, *, db_path: Path, actor: str, today: dt.date | None = None,
             **build_options) -> BuildResult:
    """Publish an earlier set again and make it current. The caller has had the person confirm it (going back
    usually drops rows, so the shrink is confirmed here). Raises VersionRefused for an unknown, pruned or current
    version, BuildBusy while another publish runs; a build that fails leaves the served database and CURRENT."""
    store = Path(store)
    if not isinstance(version_id, str) or not FOLDER_ID.match(version_id):
        raise VersionRefused(f"{str(version_id)[:40]!r} is not a version id")
    with publish_lock(store):
        known = {v.id: v for v in history(store)}
        if version_id not in known:
            raise VersionRefused(f"version {version_id} was never published")
        if read_pointer(store) == version_id:
            raise VersionRefused(f"version {version_id} is already the published data")
        if not (store / version_id).is_dir():
            raise VersionRefused(f"version {version_id} is no longer kept; only the latest sets are")
        result = build(store / version_id, db_path, today=today, confirm_shrink=True, **build_options)
        if result.ok:
            write_pointer(store, version_id)
            record(store, version_id, result, actor=actor, how="rollback",
                   note=f"back to the version published on {known[version_id].published_at}")
    return result


def problems_of(store: Path, version_id: str) -> list[dict]:
    """The problems (severity, file, line, column, message) the build of a published version reported: its report
    without the server paths it also holds. Raises VersionRefused for an unknown or pruned version."""
    if not isinstance(version_id, str) or not FOLDER_ID.match(version_id):
        raise VersionRefused(f"{str(version_id)[:40]!r} is not a version id")
    try:
        report = json.loads((Path(store) / version_id / PUBLISHED_REPORT).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise VersionRefused(f"the report of version {version_id} is no longer kept") from exc
    keys = ("severity", "file", "line", "column", "message")
    return [{k: problem.get(k) for k in keys} for problem in report.get("problems", []) if isinstance(problem, dict)]


def describe_source(store: Path, source: str | Path) -> str:
    """Where a build's sources came from, in words and without a server path: "version 2026...-ab12cd (upload by
    ana@isd.org, 2026-11-02T10:00:00Z)" for a set of the store, else the folder's name."""
    path = Path(source)
    if path.parent.resolve() == Path(store).resolve() and FOLDER_ID.match(path.name):
        known = next((v for v in history(store) if v.id == path.name), None)
        if known:
            return f"version {path.name} ({known.how} by {known.actor}, {known.published_at})"
        return f"version {path.name}"
    return f"folder {path.name}"

"""The app's own state: what people save and schedule, kept outside the analytics database.

Saved views (saved_views.py), notes on the numbers (annotations.py), pack sets, subscriptions
and the delivery ledger (dashboards/reports/) live in one SQLite file, `settings.state_path`, beside the user store
and never inside the published DuckDB file: a rebuild or a rollback replaces that file whole, and this one is
untouched by it.

Each module owns its tables (its `SCHEMA`, created on first use of a file) and reaches the file only through
`transaction`: one connection per call, in WAL mode (readers never wait for the one writer), every change made in
one `BEGIN IMMEDIATE` transaction so gunicorn workers, threads and the delivery command never interleave half
changes; a busy file is waited for up to `BUSY_S` seconds rather than failing.
"""

from __future__ import annotations

import fcntl
import functools
import hashlib
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from dashboards import settings

BUSY_S = 15.0


def _path(path: Path | None) -> Path:
    return Path(path or settings.get().state_path)


@contextmanager
def transaction(schema: str, *, path: Path | None = None, write: bool = True) -> Iterator[sqlite3.Connection]:
    """A connection to the state file with `schema` (a module's CREATE ... IF NOT EXISTS script) in place; with
    `write`, inside one immediate transaction, committed when the block ends and rolled back if it raises."""
    path = _path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    _ensure(str(path), _identity(path), schema)
    con = sqlite3.connect(path, timeout=BUSY_S, isolation_level=None)
    con.row_factory = sqlite3.Row
    con.execute("pragma foreign_keys = on")
    try:
        if not write:
            yield con
            return
        con.execute("begin immediate")
        try:
            yield con
        except BaseException:
            con.execute("rollback")
            raise
        con.execute("commit")
    finally:
        con.close()


def _identity(path: Path) -> tuple[int, int]:
    """(inode, change time) of the file, or (0, 0) before it exists: a new or replaced file gets its schema again."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return 0, 0
    return st.st_ino, st.st_ctime_ns


def _ensure(path: str, identity: tuple[int, int], schema: str) -> None:
    if identity == (0, 0):
        _create(path, schema)
        return
    _ensure_once(path, identity, hashlib.sha256(schema.encode()).hexdigest(), schema)


@functools.lru_cache(maxsize=64)
def _ensure_once(path: str, identity: tuple[int, int], digest: str, schema: str) -> None:
    """Create a module's tables once per file version, not on every call (`digest` keys the schema's text)."""
    _create(path, schema)


def _create(path: str, schema: str) -> None:
    # One creator at a time, across threads and processes: switching a new file to WAL while another connection
    # opens it fails at once with "database is locked" (SQLite does not wait on that), so the switch and the
    # tables are made under an exclusive lock on the file itself (flock: separate from SQLite's own locks).
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)  # e-mail addresses and notes: the owner only
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        con = sqlite3.connect(path, timeout=BUSY_S, isolation_level=None)
        try:
            # WAL: readers see the last commit while a writer works; kept in the file once set.
            con.execute("pragma journal_mode = wal")
            con.executescript("begin immediate;\n" + schema.rstrip().rstrip(";") + ";\ncommit;")
        finally:
            con.close()
    finally:
        os.close(fd)  # and the flock with it

"""The one place the app opens DuckDB: a read-only connection, a cursor per call, results cached.

The pipeline publishes a new database by renaming a finished file over the old one. A connection keeps
reading the file it opened (and `duckdb.connect` would even hand back the cached instance of the old file, so
files are opened with `data_pipeline.store.open_read_only`, which attaches them to a fresh in-memory
instance). Every call compares the path's inode, mtime and size with the open
connection's and reopens when they differ: a rebuild shows up on the next request, without a restart.
The same version string is part of every cache key, so cached results of the old file are never served
for the new one.

Every query passes a `Viewer`. Today everyone has full access; the access-control issue will restrict rows
here (regions a person may see, confidential members hidden), once, instead of in each page.
"""

from __future__ import annotations

import hashlib
import os
import threading
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
from flask import current_app, has_app_context
from flask_caching import Cache

from dashboards import settings
from data_pipeline.store import open_read_only


class DatabaseMissing(RuntimeError):
    """The database file does not exist yet (nothing has been built)."""


@dataclass(frozen=True)
class Viewer:
    """Who is looking: the seam for access rules. `sees_confidential` and `regions` are not enforced yet."""

    name: str = "full access"
    sees_confidential: bool = True
    regions: tuple[str, ...] | None = None  # None = every region


FULL_ACCESS = Viewer()

cache = Cache()


def init_cache(server) -> None:
    """Attach the result cache to the Flask server: on disk when SCN_CACHE_DIR is set, else in memory."""
    conf = settings.get()
    config = {"CACHE_DEFAULT_TIMEOUT": conf.cache_seconds, "CACHE_THRESHOLD": 2000}
    if conf.cache_dir:
        config |= {"CACHE_TYPE": "FileSystemCache", "CACHE_DIR": str(conf.cache_dir)}
    else:
        config |= {"CACHE_TYPE": "SimpleCache"}
    cache.init_app(server, config=config)


def version(path: Path) -> str:
    """Identity of the file now at `path`: changes whenever the pipeline publishes a new database."""
    try:
        st = os.stat(path)
    except FileNotFoundError as exc:
        raise DatabaseMissing(
            f"No database at {path}. Build it with `make data` "
            f"(python -m data_pipeline build --source data/sample --db {path})."
        ) from exc
    return f"{st.st_ino}-{st.st_mtime_ns}-{st.st_size}"


class _Connections:
    """The open read-only connection of this process, reopened when the file changes.

    This is the only module-level object that changes, and it holds a file handle rather than data: it is
    guarded by a lock, and each call takes its own cursor, so threads never share one.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._opened: tuple[str, str, duckdb.DuckDBPyConnection] | None = None  # (path, version, connection)

    def cursor(self, path: Path, wanted: str) -> duckdb.DuckDBPyConnection:
        with self._lock:
            if self._opened and self._opened[:2] == (str(path), wanted):
                return _cursor(self._opened[2])
            # The file may be replaced between stat and open: keep the connection only if the file still has
            # the version we looked at, so a version string never labels another file's connection.
            con = open_read_only(path)
            while (now := version(path)) != wanted:
                con.close()
                wanted = now
                con = open_read_only(path)
            # The old connection is not closed here: requests still running hold cursors on it. That is why
            # open_read_only attaches into a fresh instance: duckdb.connect(path) would hand back the cached
            # instance of the old, still-open file.
            self._opened = (str(path), wanted, con)
        return _cursor(con)


def _cursor(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """A cursor of `con` reading the attached database (a cursor starts in the in-memory default catalog)."""
    cur = con.cursor()
    cur.execute("use scn")
    return cur


_connections = _Connections()


def _caching() -> bool:
    return has_app_context() and cache in current_app.extensions.get("cache", {})


def _key(ver: str, sql: str, params: dict, viewer: Viewer) -> str:
    text = repr((ver, " ".join(sql.split()), sorted(params.items()), viewer))
    return "q:" + hashlib.sha256(text.encode()).hexdigest()


def frame(sql: str, params: dict | None = None, *, viewer: Viewer = FULL_ACCESS) -> pd.DataFrame:
    """Run `sql` with named parameters (`$name`) bound, returning a DataFrame; cached per database version.

    User input only ever reaches DuckDB as a bound parameter. Results are cached by (database version, SQL,
    parameters, viewer) when running inside the app; tests outside a Flask app query directly.
    """
    path = settings.get().db_path
    params = params or {}
    ver = version(path)
    key = _key(ver, sql, params, viewer)
    if _caching():
        hit = cache.get(key)
        if hit is not None:
            return hit
    cur = _connections.cursor(path, ver)
    try:
        result = cur.execute(sql, params).df()
    finally:
        cur.close()
    if _caching():
        cache.set(key, result)
    return result


def database_version() -> str:
    """The version string of the published database (raises DatabaseMissing when there is none)."""
    return version(settings.get().db_path)

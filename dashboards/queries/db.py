"""The one place the app opens DuckDB: a read-only connection, a cursor per call, results cached.

The pipeline publishes a new database by renaming a finished file over the old one. A connection keeps
reading the file it opened (and `duckdb.connect` would even hand back the cached instance of the old file, so
files are opened with `data_pipeline.store.open_read_only`, which attaches them to a fresh in-memory
instance). Every call compares the path's inode, mtime and size with the open
connection's and reopens when they differ: a rebuild shows up on the next request, without a restart.
The same version string is part of every cache key, so cached results of the old file are never served
for the new one.

Every query runs for a `Viewer` (dashboards/security/access.py): the signed-in person of the request, or the one a
test or CLI names with `acting_as`. The cursor reads the published tables only through that connection's
policy views, with the viewer in a DuckDB variable, so the row and column limits of each role are applied
here, once, for every page. No viewer means `NOBODY`, who sees no row.

The views are the only way to the data: before a statement runs, DuckDB's own parser (`json_serialize_sql`)
lists every table and table function it reads, and anything but the viewer's views, the statement's own CTEs
and a few harmless table functions (a qualified `scn.main.<table>`, `information_schema`, `duckdb_tables()`,
`read_csv`, a file name) is refused (`QueryRefused`, an error of the app's own SQL). The connection itself can
reach no file (`enable_external_access=false`) and its configuration is locked, so neither can be undone.
"""

from __future__ import annotations

import contextvars
import functools
import hashlib
import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pandas as pd
from flask import current_app, g, has_app_context, has_request_context
from flask_caching import Cache

from dashboards import settings
from dashboards.security import access
from dashboards.security.access import NOBODY, Viewer
from data_pipeline import macros, sql_tree
from data_pipeline.store import missing_from, open_read_only


class DatabaseMissing(RuntimeError):
    """The database file does not exist yet (nothing has been built), or cannot be served as it is."""


class DatabaseOutdated(DatabaseMissing):
    """The database was built by an older pipeline: it lacks tables or columns this code reads. Shown where a
    missing database is (the frame's notice), with the command that rebuilds it."""


class QueryRefused(RuntimeError):
    """A statement of the app reads something other than the viewer's policy views (a bug to fix in the SQL)."""


# Table functions a statement may call: numbers and lists, and the helpers _create_macros defines.
TABLE_FUNCTIONS = frozenset({"range", "generate_series", "unnest", "people_split", "people_by_city"}
                            | macros.table_macros())


cache = Cache()

# Who queries run for outside a request (tests, CLI, scripts); requests carry their own in flask.g.
_acting: contextvars.ContextVar[Viewer] = contextvars.ContextVar("scn_acting_viewer", default=NOBODY)


@contextmanager
def acting_as(viewer: Viewer) -> Iterator[Viewer]:
    """Run the queries of this block as `viewer`: outside a request (tests, CLI), or inside one for an audience
    the request's own viewer may preview (the impact page), so every query of the block has that audience's
    limits, not the requester's."""
    if has_request_context():
        before = g.get("scn_viewer", NOBODY)
        g.scn_viewer = viewer
        try:
            yield viewer
        finally:
            g.scn_viewer = before
        return
    token = _acting.set(viewer)
    try:
        yield viewer
    finally:
        _acting.reset(token)


def current_viewer() -> Viewer:
    """The viewer of this request (set by the sign-in layer before any page or callback runs), else the one
    `acting_as` names, else NOBODY."""
    if has_request_context():
        return g.get("scn_viewer", NOBODY)
    return _acting.get()


def init_cache(server) -> None:
    """Attach the result cache to the Flask server: on disk when SCN_CACHE_DIR is set (one folder per database
    version, bounded: dashboards/serving/filecache.py), else in memory; none when SCN_CACHE_SECONDS is 0."""
    conf = settings.get()
    config = {"CACHE_DEFAULT_TIMEOUT": conf.cache_seconds, "CACHE_THRESHOLD": 2000}
    if conf.cache_seconds <= 0:  # "no caching" (flask-caching reads a timeout of 0 as "keep forever")
        config |= {"CACHE_TYPE": "NullCache", "CACHE_NO_NULL_WARNING": True}
    elif conf.cache_dir:
        config |= {"CACHE_TYPE": "dashboards.serving.filecache.VersionedFileCache", "CACHE_DIR": str(conf.cache_dir),
                   "CACHE_THRESHOLD": 20_000}
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
        # (path, version, process id, connection): a process forked after the open (a WSGI server preloading
        # the app) opens its own, as DuckDB connections must not cross a fork.
        self._opened: tuple[str, str, int, duckdb.DuckDBPyConnection] | None = None
        self.views: frozenset[str] = frozenset()  # the names of the open connection's policy views

    def cursor(self, path: Path, wanted: str) -> duckdb.DuckDBPyConnection:
        with self._lock:
            if self._opened and self._opened[:3] == (str(path), wanted, os.getpid()):
                return _cursor(self._opened[3])
            # The file may be replaced between stat and open: keep the connection only if the file still has
            # the version we looked at, so a version string never labels another file's connection.
            con = _open(path)
            while (now := version(path)) != wanted:
                con.close()
                wanted = now
                con = _open(path)
            # The old connection is not closed here: requests still running hold cursors on it. That is why
            # open_read_only attaches into a fresh instance: duckdb.connect(path) would hand back the cached
            # instance of the old, still-open file.
            self._opened = (str(path), wanted, os.getpid(), con)
            self.views = frozenset(r[0] for r in con.execute(
                "select view_name from duckdb_views() where schema_name = $s", {"s": access.schemas()[0].split(".")[1]}
            ).fetchall())
        return _cursor(con)


def warm() -> None:
    """Open the published database now rather than in the first request: creating every role's policy views
    takes a moment, which the first person to open a page would otherwise wait for. Nothing to do before the first
    build."""
    path = settings.get().db_path
    try:
        _connections.cursor(path, version(path)).close()
    except DatabaseMissing:
        pass


def _open(path: Path) -> duckdb.DuckDBPyConnection:
    con = open_read_only(path)
    lacking = missing_from(con)
    if lacking:
        try:
            built = con.execute("select max(built_at) from meta_build").fetchone()[0]
        except duckdb.Error:  # older still: no build record
            built = None
        con.close()
        shown = ", ".join(lacking[:8]) + (f" and {len(lacking) - 8} more" if len(lacking) > 8 else "")
        raise DatabaseOutdated(
            f"The database at {path}{f' (built {built:%d %b %Y %H:%M})' if built else ''} was built by an older "
            f"version of the pipeline: it lacks {shown}. Rebuild it with `make data` (python -m data_pipeline "
            f"build --source <your source folder> --db {path})."
        )
    access.create_policy_views(con)
    _create_macros(con)
    # Nothing a statement could name reaches a file, and no later statement can change that.
    con.execute("set enable_external_access = false").fetchall()
    con.execute("set lock_configuration = true").fetchall()
    return con


@functools.lru_cache(maxsize=4096)
def check_statement(sql: str, views: frozenset[str], schema_name: str) -> None:
    """Refuse (QueryRefused) `sql` unless it is one SELECT whose every table is one of `views` (bare, or in the
    viewer's schema `schema_name`) or a CTE of its own, and whose every table function is in TABLE_FUNCTIONS."""
    try:
        statement = sql_tree.parse(sql)
    except sql_tree.NotOneStatement as error:
        raise QueryRefused(f"not one SELECT statement: {error}") from None
    ctes = statement.ctes
    for node in statement.nodes:
        kind = node.get("type")
        if "sample" not in node or "class" in node or str(kind).endswith("_NODE"):
            continue  # not a table reference (those and queries carry "sample"): an expression, modifier, order
        if kind == "BASE_TABLE":
            catalog, schema, table = node.get("catalog_name", ""), node.get("schema_name", ""), node["table_name"]
            bare = not catalog and not schema
            own = catalog in ("", "memory") and schema == schema_name
            if not ((bare and (table in views or table in ctes)) or (own and table in views)):
                raise QueryRefused(f"reads {'.'.join(p for p in (catalog, schema, table) if p)}, not a policy view")
        elif kind == "TABLE_FUNCTION":
            function = node.get("function", {})
            if function.get("function_name") not in TABLE_FUNCTIONS or function.get("catalog") or \
                    function.get("schema") not in ("", schema_name):
                raise QueryRefused(f"calls the table function {function.get('function_name')!r}")
        elif kind not in ("SUBQUERY", "JOIN", "EXPRESSION_LIST", "EMPTY"):
            raise QueryRefused(f"reads a {kind} table reference")


# Participant attributes that people_split() splits a bitmap of people by (the contract requires each).
PARTICIPANT_SETS = ("gender", "age_band", "role")


def _create_macros(con: duckdb.DuckDBPyConnection) -> None:
    """SQL helpers every query may use, created in each role's view schema (a cursor resolves names there only).

    `people(participant_key)`: how many distinct participants, as the number of bits set in a bitmap over the
    dense keys the pipeline gives participants. Exact, and several times faster than count(distinct) over
    millions of attendances. Each group holds an n-bit map (250 KB at 2M participants), so it suits totals and
    few groups (regions, months, topics); splits by participant attribute or city take the two helpers below.

    `people_map(participant_key)` is that bitmap itself, and `people_split(bitmap)` (a table: attribute, value,
    participants) counts the people in it by sex, age band and role: the bitmap ANDed with the one of everybody
    with each value, made here once per database. A split by participant attribute then scans attendance once
    for one bitmap; a bitmap per value (`people(case when gender = ...)`) scanned it once per value (and a
    scalar subquery per value had to be planned each).
    `people_by_city(bitmap)` (a table: city_id, participants) counts the people in a bitmap by the city they
    work in, looking each participant's bit up once. Pass it the bitmap as a variable (`frame(..., first=...)`,
    read with getvariable): a bitmap from a subquery in the same statement made each lookup several
    times slower, and count(distinct) per city was slower still (bench/README.md, "Figures behind the app's
    comments").
    The sets and the participants' cities are read only through a bitmap built from the viewer's own rows.
    The pipeline's shared SQL steps (data_pipeline/sql/macros: periods, the date spine, membership on a day, the
    women's share) are created beside them from the same files the build uses.
    """
    top = int(con.execute("select coalesce(max(participant_key), 1) from scn.main.stg_participants").fetchone()[0])
    unpivot = " union all ".join(f"select '{a}' as attribute, {a} as value, participant_key "
                                 f"from scn.main.stg_participants" for a in PARTICIPANT_SETS)
    con.execute(f"""create or replace table memory.main.participant_sets as
                    select attribute, value, bitstring_agg(participant_key, 1, {top}) as members
                    from ({unpivot}) where value is not null group by all""").fetchall()
    for schema in access.schemas():
        macros.create_macros(con, schema)
        con.execute(f"create or replace macro {schema}.people_map(k) as bitstring_agg(k, 1, {top})").fetchall()
        con.execute(f"create or replace macro {schema}.people(k) as "
                    f"coalesce(bit_count(bitstring_agg(k, 1, {top})), 0)").fetchall()
        con.execute(f"""create or replace macro {schema}.people_split(bitmap) as table
                        select attribute, value, coalesce(bit_count(bitmap & members), 0) as participants
                        from memory.main.participant_sets""").fetchall()
        con.execute(f"""create or replace macro {schema}.people_by_city(bitmap) as table
                        select city_id, count(*) as participants from scn.main.stg_participants
                        where city_id is not null and get_bit(bitmap::bit, participant_key - 1) = 1
                        group by city_id""").fetchall()


def _cursor(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """A new cursor of `con` (a cursor is a connection of its own: its variables are its own)."""
    return con.cursor()


_connections = _Connections()


def _caching() -> bool:
    return has_app_context() and cache in current_app.extensions.get("cache", {})


def _key(ver: str, sql: str, params: dict, viewer: Viewer, first: dict[str, str]) -> str:
    text = repr((ver, " ".join(sql.split()), sorted(params.items()), viewer,
                 sorted((name, " ".join(q.split())) for name, q in first.items())))
    return f"{ver}/q:" + hashlib.sha256(text.encode()).hexdigest()  # the version first: filecache.py


def _bound(sql: str, params: dict) -> dict:
    """The parameters `sql` names (DuckDB refuses a statement given parameters it does not use)."""
    named = set(re.findall(r"\$(\w+)", sql))
    return {k: v for k, v in params.items() if k in named}


def frame(sql: str, params: dict | None = None, *, viewer: Viewer | None = None,
          first: dict[str, str] | None = None) -> pd.DataFrame:
    """Run `sql` as `viewer` (default: the current one) with named parameters (`$name`) bound.

    Table names in `sql` resolve to the policy views, so the viewer's limits apply whatever the SQL says.
    User input only ever reaches DuckDB as a bound parameter. `first` names values to compute before `sql`,
    as the same viewer with the same parameters: {variable name: a query of one value}, which `sql` reads as
    getvariable('name'), a constant (see people_by_city). Results are cached by (database version, SQL,
    parameters, viewer, `first`) when running inside the app; tests outside a Flask app query directly.
    """
    viewer = viewer or current_viewer()
    path = settings.get().db_path
    params = params or {}
    first = first or {}
    ver = version(path)
    key = _key(ver, sql, params, viewer, first)
    if _caching():
        hit = cache.get(key)
        if hit is not None:
            return hit
    cur = _connections.cursor(path, ver)
    try:
        schema_name = access.schema(viewer).split(".", 1)[1]
        for statement in (*first.values(), sql):
            check_statement(statement, _connections.views, schema_name)
        access.enter(cur, viewer)
        for name, query in first.items():
            if not name.isidentifier() or name.startswith("scn_"):  # scn_viewer is the viewer's: never reset it
                raise ValueError(f"{name!r} cannot name a query's variable")
            cur.execute(f"set variable {name} = ({query})", _bound(query, params)).fetchall()
        result = cur.execute(sql, _bound(sql, params) if first else params).df()
    finally:
        cur.close()
    if _caching():
        cache.set(key, result)
    return result


def database_version() -> str:
    """The version string of the published database (raises DatabaseMissing when there is none)."""
    return version(settings.get().db_path)

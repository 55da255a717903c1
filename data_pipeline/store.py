"""Open a published database for reading, always seeing the file that is there now.

`duckdb.connect(path)` reuses an already-open database instance for the same path within a process, so after
the build swaps in a new file a second `connect` would still read the old one. Attaching the file to a fresh
in-memory instance opens whatever the path names at that moment; readers use this and nothing else.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from data_pipeline.macros import macros
from data_pipeline.models import published_columns


def open_read_only(db_path: Path | str) -> duckdb.DuckDBPyConnection:
    """A connection reading the current file at `db_path` (read-only; its tables are the default schema)."""
    path = Path(db_path)
    if not path.exists():
        raise FileNotFoundError(f"no database at {path}: build one with `python -m data_pipeline build`")
    con = duckdb.connect(":memory:")
    con.execute("attach $path as scn (read_only)", {"path": str(path.resolve())})
    con.execute("use scn")
    return con


def missing_from(con: duckdb.DuckDBPyConnection) -> list[str]:
    """What the database open on `con` lacks that this code's published models declare: whole tables, columns of a
    table ("city_engagement.first_event"), or the shared macros ("macro period_length"). Empty when it fits.

    A database built by an older pipeline (a copy restored from a backup, a server upgraded before its rebuild) can
    lack a table or column the app's queries and macros read: opened as it is, the app failed at start with
    DuckDB's own words ("period_length does not exist"). Read here, the app can say what to do instead.
    """
    have: dict[str, set[str]] = {}
    for table, column in con.execute(
        "select table_name, column_name from duckdb_columns() where database_name = current_database() "
        "and schema_name = 'main'"
    ).fetchall():
        have.setdefault(table, set()).add(column)
    lacking = []
    for name, columns in sorted(published_columns().items()):
        if name not in have:
            lacking.append(name)
            continue
        lacking += [f"{name}.{c}" for c in columns if c not in have[name]]
    # The shared SQL steps (sql/macros) live in the file too: the app's own macros call them there
    defined = {r[0] for r in con.execute(
        "select function_name from duckdb_functions() where database_name = current_database() "
        "and function_type in ('macro', 'table_macro')").fetchall()}
    lacking += [f"macro {m.name}" for m in macros() if m.name not in defined]
    return lacking

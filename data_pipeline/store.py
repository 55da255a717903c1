"""Open a published database for reading, always seeing the file that is there now.

`duckdb.connect(path)` reuses an already-open database instance for the same path within a process, so after
the build swaps in a new file a second `connect` would still read the old one. Attaching the file to a fresh
in-memory instance opens whatever the path names at that moment; readers use this and nothing else.
"""

from __future__ import annotations

from pathlib import Path

import duckdb


def open_read_only(db_path: Path | str) -> duckdb.DuckDBPyConnection:
    """A connection reading the current file at `db_path` (read-only; its tables are the default schema)."""
    path = Path(db_path)
    if not path.exists():
        raise FileNotFoundError(f"no database at {path}: build one with `python -m data_pipeline build`")
    con = duckdb.connect(":memory:")
    con.execute("attach $path as scn (read_only)", {"path": str(path.resolve())})
    con.execute("use scn")
    return con

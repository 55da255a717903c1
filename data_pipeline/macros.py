"""The shared SQL steps: one definition of each metric and step that more than one query needs, as DuckDB macros.

Each `sql/macros/*.sql` file holds `create or replace macro` statements (a period's first and last day, the date
spine, membership on a day, the women's share). The build creates them in the database it writes, so the marts
and anyone opening the file can call them; the app creates the same statements in each role's view schema
(dashboards/queries/db.py), so its queries call the very same definitions.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

MACRO_DIR = Path(__file__).resolve().parent / "sql" / "macros"
_HEAD = re.compile(r"create\s+or\s+replace\s+macro\s+(\w+)\s*(\(.*)", re.IGNORECASE | re.DOTALL)
_COMMENT = re.compile(r"^\s*--[^\n]*\n", re.MULTILINE)


@dataclass(frozen=True)
class Macro:
    """One macro: its name, the text after the name (parameters and body), and whether it returns a table."""

    name: str
    definition: str
    is_table: bool
    path: Path


def _statements(text: str) -> list[str]:
    with duckdb.connect(":memory:") as con:
        return [statement.query for statement in con.extract_statements(text)]


@functools.cache
def macros(folder: Path = MACRO_DIR) -> tuple[Macro, ...]:
    """Every macro of `folder`'s .sql files, in file and statement order (a macro may call one defined before it).

    Raises ValueError naming the file when a statement is anything but `create or replace macro NAME(...)`, or a
    name is defined twice: one definition each.
    """
    found: dict[str, Macro] = {}
    for path in sorted(folder.glob("*.sql")):
        for statement in _statements(path.read_text(encoding="utf-8")):
            body = _COMMENT.sub("", statement.strip()).strip()
            head = _HEAD.fullmatch(body)
            if head is None:
                raise ValueError(f"{path}: every statement must be `create or replace macro NAME(...) as ...`, "
                                 f"not {body[:60]!r}")
            name, definition = head.groups()
            if name in found:
                raise ValueError(f"{path}: macro {name} is already defined in {found[name].path.name}")
            is_table = re.match(r"\([^)]*\)\s+as\s+table\b", definition, re.IGNORECASE) is not None
            found[name] = Macro(name, definition.rstrip().rstrip(";"), is_table, path)
    return tuple(found.values())


def table_macros() -> frozenset[str]:
    """The names of the macros that return a table (`date_spine`): a query calls them as table functions."""
    return frozenset(m.name for m in macros() if m.is_table)


def create_macros(con: duckdb.DuckDBPyConnection, schema: str | None = None) -> None:
    """Create every macro on `con`, in `schema` (a `catalog.schema` name; default: the connection's current one)."""
    prefix = f"{schema}." if schema else ""
    for macro in macros():
        con.execute(f"create or replace macro {prefix}{macro.name}{macro.definition}").fetchall()


def evaluate(sql: str, **frames):
    """The one value `sql` gives on a fresh in-memory database holding the macros and `frames` (DataFrames by the
    name `sql` reads them as): a metric computed outside the database, on a table already read out of it (the impact
    summary's suppressed counts), by the same definition."""
    with duckdb.connect(":memory:") as con:
        create_macros(con)
        for name, frame in frames.items():
            con.register(name, frame)
        return con.execute(sql).fetchall()[0][0]

"""What every check shares: a rule as a SQL condition over a raw table, run for many rules in one scan."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import duckdb

from data_pipeline.load import LoadedSource
from data_pipeline.problems import ProblemLog


@dataclass(frozen=True)
class Check:
    """One rule for one column: a SQL condition that is true for a bad row, and how to say what is wrong."""

    column: str
    kind: str
    bad: str  # SQL over the raw table, true when the row breaks the rule
    message: Callable[[tuple], str]  # gets (line, value, other_value)
    other: str | None = None  # a second column (or SQL expression, see `other_sql`) fetched for the message
    severity: str = "error"
    other_sql: str | None = None  # an expression fetched as the third value instead of column `other`


def quoted(column: str) -> str:
    """A column as the checks see it (already trimmed, and NULL when empty, by load.py)."""
    return f'"{column}"'


def sql_list(words: tuple[str, ...] | list[str]) -> str:
    """`words` as the items of a SQL list, each a quoted literal: `'a', 'b'`."""
    return ", ".join(sql_text(w) for w in words)


def sql_text(word: str) -> str:
    """`word` as a SQL string literal, its quotes doubled: `it's` -> `'it''s'`."""
    return "'" + word.replace("'", "''") + "'"


def run_checks(con: duckdb.DuckDBPyConnection, loaded: LoadedSource, checks: list[Check], log: ProblemLog) -> None:
    """Count the rows failing each check in one scan of the table; fetch the first lines of those that fail."""
    if not checks:
        return
    relation, label = loaded.relation, loaded.source.label
    counts = con.execute(
        "select " + ", ".join(f"count_if(coalesce({ch.bad}, false))" for ch in checks) + f" from {relation}"
    ).fetchall()[0]
    for check, count in zip(checks, counts, strict=True):
        if not count:
            continue
        other = (f", {check.other_sql}" if check.other_sql else f', "{check.other}"' if check.other
                 else ", null")
        rows = con.execute(
            f"""select _line, "{check.column}"{other} from {relation} where coalesce({check.bad}, false)
                order by _line limit {log.per_kind}"""
        ).fetchall()
        log.add_rows(label, check.column, [(r[0], check.message(r)) for r in rows], count - len(rows),
                     check.severity)

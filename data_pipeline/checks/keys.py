"""Keys and repeated rows.

A key is compared as the data will be used: codes, currencies and country codes after they are normalised (the
typed tables upper- or lower-case them, so `eur` and `EUR` of the same day would be two rates there), and ids
ignoring case (`SCN-0042` and `scn-0042` would become two cities). Ids whose case counts (`case_sensitive`:
grants and indicators, whose ids funders' systems issue, Salesforce's among them) are compared as written, and a
pair that differs only in case is a warning, kept as two. A table without a natural key
(disbursements: a grant is paid many times) refuses a row that repeats another exactly: the same payments
file pasted twice doubles the money disbursed. Two real payments of one amount to one grant on one day are
possible but rare; they are told apart by the optional `reference` column, which then keeps them apart in
every later build (a confirmation given once would have to be given again at each upload).
"""

from __future__ import annotations

import duckdb

from data_pipeline.checks.core import quoted
from data_pipeline.contract import Column, Table
from data_pipeline.load import LoadedSource
from data_pipeline.problems import NO_COLUMN, ProblemLog


def normalised(column: Column) -> str:
    """SQL for a column's value as keys and repeated rows compare it."""
    v = quoted(column.name)
    if column.type in ("iso3", "currency"):
        return f"upper({v})"
    if column.type in ("code", "id"):
        return f"lower({v})"
    if column.type in ("number", "integer"):
        return f"coalesce(cast(try_cast({v} as double) as varchar), {v})"
    if column.type == "date":
        return f"coalesce(cast(try_cast({v} as date) as varchar), {v})"
    return v


def _repr(values: tuple) -> str:
    return ", ".join(f"'{v if v is not None else ''}'" for v in values)


def duplicates(con: duckdb.DuckDBPyConnection, loaded: LoadedSource, table: Table, log: ProblemLog) -> None:
    """Report every row whose key repeats an earlier row's, naming the first; nothing for keyless tables."""
    key = [k for k in table.key if k in loaded.columns]
    if not key or (len(key) < len(table.key) and any(table.column(k).header_required for k in table.key)):
        return
    parts = [f"coalesce({normalised(table.column(k))}, '')" for k in key]
    names = ", ".join(f'"{k}"' for k in key)
    relation = loaded.relation
    # a plain group by: count(distinct) over a composite key costs twice as much at ten million rows
    duplicated = con.execute(
        f"select coalesce(sum(n - 1), 0) from (select count(*) as n from {relation} "
        f"group by {', '.join(parts)} having count(*) > 1)"
    ).fetchall()[0][0]
    if not duplicated:
        return
    width = len(key)
    rows = con.execute(
        f"""select _line, first_line, first_key, {names} from (
                select _line, {names},
                       first_value(_line) over w as first_line,
                       first_value([{names}]) over w as first_key
                from {relation}
                window w as (partition by {', '.join(parts)} order by _line))
            where _line <> first_line order by _line limit {log.per_kind}"""
    ).fetchall()
    messages: dict[str, list[tuple[int, str]]] = {"error": [], "warning": []}
    for line, first_line, first_key, *values in rows:
        what = f"duplicate {key[0]} '{values[0]}'" if width == 1 else f"duplicate ({', '.join(key)}) {_repr(values)}"
        message = f"{what}, first on line {first_line}"
        severity = "error"
        if list(first_key) != values:
            differ = [table.column(k) for k, a, b in zip(key, first_key, values, strict=True) if a != b]
            if all(c.case_sensitive for c in differ):
                severity = "warning"
                message = (f"{key[0]} '{values[0]}' differs only in case from {_repr(tuple(first_key))} on line "
                           f"{first_line}: kept as two, since case counts in these ids; write them alike if they "
                           "are one")
            else:
                kinds = {c.type for c in differ}
                compared = "ids are compared ignoring case" if kinds <= {"id"} else "codes are compared ignoring case"
                message += f" as {_repr(tuple(first_key))} ({compared})"
        messages[severity].append((line, message))
    listed = sum(len(found) for found in messages.values())
    for severity, found in messages.items():
        if found:
            more = duplicated - listed if severity == "error" or not messages["error"] else 0
            log.add_rows(loaded.source.label, key[0], found, more, severity)


def repeated_rows(con: duckdb.DuckDBPyConnection, loaded: LoadedSource, table: Table, log: ProblemLog) -> None:
    """In a table without a key, refuse each row that repeats an earlier one in every column."""
    if table.key:
        return
    columns = [c for c in table.columns if c.name in loaded.columns]
    parts = ", ".join(f"coalesce({normalised(c)}, '')" for c in columns)
    relation = loaded.relation
    repeated = con.execute(
        f"select coalesce(sum(n - 1), 0) from (select count(*) as n from {relation} group by {parts} "
        "having count(*) > 1)").fetchall()[0][0]
    if not repeated:
        return
    rows = con.execute(
        f"""select _line, first_line from (
                select _line, min(_line) over (partition by {parts}) as first_line from {relation})
            where _line <> first_line order by _line limit {log.per_kind}""").fetchall()
    hint = ("; if both are real, tell them apart in the `reference` column"
            if any(c.name == "reference" for c in table.columns) else "")
    log.add_rows(loaded.source.label, NO_COLUMN,
                 [(line, f"repeats line {first} exactly (the same rows pasted twice?){hint}")
                  for line, first in rows],
                 repeated - len(rows))

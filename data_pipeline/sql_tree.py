"""DuckDB's own parse tree of one SQL statement: what the build reads to order its models (models.references) and
the app's query layer reads to refuse a statement that leaves its policy views (dashboards/queries/db.py)."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from dataclasses import dataclass

import duckdb


class NotOneStatement(ValueError):
    """`sql` is not exactly one statement DuckDB can parse; the message is DuckDB's (empty for several)."""


@dataclass(frozen=True)
class Statement:
    """One parsed statement: every node of its tree (dicts of json_serialize_sql, in walk order) and the names of
    its own CTEs (a table of one of those names is the CTE, not a table of the database)."""

    nodes: tuple[dict, ...]
    ctes: frozenset[str]


@functools.lru_cache(maxsize=4096)
def parse(sql: str) -> Statement:
    """`sql` parsed by DuckDB (`json_serialize_sql`, on an in-memory connection of its own: it reads no data).

    Raises NotOneStatement when `sql` does not parse or holds more or fewer than one statement.
    """
    with duckdb.connect(":memory:") as con:
        tree = json.loads(con.execute("select json_serialize_sql($q)", {"q": sql}).fetchall()[0][0])
    if tree.get("error") or len(tree.get("statements", [])) != 1:
        raise NotOneStatement(tree.get("error_message", ""))
    nodes = tuple(_walk(tree["statements"][0]))
    ctes = frozenset(item["key"] for n in nodes if isinstance(n.get("cte_map"), dict)
                     for item in n["cte_map"].get("map", []))
    return Statement(nodes, ctes)


def _walk(node) -> Iterator[dict]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)

"""Cast validated raw text tables to typed tables, and run the layered SQL models.

`typed_<table>` is generated from the contract (the mechanical part: one cast per column, code lists mapped to
their canonical spelling); everything with meaning lives in `sql/staging/stg_*.sql` and `sql/marts/*.sql`,
each file one model named after the file, declared beside it (data_pipeline/models.py says how, and the order).
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import duckdb

from data_pipeline.contract import FALSE_WORDS, TRUE_WORDS, Column, Table
from data_pipeline.load import LoadedSource
from data_pipeline.models import SQL_DIR, models
from data_pipeline.timing import Timings, timed

SQL_TYPES = {
    "id": "varchar", "text": "varchar", "integer": "bigint", "number": "double", "date": "date",
    "boolean": "boolean", "code": "varchar", "iso3": "varchar", "currency": "varchar",
}


def _cast(column: Column) -> str:
    v = f'"{column.name}"'  # already trimmed, and NULL when empty (load.py)
    if column.type == "number":
        return f"try_cast({v} as double)"
    if column.type == "integer":
        return f"cast(try_cast({v} as double) as bigint)"
    if column.type == "date":
        return f"try_cast({v} as date)"
    if column.type == "boolean":
        trues = ", ".join(f"'{w}'" for w in TRUE_WORDS)
        falses = ", ".join(f"'{w}'" for w in FALSE_WORDS)
        return f"case when lower({v}) in ({trues}) then true when lower({v}) in ({falses}) then false end"
    if column.type == "code":
        whens = " ".join(f"when '{c.lower()}' then '{c}'" for c in column.codes)
        return f"case lower({v}) {whens} end"
    if column.type in ("iso3", "currency"):
        return f"upper({v})"
    return v


def create_typed(con: duckdb.DuckDBPyConnection, table: Table, loaded: LoadedSource) -> None:
    """Create `typed_<table>` from `raw_<table>`; columns the file may omit become typed NULLs.

    A temporary view: the casts run once, as the staging model reading it is materialised, instead of writing
    a typed copy of every source only to drop it before publishing.
    """
    selects = ["_line"]
    for column in table.columns:
        if column.name in loaded.columns:
            selects.append(f'{_cast(column)} as "{column.name}"')
        else:
            selects.append(f'cast(null as {SQL_TYPES[column.type]}) as "{column.name}"')
    con.execute(f"create or replace temp view typed_{table.name} as select {', '.join(selects)} "
                f"from {loaded.relation}").fetchall()


# What a confidential member's name becomes in text shown to roles that may not see it.
CONFIDENTIAL_MENTION = "[confidential member]"


def create_mask_macro(con: duckdb.DuckDBPyConnection) -> None:
    """`scn_mask_confidential(text)`: the text with each confidential member city's name replaced.

    An event or grant title can name a city other than its own ("Mombasa and Beirut city exchange"); the access
    views show roles that may not see confidential members the `title_public` columns built with this. Names
    match whole words, ignoring case, as written and without accents (Malmö, Malmo). A temporary macro over
    typed_cities: the pattern is fixed for the build, so DuckDB compiles it once.
    """
    names = [row[0] for row in con.execute(
        "select distinct city_name from typed_cities where visibility = 'confidential' and city_name is not null"
    ).fetchall()]
    spellings = sorted({form for name in names for form in (name, _without_accents(name))}, key=len, reverse=True)
    if not spellings:
        con.execute("create or replace temp macro scn_mask_confidential(t) as t").fetchall()
        return
    words = "|".join(re.escape(name) for name in spellings).replace("'", "''")
    pattern = f"(^|[^\\pL\\pN])(?i:{words})([^\\pL\\pN]|$)"
    replace = f"regexp_replace(x, '{pattern}', '\\1{CONFIDENTIAL_MENTION}\\2', 'g')"
    # twice: a name right after another ("Beirut/Tripoli") shares the character between them with the first match
    con.execute(f"create or replace temp macro scn_mask_one(x) as {replace}").fetchall()
    con.execute("create or replace temp macro scn_mask_confidential(t) as scn_mask_one(scn_mask_one(t))").fetchall()


def _without_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def model_sql(name: str, sql_dir: Path = SQL_DIR) -> str:
    """The SQL text of one model, from sql/staging or sql/marts."""
    return models(sql_dir)[name].sql


def run_models(con: duckdb.DuckDBPyConnection, names: list[str], sql_dir: Path = SQL_DIR,
               on_model=None, timings: Timings | None = None) -> None:
    """Materialise the models `names` of `sql_dir`, in the order given, each named after its file: a table, a view,
    or a temporary view for an unpublished one (its declaration's `published`).

    `on_model(name)` is called before each model runs; `timings` receives the wall time of each.
    """
    found = models(sql_dir)
    for name in names:
        if on_model:
            on_model(name)
        with timed(timings, f"model {name}"):
            con.execute(f"create or replace {found[name].kind} {name} as {found[name].sql}").fetchall()

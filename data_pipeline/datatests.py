"""Data tests run on every build before it is published, in the manner of dbt's schema tests.

Generic tests (unique, not null, accepted values, relationships) are declared beside each model, in its
`sql/<layer>/<model>.yml` (data_pipeline/models.py); singular tests are `sql/tests/*.sql` files, each a query
that must return no rows. A failing test stops the publish: the previous database keeps serving.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from data_pipeline.models import SQL_DIR, Model, models
from data_pipeline.timing import Timings, timed


@dataclass(frozen=True)
class DataTest:
    """One named test; `sql` returns the offending rows (none when the test passes)."""

    name: str
    sql: str


def unique(table: str, *columns: str) -> DataTest:
    """The data test that `columns` together identify one row of `table`."""
    cols = ", ".join(columns)
    return DataTest(f"unique {table}({cols})",
                    f"select {cols}, count(*) as n from {table} group by all having count(*) > 1")


def not_null(table: str, *columns: str) -> list[DataTest]:
    """One data test per column: no row of `table` has it null."""
    return [DataTest(f"not_null {table}.{c}", f"select * from {table} where {c} is null") for c in columns]


def accepted(table: str, column: str, values: tuple[str, ...]) -> DataTest:
    """The data test that `column` holds only `values` (or null)."""
    listed = ", ".join("'" + v.replace("'", "''") + "'" for v in values)
    return DataTest(f"accepted_values {table}.{column}",
                    f"select distinct {column} from {table} where {column} is not null and {column} not in ({listed})")


def boolean(table: str, column: str) -> DataTest:
    """Accepted values for a flag: the column exists and is BOOLEAN, so it holds true / false and nothing else
    (a text 'yes' or a missing column would make a filter on it silently keep or drop rows)."""
    return DataTest(
        f"accepted_values {table}.{column} (boolean)",
        f"select '{table}' as table_name where not exists (select 1 from information_schema.columns "
        f"where table_name = '{table}' and column_name = '{column}' and data_type = 'BOOLEAN')",
    )


def relationship(table: str, column: str, target: str, target_column: str) -> DataTest:
    """The data test that every non-null `column` of `table` is a `target_column` of `target`."""
    return DataTest(
        f"relationships {table}.{column} -> {target}.{target_column}",
        f"select {column} from {table} where {column} is not null "
        f"and {column} not in (select {target_column} from {target})",
    )


def declared_tests(found: dict[str, Model]) -> list[DataTest]:
    """The generic tests the models declare (`tests` under a column, `unique` over several), published or not."""
    tests = []
    for model in found.values():
        for columns in model.unique:
            tests.append(unique(model.name, *columns))
        for column in model.columns:
            for test in column.tests:
                if test.kind == "unique":
                    tests.append(unique(model.name, column.name))
                elif test.kind == "not_null":
                    tests.extend(not_null(model.name, column.name))
                elif test.kind == "boolean":
                    tests.append(boolean(model.name, column.name))
                elif test.kind == "accepted_values":
                    tests.append(accepted(model.name, column.name, test.values))
                else:
                    tests.append(relationship(model.name, column.name, *test.to))
    return tests


def singular_tests(sql_dir: Path = SQL_DIR) -> list[DataTest]:
    """The `sql/tests/*.sql` files, each named after its file."""
    return [DataTest(path.stem, path.read_text(encoding="utf-8"))
            for path in sorted((sql_dir / "tests").glob("*.sql"))]


def run_data_tests(con: duckdb.DuckDBPyConnection, timings: Timings | None = None,
                   sql_dir: Path = SQL_DIR) -> list[tuple[str, int, list[tuple]]]:
    """Run every data test of the models in `sql_dir`; return (name, failing row count, first rows) for each test
    that failed.

    `timings`, when given, receives the wall time of each test as `test <name>`.
    """
    failures = []
    for test in (*declared_tests(models(sql_dir)), *singular_tests(sql_dir)):
        with timed(timings, f"test {test.name}"):
            rows = con.execute(f"select * from ({test.sql}) limit 5").fetchall()
        if rows:
            count = con.execute(f"select count(*) from ({test.sql})").fetchall()[0][0]
            failures.append((test.name, count, rows))
    return failures

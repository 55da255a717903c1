"""Load a Parquet file into `raw_<table>`: every column as the text a spreadsheet would show for it.

Timestamps with a time zone (pandas writes them for `tz`-aware columns) are read as the date and time on the clock
of their own zone: `2024-03-01 00:00 Europe/Berlin` is the 1st of March, as whoever entered it meant, although
it is the 29th of February at 23:00 in UTC. DuckDB alone cannot convert those without its ICU extension, so such a
file is read through pyarrow, which keeps the zone.
"""

from __future__ import annotations

import duckdb

from data_pipeline.contract import TABLES
from data_pipeline.load import cells
from data_pipeline.load.sniff import scan
from data_pipeline.load.source import LoadedSource, Source, checked_columns
from data_pipeline.problems import NO_COLUMN, NO_LINE, Problem, ProblemLog


def load_parquet(con: duckdb.DuckDBPyConnection, source: Source, log: ProblemLog) -> LoadedSource | None:
    """Load one Parquet file into `raw_<table>`; None (with a problem logged) when it cannot be read."""
    label, table = source.label, next(t for t in TABLES if t.name == source.table)
    try:
        schema = con.execute("describe select * from read_parquet($p)", {"p": str(source.path)}).fetchall()
    except duckdb.InterruptException:
        raise
    except duckdb.Error as exc:
        log.add(Problem(label, NO_LINE, NO_COLUMN, f"cannot be read as Parquet ({exc})"))
        return None
    names = checked_columns(label, 1, [row[0] for row in schema], log)
    if names is None:
        return None
    relation = f"raw_{source.table}"
    zoned = any(kind.startswith("TIMESTAMP WITH TIME ZONE") for _, kind, *_ in schema)
    scanned = "read_parquet($p, file_row_number = true)"
    if zoned:
        con.register("parquet_local", _local_times(source.path))
        scanned = "(select *, row_number() over () - 1 as file_row_number from parquet_local)"
    casts = []
    for (original, kind, *_), name in zip(schema, names, strict=True):
        col = cells.ident(original)
        if kind.startswith("TIMESTAMP"):
            local = f"cast({col} as timestamp)"
            text = (f"case when cast({local} as time) = time '00:00:00' then cast(cast({local} as date) as varchar)"
                    f" else cast({local} as varchar) end")
        elif kind == "BOOLEAN":
            text = f"case when {col} then 'true' when not {col} then 'false' end"
        else:
            text = f"cast({col} as varchar)"
        casts.append(f"{cells.clean(text, unicode=True)} as {cells.ident(name)}")
    try:
        con.execute(
            f"""create or replace temp table {relation} as
                select file_row_number + 2 as _line, {", ".join(casts)}
                from {scanned} order by file_row_number""",
            {"p": str(source.path)} if not zoned else {},
        ).fetchall()
    finally:
        if zoned:
            con.unregister("parquet_local")
    rows = con.execute(f"select count(*) from {relation}").fetchall()[0][0]
    cells.normalise_numbers(con, relation, relation, table, names, label, log, prior=None)
    cells.check_text(con, relation, table, names, label, log, controls=True, unicode=True)
    return LoadedSource(source, names, rows, scan(source.path).sha256, None)


def _local_times(path):
    """The file as an Arrow table whose zoned timestamps are the wall-clock times of their own zones."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    table = pq.read_table(path)
    for index, field in enumerate(table.schema):
        if pa.types.is_timestamp(field.type) and field.type.tz:
            table = table.set_column(index, field.name, pc.local_timestamp(table.column(index)))
    return table

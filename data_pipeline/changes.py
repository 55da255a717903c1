"""What a build would change in the published data, and when that needs a confirmation.

A header-only attendance file once replaced 62,421 rows with none and published with a warning. Now a build
compares itself with the database being served (`meta_sources`, `meta_activity`): a table that would lose more
than a share of its rows (contract.SHRINK_SHARE), or a month of activity (contract.ACTIVITY_DATES) that had rows
and would have none, is an error unless the build is confirmed (`build --confirm-shrink`, or the upload page's
confirmation), and a warning saying so when it is. The first build of a database has nothing to compare with.

`diff_tables` adds, for the upload page, how many rows of a replaced table were added, removed and changed
(rows matched by the table's key; in a table without one, identical rows match).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from data_pipeline.checks.keys import normalised
from data_pipeline.contract import ACTIVITY_DATES, GONE_MONTH_MIN_ROWS, TABLES_BY_NAME
from data_pipeline.load import LoadedSource, find_sources, load
from data_pipeline.problems import NO_COLUMN, NO_LINE, Problem, ProblemLog
from data_pipeline.store import open_read_only

CONFIRM_HOW = "confirm it to publish (`build --confirm-shrink`, or the confirmation on the upload page)"


@dataclass
class Published:
    """What the served database holds: rows per source table and rows per month of activity."""

    rows: dict[str, int] = field(default_factory=dict)
    months: dict[str, dict[dt.date, int]] = field(default_factory=dict)
    as_of: dt.date | None = None


def published(db_path: Path | None) -> Published | None:
    """The served database's counts, or None when there is none (or it cannot be read: nothing to compare)."""
    if db_path is None or not Path(db_path).exists():
        return None
    try:
        con = open_read_only(db_path)
    except (duckdb.Error, OSError):
        return None
    try:
        state = Published(rows=dict(con.execute("select table_name, rows from meta_sources").fetchall()))
        state.as_of = con.execute("select as_of from meta_build").fetchall()[0][0]
        has_months = con.execute("select count(*) from information_schema.tables "
                                 "where table_name = 'meta_activity'").fetchall()[0][0]
        if has_months:
            for table, month, rows in con.execute("select table_name, month, rows from meta_activity").fetchall():
                state.months.setdefault(table, {})[month] = rows
    except duckdb.Error:
        return None
    finally:
        con.close()
    return state


def _problem(label: str, column: str, message: str, confirmed: bool) -> Problem:
    if confirmed:
        return Problem(label, NO_LINE, column, message + "; published as confirmed", "warning")
    return Problem(label, NO_LINE, column, message + "; " + CONFIRM_HOW)


def shrinking(previous: Published | None, loaded: dict[str, LoadedSource], *, share: float,
              confirmed: bool) -> list[Problem]:
    """A problem for each table that would keep less than (1 - share) of its published rows."""
    if previous is None:
        return []
    found = []
    for table, item in loaded.items():
        before = previous.rows.get(table)
        if before and item.rows < before * (1 - share):
            lost = 1 - item.rows / before
            rows = f"{item.rows:,} row{'' if item.rows == 1 else 's'}"
            found.append(_problem(item.source.label, NO_COLUMN,
                                  f"{rows} would replace the {before:,} published ({lost:.0%} fewer, more than the "
                                  f"{share:.0%} a build may drop unconfirmed)", confirmed))
    return found


ACTIVITY_SQL = {
    "events": "select start_date as day from stg_events",
    "attendance": "select start_date as day from fct_attendance",
    "disbursements": "select paid_on as day from stg_disbursements",
    "grants": "select award_date as day from stg_grants",
}


def activity(con: duckdb.DuckDBPyConnection) -> list[tuple[str, dt.date, int]]:
    """Rows per month of each activity table (ACTIVITY_DATES), from the staged tables and facts; also kept as the
    temporary table `scn_activity` for `write_activity`."""
    assert set(ACTIVITY_SQL) == set(ACTIVITY_DATES)
    union = " union all ".join(
        f"select '{table}' as table_name, cast(date_trunc('month', day) as date) as month, count(*) as rows "
        f"from ({sql}) where day is not null group by all" for table, sql in ACTIVITY_SQL.items())
    con.execute(f"create or replace temp table scn_activity as select * from ({union}) order by 1, 2").fetchall()
    return con.execute("select * from scn_activity").fetchall()


def write_activity(con: duckdb.DuckDBPyConnection) -> None:
    """Publish what `activity` counted as `meta_activity` (one statement: inserting row by row from Python is slow)."""
    con.execute("create table meta_activity as select * from scn_activity").fetchall()


def gone_months(previous: Published | None, now: list[tuple[str, dt.date, int]], loaded: dict[str, LoadedSource],
                *, confirmed: bool) -> list[Problem]:
    """A problem for each run of months, up to the published data's as-of date, that had at least
    GONE_MONTH_MIN_ROWS rows of an activity table and would have none."""
    if previous is None or not previous.months:
        return []
    present = {(table, month) for table, month, _ in now}
    found = []
    for table, months in previous.months.items():
        if table not in loaded:
            continue
        gone = sorted(m for m, n in months.items() if n >= GONE_MONTH_MIN_ROWS and (table, m) not in present
                      and (previous.as_of is None or m <= previous.as_of))
        for first, last in _runs(gone, set(months)):
            rows = sum(n for m, n in months.items() if first <= m <= last)
            span = f"{first:%Y-%m}" if first == last else f"{first:%Y-%m} to {last:%Y-%m}"
            found.append(_problem(loaded[table].source.label, ACTIVITY_DATES[table],
                                  f"no rows any more in {span} ({rows:,} in the published data)", confirmed))
    return found


def _runs(months: list[dt.date], known: set[dt.date]) -> list[tuple[dt.date, dt.date]]:
    """Consecutive months (by the published data's own months) grouped as (first, last)."""
    ordered = sorted(known)
    position = {m: i for i, m in enumerate(ordered)}
    runs: list[list[dt.date]] = []
    for month in months:
        if runs and position[month] == position[runs[-1][-1]] + 1:
            runs[-1].append(month)
        else:
            runs.append([month])
    return [(run[0], run[-1]) for run in runs]


@dataclass(frozen=True)
class TableDiff:
    """Rows of one table before and after an upload, and how many were added, removed and changed."""

    table: str
    before: int | None
    after: int
    added: int | None = None
    removed: int | None = None
    changed: int | None = None

    def as_dict(self) -> dict:
        return {"table": self.table, "before": self.before, "after": self.after, "added": self.added,
                "removed": self.removed, "changed": self.changed}


def diff_tables(old_folder: Path | None, new_folder: Path, tables: list[str]) -> list[TableDiff]:
    """Compare `tables` between two source folders row by row (each loaded as the build loads it).

    A row is matched by the table's key; in a table without a key an identical row matches (so a payment whose
    amount changed counts as one removed and one added). Values compare as keys do (codes ignoring case, numbers
    and dates by value). A table the old folder lacks, or that cannot be read, gives counts only.
    """
    con = duckdb.connect()
    scratch = ProblemLog()
    try:
        old = _load(con, old_folder, "old", tables, scratch) if old_folder else {}
        new = _load(con, new_folder, "new", tables, scratch)
        return [_diff(con, table, old.get(table), new.get(table)) for table in tables if table in new]
    finally:
        con.close()


def _load(con, folder: Path, prefix: str, tables: list[str], log: ProblemLog) -> dict[str, tuple[str, LoadedSource]]:
    found = find_sources(Path(folder), log)
    out = {}
    for table in tables:
        source = found.get(table)
        if source is None:
            continue
        try:
            item = load(con, source, log)
        except (duckdb.Error, OSError, ValueError):
            continue
        if item is None:
            continue
        name = f"{prefix}_{table}"
        con.execute(f"create temp table {name} as select * from {item.relation}").fetchall()
        out[table] = (name, item)
    return out


def _diff(con, table: str, old: tuple[str, LoadedSource] | None, new: tuple[str, LoadedSource]) -> TableDiff:
    new_name, new_item = new
    if old is None:
        return TableDiff(table, None, new_item.rows)
    old_name, old_item = old
    contract = TABLES_BY_NAME[table]
    shared = [c for c in contract.columns if c.name in old_item.columns and c.name in new_item.columns]
    row = "md5(concat_ws('|', " + ", ".join(f"coalesce({normalised(c)}, '')" for c in shared) + "))"
    key = [c for c in shared if c.name in contract.key]
    if len(key) == len(contract.key) and key:
        k = "concat_ws('|', " + ", ".join(f"coalesce({normalised(c)}, '')" for c in key) + ")"
        added, removed, changed = con.execute(f"""
            with o as (select distinct on (k) {k} as k, {row} as r from {old_name}),
                 n as (select distinct on (k) {k} as k, {row} as r from {new_name})
            select count_if(o.k is null), count_if(n.k is null), count_if(o.r <> n.r)
            from o full join n using (k)""").fetchall()[0]
    else:
        added, removed = con.execute(f"""
            with o as (select {row} as r, count(*) as c from {old_name} group by all),
                 n as (select {row} as r, count(*) as c from {new_name} group by all)
            select coalesce(sum(greatest(coalesce(n.c, 0) - coalesce(o.c, 0), 0)), 0),
                   coalesce(sum(greatest(coalesce(o.c, 0) - coalesce(n.c, 0), 0)), 0)
            from o full join n using (r)""").fetchall()[0]
        changed = None
    return TableDiff(table, old_item.rows, new_item.rows, int(added), int(removed),
                     None if changed is None else int(changed))


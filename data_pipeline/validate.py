"""Check loaded source tables against the data contract and report every problem by file, line and column.

Validation runs in DuckDB over the `raw_<table>` text tables: one aggregate query per table counts the rows
failing each check (a single scan, cheap at 10M rows), and only failing checks fetch their first rows for the
report. Values are quoted as written in the file, so the person fixing it can search for them.
The raw tables hold each value trimmed, with empty cells as NULL (load.py cleans every cell once, as it is read),
so the checks and the messages read them as they are.
"""

from __future__ import annotations

import datetime as dt
from functools import partial

import duckdb

from data_pipeline import bounds as plausible
from data_pipeline.checks import dates, keys, money, personal, places, text
from data_pipeline.checks.core import Check
from data_pipeline.checks.core import quoted as _v
from data_pipeline.checks.core import run_checks as _run_checks
from data_pipeline.checks.core import sql_list as _quote_list
from data_pipeline.checks.personal import is_personal_column
from data_pipeline.contract import (
    FALSE_WORDS,
    TABLES,
    TABLES_BY_NAME,
    TRUE_WORDS,
    Column,
    Table,
)
from data_pipeline.datatests import unique
from data_pipeline.load import LoadedSource
from data_pipeline.problems import NO_COLUMN, NO_LINE, Problem, ProblemLog
from data_pipeline.timing import Timings, timed


def _g(number: float) -> str:
    return f"{number:g}"


def column_checks(table: Table, column: Column, today: dt.date) -> list[Check]:
    """The checks one contract column gets, in the order a person would want to fix them."""
    c, v = column.name, _v(column.name)
    checks: list[Check] = []
    if column.required:
        checks.append(Check(c, "required", f"{v} is null", lambda r: "value is required but empty"))
    number = f"try_cast({v} as double)"
    if column.type == "number":
        checks.append(Check(c, "type", f"{v} is not null and ({number} is null or not isfinite({number}))",
                            lambda r: f"'{r[1]}' is not a number"))
    elif column.type == "integer":
        checks.append(Check(c, "type", f"{v} is not null and ({number} is null or {number} <> floor({number}))",
                            lambda r: f"'{r[1]}' is not a whole number"))
    elif column.type == "date":
        checks.append(Check(
            c, "type",
            f"{v} is not null and (not regexp_full_match({v}, '[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}') "
            f"or try_cast({v} as date) is null)",
            lambda r: f"'{r[1]}' is not a date; expected YYYY-MM-DD"))
    elif column.type == "boolean":
        words = _quote_list(TRUE_WORDS + FALSE_WORDS)
        checks.append(Check(c, "type", f"{v} is not null and lower({v}) not in ({words})",
                            lambda r: f"'{r[1]}' is not true or false"))
    elif column.type == "code":
        lowered = tuple(code.lower() for code in column.codes)
        listing = ", ".join(column.codes)
        checks.append(Check(c, "code", f"{v} is not null and lower({v}) not in ({_quote_list(lowered)})",
                            lambda r: f"'{r[1]}' is not one of: {listing}"))
    elif column.type == "iso3":
        checks.append(Check(c, "code", f"{v} is not null and upper({v}) not in (select iso3 from ref_countries)",
                            lambda r: f"'{r[1]}' is not an ISO 3166-1 alpha-3 country code"))
    elif column.type == "currency":
        checks.append(Check(c, "code", f"{v} is not null and upper({v}) not in (select code from ref_currencies)",
                            lambda r: f"'{r[1]}' is not an ISO 4217 currency code"))

    if column.minimum is not None or column.maximum is not None:
        lo, hi = column.minimum, column.maximum
        conditions = []
        if lo is not None:
            conditions.append(f"{number} < {lo}")
        if hi is not None:
            conditions.append(f"{number} > {hi}")
        if lo is not None and hi is not None:
            expected = f"expected {_g(lo)} to {_g(hi)}"
        elif lo is not None:
            expected = f"expected at least {_g(lo)}"
        else:
            expected = f"expected at most {_g(hi)}"
        checks.append(Check(c, "range", f"isfinite({number}) and ({' or '.join(conditions)})",
                            lambda r, e=expected: f"{r[1]} is out of range; {e}"))

    day = f"try_cast({v} as date)"
    if column.max_future_days is not None:
        n = column.max_future_days
        limit = today + dt.timedelta(days=n)
        checks.append(Check(c, "future", f"{day} > date '{limit.isoformat()}' and {dates.not_placeholder(c)}",
                            lambda r: f"{r[1]} is more than {n} days after today ({today.isoformat()})"))
    if column.not_before:
        other = column.not_before
        checks.append(Check(c, "order", f"{day} < try_cast({_v(other)} as date)",
                            lambda r: f"{r[1]} is before {other} {r[2]}", other=other))
    checks += dates.column_checks(column) + text.missing_word_checks(column)
    if column.requires:
        other = column.requires
        checks.append(Check(c, "requires", f"{v} is not null and {_v(other)} is null",
                            lambda r: f"{c} is filled but {other} is empty", other=other))
    return checks


def _header(loaded: LoadedSource, table: Table, log: ProblemLog) -> tuple[list[Column], list[str]]:
    """Report missing and unexpected columns; return the contract columns present and the extra ones."""
    label, present = loaded.source.label, set(loaded.columns)
    for column in table.columns:
        if column.name not in present and column.header_required:
            log.add(Problem(label, 1, column.name, "required column is missing"))
    contract_names = set(table.column_names)
    extras = [name for name in loaded.columns if name not in contract_names]
    for name in extras:
        if is_personal_column(name):
            log.add(Problem(label, 1, name, "looks like personal data and is refused; remove the column"))
        else:
            log.add(Problem(label, 1, name, "column is not in the data contract and is ignored", "warning"))
    return [c for c in table.columns if c.name in present], extras


def _references(con: duckdb.DuckDBPyConnection, loaded: LoadedSource, table: Table,
                sources: dict[str, LoadedSource]) -> list[Check]:
    checks = []
    for column in table.columns:
        if not column.references or column.name not in loaded.columns:
            continue
        target_table, target_column = column.references.split(".")
        target = sources.get(target_table)
        if target is None or target_column not in target.columns:
            continue
        v = _v(column.name)
        # keys on the target's rows that could not be read (load.py salvages them) are not reported again here
        unread = f' union all select "{target_column}" from {target.unread}' if target.unread else ""
        checks.append(Check(
            column.name, "reference",
            f"{v} is not null and {v} not in (select \"{target_column}\" from {target.relation} "
            f"where \"{target_column}\" is not null{unread})",
            lambda r, tc=target_column, tt=target_table: f"'{r[1]}' is not a known {tc} in {tt}"))
    return checks


# Amounts that must convert to USD: (table, currency column, date column).
FX_NEEDS = (("grants", "currency", "award_date"), ("disbursements", "currency", "paid_on"))


def _fx_coverage(loaded: LoadedSource, date_column: str, sources: dict[str, LoadedSource]) -> list[Check]:
    fx = sources.get("fx_rates")
    if fx is None or not {"currency", "valid_on", "usd_per_unit"} <= set(fx.columns):
        return []
    # Qualified: inside the subquery a bare "currency" would be the rates table's own column.
    outer = loaded.relation
    cur = f"{outer}.\"currency\""
    day = f"try_cast({outer}.\"{date_column}\" as date)"
    bad = (f"upper({cur}) in (select code from ref_currencies) and upper({cur}) <> 'USD' and {day} is not null "
           f"and not exists (select 1 from {fx.relation} f where upper(f.currency) = upper({cur}) "
           f"and try_cast(f.valid_on as date) <= {day} and try_cast(f.usd_per_unit as double) > 0)")
    return [Check("currency", "fx", bad,
                  lambda r: f"no USD rate for '{r[1]}' on or before {r[2]} in fx_rates", other=date_column)]


def validate(con: duckdb.DuckDBPyConnection, sources: dict[str, LoadedSource], log: ProblemLog,
             *, today: dt.date, timings: Timings | None = None, later: frozenset[str] = frozenset(),
             bounds: plausible.Bounds | None = None) -> None:
    """Check every loaded source against the contract, adding each problem found to `log`.

    Needs `ref_countries` and `ref_currencies` in `con`. Cross-table checks (references, exchange-rate
    coverage) run only against tables that loaded, so one broken file does not drown the report in echoes.
    `timings`, when given, receives the wall time of each table's checks. The tables named in `later` skip
    their reference and duplicate-key checks: the caller runs them with `validate_links` (see PROVEN_BY_FACT).
    The money checks keep within `bounds` (default: the shipped bounds.toml).
    """
    personal.install(con)
    for table in TABLES:
        loaded = sources.get(table.name)
        if loaded is None:
            continue
        present, extras = _header(loaded, table, log)
        if loaded.rows == 0:
            log.add(Problem(loaded.source.label, 2, "-", "file has a header but no rows", "warning"))
        checks: list[Check] = []
        for column in present:
            checks += column_checks(table, column, today)
            if column.type == "id":
                checks += personal.value_checks(column.name)
            elif column.type == "text":
                checks += personal.text_checks(column.name)
        for name in extras:
            if not is_personal_column(name):  # a refused column is reported once, not once per value
                checks += personal.text_checks(name)
        if table.name not in later:
            checks += _references(con, loaded, table, sources)
        for fx_table, currency_column, date_column in FX_NEEDS:
            if fx_table == table.name and {currency_column, date_column} <= set(loaded.columns):
                checks += _fx_coverage(loaded, date_column, sources)
        checks = [ch for ch in checks if ch.other is None or ch.other in loaded.columns]
        with timed(timings, f"validate {table.name}"):
            _run_checks(con, loaded, checks, log)
        if table.name not in later:
            with timed(timings, f"validate {table.name} duplicates"):
                keys.duplicates(con, loaded, table, log)
                keys.repeated_rows(con, loaded, table, log)
    limits = bounds or plausible.read()
    for name, across in (("money", partial(money.check, bounds=limits)), ("dates", dates.check),
                         ("places", places.check)):
        with timed(timings, f"validate {name}"):
            across(con, sources, log)


# Sources whose references and key a fact model proves for less than checking their raw text: source -> (fact,
# its key). fct_attendance joins every attendance to its event and its participant (inner joins, on keys that are
# unique once validated), so it has as many rows as the file only if every reference was found, and its key is
# unique only if the file's is (participant_key stands for participant_id one to one, and hashes faster). That
# proof costs a fraction of the checks on the text (bench/README.md), which then run only when it fails, to name
# the lines (or when other errors stop the build before the fact).
PROVEN_BY_FACT = {"attendance": ("fct_attendance", ("event_id", "participant_key"))}


def validate_links(con: duckdb.DuckDBPyConnection, sources: dict[str, LoadedSource], log: ProblemLog,
                   name: str) -> None:
    """The reference and duplicate-key checks of one source, as `validate` runs them for a source not in `later`."""
    loaded, table = sources.get(name), TABLES_BY_NAME[name]
    if loaded is not None:
        _run_checks(con, loaded, _references(con, loaded, table, sources), log)
        keys.duplicates(con, loaded, table, log)
        keys.repeated_rows(con, loaded, table, log)


def proven_by_fact(con: duckdb.DuckDBPyConnection, loaded: LoadedSource) -> bool:
    """True when the fact built from `loaded` has a row for each of its rows and a unique key (PROVEN_BY_FACT)."""
    fact, key = PROVEN_BY_FACT[loaded.source.table]
    if con.execute(f"select count(*) from {fact}").fetchall()[0][0] != loaded.rows:
        return False
    return not con.execute(f"select * from ({unique(fact, *key).sql}) limit 1").fetchall()


def validate_by_fact(con: duckdb.DuckDBPyConnection, sources: dict[str, LoadedSource], log: ProblemLog,
                     name: str) -> None:
    """Check source `name`'s references and key through the fact built from it; when the proof fails, run the
    checks on the text to name the lines."""
    if proven_by_fact(con, sources[name]):
        return
    before = (len(log.errors), log.dropped)
    validate_links(con, sources, log, name)
    if (len(log.errors), log.dropped) == before:  # not expected: the fact lost or repeated rows the checks miss
        fact = PROVEN_BY_FACT[name][0]
        log.add(Problem(sources[name].source.label, NO_LINE, NO_COLUMN,
                        f"{fact} does not have exactly one row per record of this file with a unique key"))


def sort_key(problem: Problem) -> tuple:
    """Report order: by file, then line (file-level lines first), then column."""
    line = problem.line if isinstance(problem.line, int) else 0
    return (problem.file, line, problem.column, problem.message)


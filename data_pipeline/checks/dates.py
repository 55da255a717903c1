"""Dates that cannot be right: placeholders (1900-01-01, 1899-12-30, 1970-01-01, 9999-12-31), dates before
anything of their kind could happen (contract.NETWORK_FOUNDED, EARLIEST_ACTIVITY: a year typed 1015 made one mart
90 times larger), rows that last implausibly long (an event ending in 2109), completed attendance at an event
that has not happened yet, activity or a steering seat of a city after it left, and overlapping steering terms
of one city.
"""

from __future__ import annotations

import datetime as dt

import duckdb

from data_pipeline.checks.core import Check, quoted, sql_list
from data_pipeline.contract import NETWORK_FOUNDED, PLACEHOLDER_DATES, TRUE_WORDS, Column
from data_pipeline.load import LoadedSource
from data_pipeline.problems import ProblemLog

PLACEHOLDERS = sql_list(tuple(PLACEHOLDER_DATES))


def not_placeholder(column: str) -> str:
    """SQL: the value is not one of the placeholder dates (which their own check reports once)."""
    return f"{quoted(column)} not in ({PLACEHOLDERS})"


def column_checks(column: Column) -> list[Check]:
    """Placeholders, the earliest plausible date and the longest span of one date column."""
    if column.type != "date":
        return []
    c, v = column.name, quoted(column.name)
    day = f"try_cast({v} as date)"
    checks = [Check(c, "placeholder", f"{v} in ({PLACEHOLDERS})",
                    lambda r: f"{r[1]} looks like a placeholder ({PLACEHOLDER_DATES[r[1]]}), not a real date: "
                              + ("write the real date" if column.required else "leave the cell empty if unknown"))]
    if column.earliest:
        first = column.earliest
        why = ("before the network was founded" if first == NETWORK_FOUNDED
               else "too early to be plausible")
        checks.append(Check(c, "earliest", f"{day} < date '{first}' and {not_placeholder(c)}",
                            lambda r: f"{r[1]} is {why} (earliest {first}); a typing slip?"))
    if column.within:
        other, days = column.within
        checks.append(Check(
            c, "span", f"{day} > try_cast({quoted(other)} as date) + {days} and {not_placeholder(c)}",
            lambda r: f"{r[1]} is more than {days} days after {other} {r[2]}; a typing slip in the year?",
            other=other))
    return checks


def _label(sources: dict[str, LoadedSource], table: str) -> str:
    return sources[table].source.label


def _report(log: ProblemLog, label: str, column: str, rows: list[tuple[int, str]], severity: str = "error") -> None:
    log.add_rows(label, column, rows[:log.per_kind], len(rows) - log.per_kind, severity)


def check(con: duckdb.DuckDBPyConnection, sources: dict[str, LoadedSource], log: ProblemLog) -> None:
    """The checks across tables: activity after a city left, steering seats after it left, overlapping terms."""
    cities = sources.get("cities")
    if cities is None or not {"city_id", "left_on"} <= set(cities.columns):
        cities = None
    terms = sources.get("steering_terms")
    if terms is not None and {"city_id", "term_start", "term_end"} <= set(terms.columns):
        _overlapping_terms(con, terms, log)
        if cities is not None:
            _after_leaving(con, terms, cities, "term_start", "holds this seat from", log, severity="error",
                           end="term_end")
    if cities is None:
        return
    for table, column, what in (("events", "start_date", "hosts this event on"),
                                ("milestones", "achieved_on", "reached this milestone on"),
                                ("grants", "award_date", "was awarded this grant on")):
        loaded = sources.get(table)
        if loaded is not None and {"city_id", column} <= set(loaded.columns):
            _after_leaving(con, loaded, cities, column, what, log)


def _after_leaving(con, loaded: LoadedSource, cities: LoadedSource, column: str, what: str, log: ProblemLog,
                   *, severity: str = "warning", end: str | None = None) -> None:
    """Rows of a city dated after it left (a seat: also one still running, or ending after it left)."""
    day = f"try_cast(t.{quoted(column)} as date)"
    late = f"{day} > c.left_day"
    until = "null"
    if end:
        until = f"t.{quoted(end)}"
        late += f" or coalesce(try_cast(t.{quoted(end)} as date), date '9999-12-31') > c.left_day"
    rows = con.execute(f"""
        with c as (select city_id, try_cast(left_on as date) as left_day, min(_line) as city_line
                   from {cities.relation} where try_cast(left_on as date) is not null group by all)
        select t._line, t.city_id, t.{quoted(column)}, {until}, c.left_day, c.city_line
        from {loaded.relation} t join c using (city_id)
        where {late} order by t._line""").fetchall()
    city_label = cities.source.label
    _report(log, loaded.source.label, column, [
        (line, f"city {city} {what} {value}" + ((f" to {last}" if last else ", still running") if end else "")
               + f", after it left the network on {left} ({city_label} line {city_line}); check the dates")
        for line, city, value, last, left, city_line in rows], severity)


def _overlapping_terms(con, terms: LoadedSource, log: ProblemLog) -> None:
    rows = con.execute(f"""
        with t as (
            select _line, city_id, try_cast(term_start as date) as s, try_cast(term_end as date) as e,
                   lag(_line) over w as before_line, lag(try_cast(term_end as date)) over w as before_end,
                   lag(_line) over w is not null as has_before
            from {terms.relation} where try_cast(term_start as date) is not null
            window w as (partition by city_id order by try_cast(term_start as date), _line)
        )
        select _line, city_id, s, before_line, before_end from t
        where has_before and (before_end is null or s <= before_end) order by _line""").fetchall()
    _report(log, terms.source.label, "term_start", [
        (line, f"city {city}'s term starting {start} overlaps its term on line {before} "
               + (f"(ending {end})" if end else "(still running: give it a term_end)"))
        for line, city, start, before, end in rows])


def completed_in_future(con: duckdb.DuckDBPyConnection, sources: dict[str, LoadedSource], log: ProblemLog,
                        today: dt.date) -> None:
    """Completed attendance at an event starting after today. Counted on fct_attendance (two typed columns, cheap
    at ten million rows); only when some exist are the raw files joined to name their lines. Needs the facts and
    the raw sources (the build runs it between them)."""
    found = con.execute("select count_if(completed and start_date > ?) from fct_attendance",
                        [today]).fetchall()[0][0]
    if not found:
        return
    attendance, events = sources["attendance"], sources["events"]
    rows = con.execute(f"""
        select a._line, a.event_id, e.start_date, e._line
        from {attendance.relation} a join {events.relation} e using (event_id)
        where lower(a.completed) in ({sql_list(TRUE_WORDS)}) and try_cast(e.start_date as date) > ?
        order by a._line limit {log.per_kind}""", [today]).fetchall()
    log.add_rows(attendance.source.label, "completed", [
        (line, f"completed, but event {event} starts on {start} ({events.source.label} line {event_line}), after "
               f"today ({today}); an event that has not happened cannot be completed")
        for line, event, start, event_line in rows], found - len(rows))

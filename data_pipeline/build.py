"""Build the analytics database: load -> validate -> typed -> staging -> marts -> data tests -> publish.

The build writes a new DuckDB file beside the served one and replaces it with one atomic rename only after
validation and the data tests pass. A failed, interrupted or killed build therefore leaves the served file
byte-identical; a dashboard holding the old file open keeps reading it and picks up the new one on its next
query. Each run writes a JSON report next to the database (`<db>.report.json`) for the data-quality page.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from data_pipeline import __version__, changes
from data_pipeline.bounds import Bounds
from data_pipeline.checks.dates import completed_in_future
from data_pipeline.contract import MILESTONES, SHRINK_SHARE, TABLES
from data_pipeline.datatests import run_data_tests
from data_pipeline.load import LoadedSource, close_sources, find_sources, load, source_folder_problem
from data_pipeline.macros import create_macros
from data_pipeline.models import SQL_DIR, build_order, models
from data_pipeline.problems import NO_LINE, BySeverity, Problem, ProblemLog
from data_pipeline.staging import create_mask_macro, create_typed, run_models
from data_pipeline.timing import Timings, timed
from data_pipeline.validate import PROVEN_BY_FACT, sort_key, validate, validate_by_fact, validate_links

REFERENCE_DIR = Path(__file__).resolve().parent.parent / "data" / "reference"
DEMO_MARKER = ".scn-demo"
# DuckDB's buffer pool for a build: past it, hash tables, sorts and the temporary raw tables spill to a folder
# beside the database instead of growing, so a 10M-row build fits a small server (its peak: bench/README.md).
MEMORY_LIMIT = "2GB"
Progress = Callable[[str], None]


@dataclass
class BuildResult(BySeverity):
    """What a build did: whether it published, every problem found, and where the report is."""

    ok: bool
    db_path: Path
    report_path: Path
    problems: list[Problem] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    as_of: dt.date | None = None
    # Wall seconds per step (`load <file>`, `validate <table>`, `model <name>`, `test <name>`, ...), in run order.
    timings: Timings = field(default_factory=dict)
    # Source rows per table: published before (None: not in the served database) and in this build.
    changes: dict[str, tuple[int | None, int]] = field(default_factory=dict)
    # Problems a confirmation would turn into warnings (the data shrinks: changes.py); errors while unconfirmed.
    unconfirmed: list[Problem] = field(default_factory=list)

    @property
    def needs_confirmation(self) -> bool:
        """True when the only errors are those a confirmation lifts."""
        return bool(self.unconfirmed) and all(p in self.unconfirmed for p in self.errors)


class BuildBusy(RuntimeError):
    """Another build of the same database is running."""


def report_path_for(db_path: Path) -> Path:
    """Where the build's JSON report of `db_path` is written: beside it, `<db>.report.json`."""
    return db_path.with_suffix(".report.json")


@contextmanager
def _exclusive(db_path: Path) -> Iterator[None]:
    lock_path = db_path.parent / f".{db_path.name}.lock"
    with lock_path.open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise BuildBusy(f"another build of {db_path} is running") from exc
        yield


def _remove_stale_partials(db_path: Path) -> None:
    """Delete half-written databases (and their spill folders) left by builds that were killed."""
    for partial in db_path.parent.glob(f".{db_path.name}.building-*"):
        pid = partial.name.rsplit("-", 1)[-1].split(".")[0]
        if pid.isdigit() and not Path(f"/proc/{pid}").exists():
            if partial.is_dir():
                shutil.rmtree(partial, ignore_errors=True)
            else:
                partial.unlink(missing_ok=True)


def _connect(partial: Path, spill: Path) -> duckdb.DuckDBPyConnection:
    """The build's connection: bounded memory, spilling to `spill`, no progress bar on a terminal."""
    con = duckdb.connect(str(partial), config={"memory_limit": MEMORY_LIMIT, "temp_directory": str(spill)})
    con.execute("set enable_progress_bar = false").fetchall()
    return con


def _load_reference(con: duckdb.DuckDBPyConnection) -> None:
    for name in ("regions.csv", "countries.csv", "currencies.csv"):
        if not (REFERENCE_DIR / name).is_file():
            raise FileNotFoundError(f"reference file {REFERENCE_DIR / name} is missing: it ships with the code")
    con.execute("create table ref_regions as select region, slug from read_csv($p, all_varchar = true)",
                {"p": str(REFERENCE_DIR / "regions.csv")})
    con.execute("create table ref_countries as select upper(iso3) as iso3, upper(iso2) as iso2, name, region "
                "from read_csv($p, all_varchar = true)",
                {"p": str(REFERENCE_DIR / "countries.csv")})
    con.execute("create table ref_currencies as select upper(code) as code, name from read_csv($p, all_varchar = true)",
                {"p": str(REFERENCE_DIR / "currencies.csv")})
    con.execute("create table ref_milestones (milestone varchar, step integer)")
    con.executemany("insert into ref_milestones values (?, ?)",
                    [(m, i) for i, m in enumerate(MILESTONES, start=1)])


def _as_of(con: duckdb.DuckDBPyConnection, today: dt.date) -> dt.date:
    """The data's reference date: its latest recorded activity up to today.

    Read from fct_attendance and the staging tables rather than the typed views, which would trim and cast ten
    million attendance rows a second time. Dates after today (attendance registered for a planned event, a payment
    dated a few days ahead) do not count: they would move the data's "now" to today and empty the last period.
    """
    latest = con.execute(
        """select greatest(
               (select max(start_date) from fct_attendance where start_date <= $today),
               (select max(paid_on) from stg_disbursements where paid_on <= $today),
               (select max(achieved_on) from stg_milestones where achieved_on <= $today),
               (select max(joined_on) from stg_cities where joined_on <= $today),
               (select max(left_on) from stg_cities where left_on <= $today))""", {"today": today}
    ).fetchall()[0][0]
    return min(latest or today, today)


def _date_spans(con: duckdb.DuckDBPyConnection, loaded: dict[str, LoadedSource]) -> dict[str, tuple]:
    """The earliest and latest date of each loaded source, read from its typed view (for `meta_sources`)."""
    spans = {}
    for table in TABLES:
        dates = [c.name for c in table.columns if c.type == "date"]
        if table.name in loaded and dates:
            spans[table.name] = con.execute(
                "select least(" + ", ".join(f"min({d})" for d in dates) + "), greatest("
                + ", ".join(f"max({d})" for d in dates) + f") from typed_{table.name}"
            ).fetchall()[0]
    return spans


def _write_meta(con: duckdb.DuckDBPyConnection, source: Path, loaded: dict[str, LoadedSource],
                spans: dict[str, tuple], problems: list[Problem], as_of: dt.date, today: dt.date) -> None:
    con.execute(
        "create table meta_build as select now()::timestamp as built_at, ?::date as as_of, ?::date as today, "
        "? as source, ? as pipeline_version, ? as is_demo",
        [as_of, today, str(source), __version__, (source / DEMO_MARKER).exists()],
    )
    con.execute("create table meta_sources (table_name varchar, file varchar, format varchar, encoding varchar, "
                "rows bigint, sha256 varchar, min_date date, max_date date)")
    for table in TABLES:
        item = loaded.get(table.name)
        if item is None:
            continue
        span = spans.get(table.name, (None, None))
        con.execute("insert into meta_sources values (?, ?, ?, ?, ?, ?, ?, ?)",
                    [table.name, item.source.label, item.source.format, item.encoding, item.rows,
                     item.sha256, span[0], span[1]])
    con.execute("create table meta_problems (severity varchar, file varchar, line varchar, "
                "\"column\" varchar, message varchar)")
    if problems:  # one statement of lists: executemany inserts row by row, seconds for a thousand problems
        con.execute("insert into meta_problems select unnest($severity), unnest($file), unnest($line), "
                    "unnest($column), unnest($message)",
                    {"severity": [p.severity for p in problems], "file": [p.file for p in problems],
                     "line": [str(p.line) for p in problems], "column": [p.column for p in problems],
                     "message": [p.message for p in problems]})
    built = con.execute(
        "select table_name, table_type = 'VIEW' from information_schema.tables "
        "where table_catalog = current_database() and table_schema = 'main' "
        "and table_name not like 'raw\\_%' escape '\\' "
        "and table_name not like 'typed\\_%' escape '\\' order by table_name").fetchall()
    # rows of the tables; a view's rows are left NULL: counting them would compute it (seconds at ten million rows)
    con.execute("create table meta_tables (table_name varchar, kind varchar, rows bigint)")
    for name, is_view in built:
        if is_view:
            con.execute("insert into meta_tables values (?, 'view', null)", [name])
        else:
            con.execute("insert into meta_tables select ?, 'table', count(*) from " + name, [name])


def _drop_scratch(con: duckdb.DuckDBPyConnection, unpublished: list[str]) -> None:
    """Drop the raw and typed scratch and the `unpublished` models, views over them (views first, then the tables
    under them), to free their memory."""
    scratch = con.execute(
        "select table_catalog, table_name, table_type from information_schema.tables where table_schema = 'main' "
        "and (table_name like 'raw\\_%' escape '\\' or table_name like 'typed\\_%' escape '\\' "
        "or table_name like 'reject%' or list_contains($unpublished, table_name)) "
        "order by table_type = 'VIEW' desc", {"unpublished": unpublished}
    ).fetchall()
    for catalog, name, kind in scratch:
        con.execute(f"drop {'view' if kind == 'VIEW' else 'table'} {catalog}.main.{name}").fetchall()


def _write_report(path: Path, report: dict) -> None:
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    partial.write_text(json.dumps(report, indent=2, default=str), encoding="utf-8")
    os.replace(partial, path)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def build(source: Path, db_path: Path, *, today: dt.date | None = None, progress: Progress | None = None,
          confirm_shrink: bool = False, shrink_share: float = SHRINK_SHARE,
          compare_with: Path | None = None, sql_dir: Path = SQL_DIR, bounds: Bounds | None = None) -> BuildResult:
    """Build `db_path` from the source files in `source`, publishing only a database that passed every check.

    Returns a BuildResult whose `problems` are every validation problem (capped) and data-test failure;
    `ok` is True when the new database was published. The previous database is never modified: the new one
    is built in a hidden file beside it and renamed over it at the end. The build compares itself with the
    database served at `compare_with` (default `db_path`): losing more than `shrink_share` of a table's rows, or a
    month of activity, is an error unless `confirm_shrink` (changes.py). The models are those of `sql_dir`
    (data_pipeline/models.py), built in the order their references give. The money checks keep within `bounds`
    (bounds.py; default: the shipped bounds.toml).
    """
    started = time.perf_counter()
    today = today or dt.date.today()
    source, db_path = Path(source), Path(db_path)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    report_path = report_path_for(db_path)
    say = progress or (lambda _msg: None)
    log = ProblemLog()
    result = BuildResult(False, db_path, report_path)
    report: dict = {"source": str(source), "db": str(db_path), "today": today.isoformat(),
                    "started_at": dt.datetime.now().isoformat(timespec="seconds"), "published": False}
    previous = changes.published(compare_with or db_path)
    found = models(sql_dir)
    with_sources, after_sources = build_order(found)

    with _exclusive(db_path):
        _remove_stale_partials(db_path)
        partial = db_path.parent / f".{db_path.name}.building-{os.getpid()}"
        spill = partial.with_name(f"{partial.name}.tmp")
        partial.unlink(missing_ok=True)
        con = _connect(partial, spill)
        times = result.timings
        try:
            with timed(times, "reference"):
                _load_reference(con)
            say("finding source files")
            folder_problem = source_folder_problem(source)
            if folder_problem:
                log.add(Problem(str(source), NO_LINE, "-", folder_problem))
            sources = find_sources(source, log)
            loaded: dict[str, LoadedSource] = {}
            try:
                for table, src in sources.items():
                    say(f"loading {src.label}")
                    try:
                        with timed(times, f"load {src.label}"):
                            item = load(con, src, log)
                    except duckdb.InterruptException:
                        raise KeyboardInterrupt from None  # Ctrl-C during a query: the build stops, not the file
                    except (duckdb.Error, OSError, ValueError) as exc:
                        log.add(Problem(src.label, NO_LINE, "-", f"cannot be read: {exc}"))
                        continue
                    if item is not None:
                        loaded[table] = item
            finally:
                close_sources(sources)
            # Line numbers come from the order records were loaded in; from here on order does not matter,
            # and without it DuckDB writes tables and runs window functions in parallel.
            con.execute("set preserve_insertion_order = false").fetchall()
            activity: list = []
            result.changes = {t: ((previous.rows.get(t) if previous else None), i.rows) for t, i in loaded.items()}
            result.unconfirmed += changes.shrinking(previous, loaded, share=shrink_share, confirmed=confirm_shrink)
            say("validating")
            validate(con, loaded, log, today=today, timings=times, later=frozenset(PROVEN_BY_FACT), bounds=bounds)
            if log.errors:  # the build stops before the facts: their sources' remaining checks run on the text
                for name in PROVEN_BY_FACT:
                    with timed(times, f"validate {name} links"):
                        validate_links(con, loaded, log, name)
            report["sources"] = [{"table": t, "file": i.source.label, "rows": i.rows, "encoding": i.encoding}
                                 for t, i in loaded.items()]
            if not log.errors:
                say("typing")
                for table in TABLES:
                    with timed(times, f"typed {table.name}"):
                        create_typed(con, table, loaded[table.name])
                create_mask_macro(con)
                create_macros(con)
                # fct_attendance reads the raw source through stg_attendance, a view: built before it is dropped
                run_models(con, with_sources, sql_dir, on_model=lambda name: say(f"model {name}"), timings=times)
                for name in PROVEN_BY_FACT:
                    with timed(times, f"validate {name} by {PROVEN_BY_FACT[name][0]}"):
                        validate_by_fact(con, loaded, log, name)
                with timed(times, "validate completed in the future"):
                    completed_in_future(con, loaded, log, today)
                with timed(times, "activity"):
                    activity = changes.activity(con)
                result.unconfirmed += changes.gone_months(previous, activity, loaded, confirmed=confirm_shrink)
            for problem in result.unconfirmed:
                log.add(problem)
            result.unconfirmed = [p for p in result.unconfirmed if p.severity == "error"]
            if log.dropped:
                log.problems.append(Problem("-", NO_LINE, "-", f"{log.dropped:,} more problems not listed"))
            result.problems = sorted(log.problems, key=sort_key)
            if not log.errors:
                with timed(times, "as_of"):
                    result.as_of = _as_of(con, today)
                con.execute("create table build_params as select ?::date as as_of, ?::date as today",
                            [result.as_of, today]).fetchall()
                with timed(times, "date spans"):
                    spans = _date_spans(con, loaded)
                with timed(times, "drop scratch"):
                    _drop_scratch(con, [n for n in with_sources if found[n].published == "no"])
                run_models(con, after_sources, sql_dir, on_model=lambda name: say(f"model {name}"), timings=times)
                say("running data tests")
                failures = run_data_tests(con, timings=times, sql_dir=sql_dir)
                for name, count, rows in failures:
                    result.problems.append(Problem("data-tests", NO_LINE, name,
                                                   f"{count:,} rows fail, e.g. {rows[0]}"))
                if not failures:
                    say("writing meta tables")
                    with timed(times, "meta"):
                        changes.write_activity(con)
                        _write_meta(con, source, loaded, spans, result.problems, result.as_of, today)
                    result.counts = dict(con.execute(
                        "select table_name, rows from meta_tables where kind = 'table'").fetchall())
                    with timed(times, "checkpoint"):
                        con.execute("checkpoint").fetchall()
            with timed(times, "close"):
                con.close()
            if not result.errors:
                say("publishing")
                with timed(times, "publish"):
                    with partial.open("rb") as handle:
                        os.fsync(handle.fileno())
                    os.replace(partial, db_path)
                    _fsync_dir(db_path.parent)
                result.ok = True
        finally:
            con.close()
            partial.unlink(missing_ok=True)
            Path(f"{partial}.wal").unlink(missing_ok=True)
            shutil.rmtree(spill, ignore_errors=True)
            result.seconds = time.perf_counter() - started
            report.update({
                "ok": result.ok, "published": result.ok,
                "finished_at": dt.datetime.now().isoformat(timespec="seconds"),
                "seconds": round(result.seconds, 2),
                "as_of": result.as_of.isoformat() if result.as_of else None,
                "errors": len(result.errors), "warnings": len(result.warnings),
                "problems": [p.as_dict() for p in result.problems],
                "counts": result.counts,
                "changes": {t: {"before": b, "after": a} for t, (b, a) in result.changes.items()},
                "unconfirmed": len(result.unconfirmed),
                "timings": {name: round(seconds, 3) for name, seconds in result.timings.items()},
            })
            _write_report(report_path, report)
    return result

"""Command line: `python -m data_pipeline build | demo | contract | docs | template | export | check | import`."""

from __future__ import annotations

import datetime as dt
import getpass
import sys
from pathlib import Path

import duckdb
import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.text import Text

from data_pipeline import versions
from data_pipeline.bounds import BoundsError
from data_pipeline.build import DEMO_MARKER, BuildBusy, build

app = typer.Typer(help="SCN data pipeline: validate source files and build the analytics database.",
                  no_args_is_help=True, add_completion=False)
# soft_wrap: a long path or message stays on one line (a path broken by the terminal's width cannot be copied);
# every message is a rich Text, never markup, so a value holding brackets ("grants.xlsx[Sheet1]") prints whole.
err = Console(stderr=True, soft_wrap=True, highlight=False)


def _say(*parts: str | tuple[str, str]) -> None:
    """Print to stderr: plain strings as they are, (text, style) pairs styled; nothing is read as markup."""
    err.print(Text.assemble(*parts))


def _parse_date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise typer.BadParameter(f"'{value}' is not a date; expected YYYY-MM-DD") from exc


def _actor() -> str:
    try:
        return f"{getpass.getuser()} (command line)"
    except (KeyError, OSError):
        return "command line"


@app.command("build")
def build_command(
    source: Path = typer.Option(None, help="Folder with one CSV/XLSX/Parquet file per source table. Default: the "
                                           "published set (the sources store's CURRENT), else SCN_SOURCE."),
    db: Path = typer.Option(None, help="Database to publish. Default: the served one (SCN_DB)."),
    today: str = typer.Option(None, help="Treat this day as today (YYYY-MM-DD) for future-date checks."),
    confirm_shrink: bool = typer.Option(False, "--confirm-shrink",
                                        help="Publish even though a table loses rows or months of activity."),
    quiet: bool = typer.Option(False, help="Print problems only, no progress."),
) -> None:
    """Validate the source files and, if they pass, publish a new database atomically.

    Problems print one per line as FILE:LINE:COLUMN: message. Exit code 1 on any error (nothing is
    published; the previous database keeps serving), 0 with warnings only. Onto the served database, the
    command line and the upload page share one list of versions: without --source it rebuilds the published
    set; with --source it publishes a copy of the folder as a new version (the next upload starts from it).
    """
    from dashboards import settings

    try:
        conf = settings.get()
    except BoundsError as exc:
        _say((str(exc), "red"))
        raise typer.Exit(2) from exc
    served = db is None or db.resolve() == conf.db_path.resolve()
    db = conf.db_path if db is None else db
    current = versions.current_source(conf.sources_store, conf.source_dir)
    options = {"today": _parse_date(today), "confirm_shrink": confirm_shrink, "shrink_share": conf.shrink_share,
               "bounds": conf.bounds}
    show = not quiet and err.is_terminal
    try:
        with Progress(SpinnerColumn(), TextColumn("{task.description}", markup=False), TimeElapsedColumn(),
                      console=err, disable=not show, transient=True) as bar:
            task = bar.add_task("building", total=None)
            options["progress"] = lambda msg: bar.update(task, description=msg)
            if served and source is not None and source.resolve() != current.resolve():
                result = versions.publish_folder(source, store=conf.sources_store, db_path=db, actor=_actor(),
                                                 **options)
            elif served and versions.read_pointer(conf.sources_store):
                result = versions.rebuild_current(conf.sources_store, db_path=db, actor=_actor(), **options)
            else:
                result = build(source or current, db, **options)
    except BuildBusy as exc:
        _say((str(exc), "red"))
        raise typer.Exit(2) from exc
    except (KeyboardInterrupt, duckdb.InterruptException):
        # build() has already removed its partial file; the one line a person needs, not a traceback
        _say("build interrupted; the served database is unchanged")
        raise typer.Exit(130) from None
    for problem in result.problems:
        print(problem)
    sys.stdout.flush()
    if result.ok:
        _say(("published", "green"), f" {db} in {result.seconds:.1f} s "
             f"(data as of {result.as_of}; {len(result.warnings)} warnings)")
        return
    hint = " Check the shrinking tables; --confirm-shrink publishes them." if result.needs_confirmation else ""
    _say(("not published", "red"), f": {len(result.errors)} errors, {len(result.warnings)} warnings; "
         f"the previous database is unchanged. Report: {result.report_path}{hint}")
    raise typer.Exit(1)


@app.command("demo")
def demo_command(
    out: Path = typer.Option(..., help="Folder to write the demo source files to."),
    seed: int = typer.Option(42, help="Random seed; the same seed gives byte-identical files."),
    scale: float = typer.Option(1.0, help="1 = ~60k attendance rows; 100 = ~10M for benchmarks."),
) -> None:
    """Write deterministic demo source files on real cities (synthetic activity, no real people)."""
    from data_pipeline.demo import generate

    out.mkdir(parents=True, exist_ok=True)
    counts = generate(out, seed=seed, scale=scale)
    (out / DEMO_MARKER).write_text("Synthetic demo data written by `python -m data_pipeline demo`.\n")
    for table, rows in counts.items():
        _say(f"{table:>18}: {rows:>12,} rows")


@app.command("contract")
def contract_command(out: Path = typer.Option(Path("docs/data-contract.md"), help="Markdown file to write.")) -> None:
    """Render the data contract (the code validation uses) to Markdown."""
    from data_pipeline.contract_doc import render

    out.write_text(render(), encoding="utf-8")
    _say(f"wrote {out}")


@app.command("docs")
def docs_command(out: Path = typer.Option(Path("docs/marts.md"), help="Markdown file to write.")) -> None:
    """Render the tables the build publishes (each model's declaration beside its SQL) to Markdown."""
    from data_pipeline.models_doc import render

    out.write_text(render(), encoding="utf-8")
    _say(f"wrote {out}")


@app.command("template")
def template_command(out: Path = typer.Option(Path("scn-template.xlsx"), help="Excel workbook to write.")) -> None:
    """Write the Excel template: one sheet per source table, a data dictionary and a read-me, from the contract."""
    from data_pipeline.template import write_template

    write_template(out)
    _say(f"wrote {out}")


# --- donor standards: export, check, import ---------------------------------------------------------------------

export_app = typer.Typer(help="Publish the grant portfolio in a donor standard (IATI 2.03, 360Giving).",
                         no_args_is_help=True)
check_app = typer.Typer(help="Check an IATI or 360Giving file offline: schema, then the standard's quality rules.",
                        no_args_is_help=True)
import_app = typer.Typer(help="Load a donor's IATI or 360Giving file into a copy of the source set and build it.",
                         no_args_is_help=True)
app.add_typer(export_app, name="export")
app.add_typer(check_app, name="check")
app.add_typer(import_app, name="import")

DB_OPTION = typer.Option(Path("data/build/scn.duckdb"), help="Published database to read the portfolio from.")
DONOR_OPTION = typer.Option(None, help="Only this donor's grants (its donor_id, e.g. DON-04).")


def _print_problems(problems) -> None:
    for problem in problems:
        print(problem)
    sys.stdout.flush()


def _export(standard: str, out: Path, db: Path, donor: str | None, flat: bool, reporting_org_ref: str | None) -> None:
    from data_pipeline.standards import mapping, publish
    from data_pipeline.standards.portfolio import donors_in, from_database

    if not db.exists():
        _say((f"no database at {db}", "red"), ": build one with `python -m data_pipeline build`")
        raise typer.Exit(2)
    portfolio = from_database(db, donor=donor)
    if donor and portfolio.grants.empty:
        from data_pipeline.store import open_read_only

        con = open_read_only(db)
        known = donors_in(lambda text, params: con.execute(text, params).df())
        con.close()
        _say((f"no grants of donor '{donor}'", "red"), "; donors: "
             + ", ".join(f"{i} ({n})" for i, n in known.itertuples(index=False)))
        raise typer.Exit(2)
    reporting = mapping.REPORTING_ORG
    if reporting_org_ref:
        reporting = mapping.Organisation(reporting_org_ref, reporting.name, reporting.type)
    made = (publish.make_iati(portfolio, reporting=reporting) if standard == "iati"
            else publish.make_360giving(portfolio, flat=flat, reporting=reporting))
    _print_problems(made.problems)
    if made.data is None:
        _say(("not written", "red"), f": the {standard} file fails its checks ({len(made.errors)} errors)")
        raise typer.Exit(1)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(made.data)
    _say(("wrote", "green"), f" {out}: {made.grants} grants, valid ({len(made.warnings)} warnings)")


@export_app.command("iati")
def export_iati_command(
    out: Path = typer.Option(..., help="IATI activity file (XML) to write."),
    donor: str = DONOR_OPTION,
    db: Path = DB_OPTION,
    reporting_org_ref: str = typer.Option(None, help="ISD's IATI organisation identifier, if not the built-in one."),
) -> None:
    """One iati-activity per grant, with results; validated against the IATI 2.03 XSD and IATI's rules before it
    is written. Confidential member cities are never named or located."""
    _export("iati", out, db, donor, False, reporting_org_ref)


@export_app.command("360giving")
def export_360_command(
    out: Path = typer.Option(..., help="360Giving file to write: .json (package) or .csv (flat form)."),
    donor: str = DONOR_OPTION,
    db: Path = DB_OPTION,
) -> None:
    """The grants as a 360Giving package or its flat CSV, validated against the 360Giving schema first."""
    _export("360giving", out, db, donor, out.suffix.lower() == ".csv", None)


def _check(standard: str, file: Path, today: str | None) -> None:
    from data_pipeline.standards import publish

    problems = publish.check_file(file, standard, today=_parse_date(today))
    _print_problems(problems)
    errors = sum(p.severity == "error" for p in problems)
    if errors:
        _say((f"{file.name}: {errors} errors", "red"))
        raise typer.Exit(1)
    _say((f"{file.name}: valid", "green"), f" ({len(problems)} warnings)")


@check_app.command("iati")
def check_iati_command(file: Path = typer.Argument(..., exists=True, dir_okay=False),
                       today: str = typer.Option(None, help="Treat this day as today (YYYY-MM-DD).")) -> None:
    """IATI 2.03 XSD, then IATI's rules for results and money. Exit code 1 on any error."""
    _check("iati", file, today)


@check_app.command("360giving")
def check_360_command(file: Path = typer.Argument(..., exists=True, dir_okay=False),
                      today: str = typer.Option(None, help="Treat this day as today (YYYY-MM-DD).")) -> None:
    """360Giving package schema (a .csv file is read as the flat form), then 360Giving's quality checks."""
    _check("360giving", file, today)


def _import(standard: str, file: Path, source: Path, out: Path, db: Path | None, months: int | None,
            region: str | None, today: str | None) -> None:
    from dashboards import settings
    from data_pipeline.standards import publish

    try:
        result = publish.import_file(file, standard, source=source, out=out, db=db, months=months, region=region,
                                     today=_parse_date(today), bounds=settings.get().bounds)  # BoundsError: ValueError
    except (ValueError, FileExistsError) as exc:
        _say((str(exc), "red"))
        raise typer.Exit(2) from exc
    except BuildBusy as exc:
        _say((str(exc), "red"))
        raise typer.Exit(2) from exc
    _print_problems(result.problems)
    if result.errors:
        where = f"; the merged source set is in {result.out} for inspection" if result.out else ""
        _say(("not published", "red"), f": {len(result.errors)} errors{where}. "
             "The database being served is unchanged.")
        raise typer.Exit(1)
    counts = ", ".join(f"{n} {t}" for t, n in result.counts.items() if n)
    if result.published:
        _say(("published", "green"), f" {db} from {out} ({counts}; {len(result.warnings)} warnings)")
    else:
        _say(("checked", "green"), f": {file.name} loads ({counts}; {len(result.warnings)} warnings); "
             f"source set in {out}, nothing published (pass --db to publish)")


IMPORT_OPTIONS = {
    "source": typer.Option(Path("data/sample"), help="The current source set the file is merged into."),
    "out": typer.Option(..., help="Folder to write the merged source set to (a new one, or an earlier import's)."),
    "db": typer.Option(None, help="Database to publish to when the build is clean; without it, only a check."),
    "months": typer.Option(None, help="Duration of grants the file gives no end date or duration (months)."),
    "region": typer.Option(None, help="SCN hub of grants the file does not place (no member city or country)."),
    "today": typer.Option(None, help="Treat this day as today (YYYY-MM-DD)."),
}


@import_app.command("iati")
def import_iati_command(file: Path = typer.Argument(..., exists=True, dir_okay=False),
                        source: Path = IMPORT_OPTIONS["source"], out: Path = IMPORT_OPTIONS["out"],
                        db: Path = IMPORT_OPTIONS["db"], months: int = IMPORT_OPTIONS["months"],
                        region: str = IMPORT_OPTIONS["region"], today: str = IMPORT_OPTIONS["today"]) -> None:
    """An IATI activity file (1.0x-2.03): grants, disbursements, results. Every value that cannot be mapped is
    printed as FILE:LINE:ELEMENT-PATH: reason; nothing is published when anything is refused."""
    _import("iati", file, source, out, db, months, region, today)


@import_app.command("360giving")
def import_360_command(file: Path = typer.Argument(..., exists=True, dir_okay=False),
                       source: Path = IMPORT_OPTIONS["source"], out: Path = IMPORT_OPTIONS["out"],
                       db: Path = IMPORT_OPTIONS["db"], months: int = IMPORT_OPTIONS["months"],
                       region: str = IMPORT_OPTIONS["region"], today: str = IMPORT_OPTIONS["today"]) -> None:
    """A 360Giving package (.json) or flat file (.csv): grants and dated disbursements."""
    _import("360giving", file, source, out, db, months, region, today)

"""Command line: `python -m data_pipeline build | demo | contract | template`."""

from __future__ import annotations

import datetime as dt
import getpass
import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from data_pipeline import versions
from data_pipeline.build import DEMO_MARKER, BuildBusy, build

app = typer.Typer(help="SCN data pipeline: validate source files and build the analytics database.",
                  no_args_is_help=True, add_completion=False)
err = Console(stderr=True)


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

    conf = settings.get()
    served = db is None or db.resolve() == conf.db_path.resolve()
    db = conf.db_path if db is None else db
    current = versions.current_source(conf.sources_store, conf.source_dir)
    options = {"today": _parse_date(today), "confirm_shrink": confirm_shrink, "shrink_share": conf.shrink_share}
    show = not quiet and err.is_terminal
    try:
        with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
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
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
    for problem in result.problems:
        print(problem)
    sys.stdout.flush()
    if result.ok:
        err.print(f"[green]published[/green] {db} in {result.seconds:.1f} s "
                  f"(data as of {result.as_of}; {len(result.warnings)} warnings)")
        return
    hint = " Check the shrinking tables; --confirm-shrink publishes them." if result.needs_confirmation else ""
    err.print(f"[red]not published[/red]: {len(result.errors)} errors, {len(result.warnings)} warnings; "
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
        err.print(f"{table:>18}: {rows:>12,} rows")


@app.command("contract")
def contract_command(out: Path = typer.Option(Path("docs/data-contract.md"), help="Markdown file to write.")) -> None:
    """Render the data contract (the code validation uses) to Markdown."""
    from data_pipeline.contract_doc import render

    out.write_text(render(), encoding="utf-8")
    err.print(f"wrote {out}")


@app.command("template")
def template_command(out: Path = typer.Option(Path("scn-template.xlsx"), help="Excel workbook to write.")) -> None:
    """Write the Excel template: one sheet per source table, a data dictionary and a read-me, from the contract."""
    from data_pipeline.template import write_template

    write_template(out)
    err.print(f"wrote {out}")

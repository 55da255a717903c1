"""Benchmark: building from one workbook holding every table (the Excel template filled in), and from the same
workbook without `<dimension>` records (some exporters leave them out).

`python -m bench.workbook [--scale 1] [--repeats 3] [--baseline DIR [--baseline-repeats N]]` writes both
workbooks once into `bench/data/workbooks-<scale>/` from the demo set, then times `python -m data_pipeline build`
on each (a fresh process per run, as bench/pipeline.py does), with this checkout and, given `--baseline`, with
another version's `data_pipeline/` (e.g. `git archive main data_pipeline data/reference | tar -x -C /tmp/base`).
"""

from __future__ import annotations

import argparse
import csv
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from bench import datasets
from data_pipeline.contract import TABLES

ROOT = Path(__file__).resolve().parent.parent


def workbooks(scale: float) -> dict[str, Path]:
    """Folders holding `scn.xlsx` (12 sheets) and the same workbook without dimension records."""
    folder = datasets.DATA_DIR / f"workbooks-{scale:g}"
    with_dimension, without = folder / "with-dimension", folder / "no-dimension"
    if not (without / "scn.xlsx").is_file():
        import openpyxl

        shutil.rmtree(folder, ignore_errors=True)
        with_dimension.mkdir(parents=True)
        without.mkdir()
        source = datasets.ensure(scale)
        # Saved as Excel saves: shared strings and a <dimension> record (openpyxl's write-only mode writes neither).
        book = openpyxl.Workbook()
        book.remove(book.active)
        for table in TABLES:
            sheet = book.create_sheet(table.name)
            with (source / f"{table.name}.csv").open(encoding="utf-8", newline="") as handle:
                for row in csv.reader(handle):
                    sheet.append(row)
        book.save(with_dimension / "scn.xlsx")
        with zipfile.ZipFile(with_dimension / "scn.xlsx") as src, \
                zipfile.ZipFile(without / "scn.xlsx", "w", zipfile.ZIP_DEFLATED) as out:
            for info in src.infolist():
                data = src.read(info.filename)
                if info.filename.startswith("xl/worksheets/"):
                    data = re.sub(rb"<dimension [^>]*/>", b"", data)
                out.writestr(info, data)
    return {"12 sheets": with_dimension, "12 sheets, no <dimension>": without}


def time_build(folder: Path, cwd: Path) -> float:
    with tempfile.TemporaryDirectory() as scratch:
        started = time.perf_counter()
        run = subprocess.run([sys.executable, "-m", "data_pipeline", "build", "--source", str(folder), "--db",
                              f"{scratch}/scn.duckdb", "--quiet"], cwd=cwd, capture_output=True, text=True)
        seconds = time.perf_counter() - started
    if run.returncode != 0:
        raise SystemExit(f"build of {folder} failed in {cwd}:\n{run.stdout[-2000:]}{run.stderr[-2000:]}")
    return seconds


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--baseline", type=Path, default=None)
    parser.add_argument("--baseline-repeats", type=int, default=None, help="runs of the baseline (default: --repeats)")
    args = parser.parse_args(argv)
    versions = {"this checkout": ROOT} | ({"baseline": args.baseline.resolve()} if args.baseline else {})
    for name, folder in workbooks(args.scale).items():
        for version, cwd in versions.items():
            repeats = args.baseline_repeats if version == "baseline" and args.baseline_repeats else args.repeats
            runs = [time_build(folder, cwd) for _ in range(repeats)]
            print(f"{name}, {version}: median {statistics.median(runs):.1f} s "
                  f"({', '.join(f'{r:.1f}' for r in runs)})", flush=True)


if __name__ == "__main__":
    main()

"""Benchmark part `pipeline`: a full build of the DuckDB database, and the plain-pandas peer, at each scale.

Each run is a fresh child process (`python -m data_pipeline build`, `python -m bench.pandas_peer`) measured for
wall time, CPU time and peak RSS (bench/measure.py). The build's own per-step timings are read from the report
it writes beside the database, and the slowest steps of the largest scale's median run are listed as a profile.
`--baseline DIR` also builds once per scale with another version of the pipeline, e.g. the last commit:
`mkdir /tmp/base && git archive HEAD data_pipeline data/reference | tar -x -C /tmp/base`.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

from bench import datasets
from bench.measure import Run, median, run

NAME = "pipeline"
DESCRIPTION = "full DuckDB build (load, validate, staging, marts, data tests, publish) vs a plain-pandas peer"
# The targets for a build at ~10M attendance rows on the 2-core benchmark machine.
TARGET_SECONDS = 30.0
TARGET_RATIO = 5.0
TARGET_RSS_MB = 3 * 1024
PROFILE_STEPS = 15


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("pipeline")
    group.add_argument("--no-peer", action="store_true", help="skip the pandas peer (DuckDB build only)")
    group.add_argument("--baseline", type=Path, default=None,
                       help="a folder holding another version's data_pipeline/ (and data/reference/) to build "
                            "once per scale for a before/after comparison")


def run_part(args: argparse.Namespace, say=print) -> dict:
    """Build each scale `args.repeats[scale]` times with DuckDB and with the pandas peer; return the measurements."""
    scales = []
    with tempfile.TemporaryDirectory(prefix="scn-bench-") as scratch:
        for scale in args.scales:
            folder = datasets.ensure(scale, say)
            rows = datasets.rows(folder)
            entry = {"scale": scale, "attendance_rows": rows["attendance"], "participants": rows["participants"],
                     "events": rows["events"], "source_mb": round(datasets.size_bytes(folder) / 1e6, 1),
                     "duckdb": [], "peer": [], "steps": [], "baseline": []}
            if args.baseline:
                db = Path(scratch) / f"baseline-{scale:g}" / "scn.duckdb"
                # run from the baseline's folder so its data_pipeline is the one imported
                measured, output = run([sys.executable, "-m", "data_pipeline", "build", "--source", str(folder),
                                        "--db", str(db), "--quiet"], cwd=str(args.baseline.resolve()))
                _check(measured, output, "baseline build", scale)
                entry["baseline"].append(measured.as_dict())
                say(f"  scale {scale:g} baseline run: {measured.wall_s:.1f} s, {measured.peak_rss_mb:,.0f} MB peak "
                    f"(load {measured.load_before:.1f})")
                shutil.rmtree(db.parent, ignore_errors=True)
            for i in range(args.repeats[scale]):
                db = Path(scratch) / f"scale-{scale:g}" / "scn.duckdb"
                measured, output = run([sys.executable, "-m", "data_pipeline", "build", "--source", str(folder),
                                        "--db", str(db), "--quiet"])
                _check(measured, output, "DuckDB build", scale)
                report = json.loads(db.with_suffix(".report.json").read_text(encoding="utf-8"))
                entry["duckdb"].append(measured.as_dict() | {"build_s": report["seconds"],
                                                             "db_mb": round(db.stat().st_size / 1e6, 1)})
                entry["steps"].append(report.get("timings", {}))
                say(f"  scale {scale:g} duckdb run {i + 1}: {measured.wall_s:.1f} s, "
                    f"{measured.peak_rss_mb:,.0f} MB peak (load {measured.load_before:.1f})")
                shutil.rmtree(db.parent, ignore_errors=True)
            if not args.no_peer:
                for i in range(args.repeats[scale]):
                    out = Path(scratch) / f"peer-{scale:g}"
                    measured, output = run([sys.executable, "-m", "bench.pandas_peer", str(folder), str(out)])
                    _check(measured, output, "pandas peer", scale)
                    entry["peer"].append(measured.as_dict())
                    say(f"  scale {scale:g} pandas run {i + 1}: {measured.wall_s:.1f} s, "
                        f"{measured.peak_rss_mb:,.0f} MB peak (load {measured.load_before:.1f})")
                    shutil.rmtree(out, ignore_errors=True)
            scales.append(entry)
    return {"scales": scales}


def _check(measured: Run, output: str, what: str, scale: float) -> None:
    if measured.returncode != 0:
        raise RuntimeError(f"{what} at scale {scale:g} failed (exit {measured.returncode}):\n{output[-3000:]}")


def _stat(runs: list[dict], key: str) -> float:
    return median([r[key] for r in runs])


def _median_run_steps(entry: dict) -> dict[str, float]:
    """The step timings of the run whose wall time is the median one."""
    walls = [r["wall_s"] for r in entry["duckdb"]]
    index = sorted(range(len(walls)), key=walls.__getitem__)[(len(walls) - 1) // 2]
    return entry["steps"][index]


def render(result: dict) -> str:
    """Markdown: one row per scale with medians and the pandas/DuckDB ratio, the targets, and a profile."""
    lines = [
        "Medians of the runs at each scale (*runs* column); each run is a fresh process. *wall* includes Python "
        "start-up; *CPU* is user + system time of the process (both cores); *peak RSS* is the process's "
        "maximum resident memory (DuckDB's native memory included). *load* is the 1-minute load average "
        "when the runs started (above ~0.5, other work on the machine was competing for the two cores).",
        "",
        "| scale | runs | attendance rows | CSV MB | DuckDB wall s (min–max) | DuckDB CPU s | DuckDB peak RSS MB "
        "| DB MB | pandas wall s (min–max) | pandas CPU s | pandas peak RSS MB | pandas ÷ DuckDB (wall) | load |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for e in result["scales"]:
        d, p = e["duckdb"], e["peer"]
        dw = [r["wall_s"] for r in d]
        row = [f"{e['scale']:g}", f"{len(d)}", f"{e['attendance_rows']:,}", f"{e['source_mb']:,.0f}",
               f"{_stat(d, 'wall_s'):.1f} ({min(dw):.1f}–{max(dw):.1f})", f"{_stat(d, 'cpu_s'):.1f}",
               f"{_stat(d, 'peak_rss_mb'):,.0f}", f"{_stat(d, 'db_mb'):,.0f}"]
        if p:
            pw = [r["wall_s"] for r in p]
            row += [f"{_stat(p, 'wall_s'):.1f} ({min(pw):.1f}–{max(pw):.1f})", f"{_stat(p, 'cpu_s'):.1f}",
                    f"{_stat(p, 'peak_rss_mb'):,.0f}", f"{_stat(p, 'wall_s') / _stat(d, 'wall_s'):.1f}×"]
        else:
            row += ["–"] * 4
        loads = [r["load_before"] for r in d + p]
        row.append(f"{min(loads):.1f}–{max(loads):.1f}")
        lines.append("| " + " | ".join(row) + " |")

    if any(e.get("baseline") for e in result["scales"]):
        lines += ["", "Before/after: the same build with the baseline version of the pipeline (one run per scale):",
                  "", "| scale | baseline wall s | baseline CPU s | baseline peak RSS MB | DuckDB wall s now "
                  "| peak RSS now MB | speed-up | memory ÷ |", "|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for e in result["scales"]:
            if e.get("baseline"):
                b, d = e["baseline"], e["duckdb"]
                lines.append(
                    f"| {e['scale']:g} | {_stat(b, 'wall_s'):.1f} | {_stat(b, 'cpu_s'):.1f} "
                    f"| {_stat(b, 'peak_rss_mb'):,.0f} | {_stat(d, 'wall_s'):.1f} | {_stat(d, 'peak_rss_mb'):,.0f} "
                    f"| {_stat(b, 'wall_s') / _stat(d, 'wall_s'):.1f}× "
                    f"| {_stat(b, 'peak_rss_mb') / _stat(d, 'peak_rss_mb'):.1f}× |")

    largest = max(result["scales"], key=lambda e: e["attendance_rows"])
    d, p = largest["duckdb"], largest["peer"]
    wall, rss = _stat(d, "wall_s"), _stat(d, "peak_rss_mb")
    lines += ["", f"Targets at the largest scale ({largest['attendance_rows']:,} attendance rows):", "",
              "| target | measured | met |", "|---|---:|:---:|",
              f"| full build under {TARGET_SECONDS:.0f} s | {wall:.1f} s | {_mark(wall < TARGET_SECONDS)} |",
              f"| peak memory under {TARGET_RSS_MB / 1024:.0f} GB | {rss / 1024:.2f} GB "
              f"| {_mark(rss < TARGET_RSS_MB)} |"]
    if p:
        ratio = _stat(p, "wall_s") / wall
        lines.append(f"| at least {TARGET_RATIO:.0f}× faster than plain pandas | {ratio:.1f}× "
                     f"| {_mark(ratio >= TARGET_RATIO)} |")

    steps = _median_run_steps(largest)
    total = sum(steps.values()) or 1.0
    lines += ["", f"Where the build's time goes at scale {largest['scale']:g} (median run; the {PROFILE_STEPS} "
              "slowest steps of the build's own timings, `BuildResult.timings`):", "",
              "| step | seconds | share |", "|---|---:|---:|"]
    for name, seconds in sorted(steps.items(), key=lambda kv: -kv[1])[:PROFILE_STEPS]:
        lines.append(f"| {name} | {seconds:.2f} | {seconds / total:.0%} |")
    lines.append(f"| *all {len(steps)} steps* | {total:.2f} | 100% |")
    return "\n".join(lines)


def _mark(ok: bool) -> str:
    return "yes" if ok else "**no**"

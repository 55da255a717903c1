"""Run the benchmarks and record them: `python -m bench.run [--parts pipeline] [--scales 1,12,100] [--repeats N]`.

A part is a module listed in `PARTS` with `NAME`, `DESCRIPTION`, `run_part(args, say) -> dict` (JSON-able
measurements), `render(result) -> str` (its Markdown section) and optionally `add_arguments(parser)`. Results
accumulate in `bench/results.json` keyed by part, so running one part keeps the others' last results; both it
and `bench/results.md` are rewritten after each part finishes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import os
import platform
import time
from pathlib import Path
from types import ModuleType

from bench import datasets

HERE = Path(__file__).resolve().parent
RESULTS_JSON = HERE / "results.json"
RESULTS_MD = HERE / "results.md"
# Part name -> module. Add a part by writing its module and listing it here (in report order).
PARTS = {
    "pipeline": "bench.pipeline",
    "callbacks": "bench.callbacks",
    "pageload": "bench.pageload",
    "concurrency": "bench.concurrency",
    "pack": "bench.pack",
    "languages": "bench.languages",
}


def _part(name: str) -> ModuleType:
    return importlib.import_module(PARTS[name])


def machine() -> dict:
    """What the numbers were measured on."""
    cpu = next((line.split(":", 1)[1].strip() for line in _lines("/proc/cpuinfo") if line.startswith("model name")),
               platform.processor() or "unknown")
    mem_kb = next((int(line.split()[1]) for line in _lines("/proc/meminfo") if line.startswith("MemTotal")), 0)
    versions = {}
    for package in ("duckdb", "pandas", "numpy", "pyarrow"):
        try:
            versions[package] = importlib.import_module(package).__version__
        except ImportError:
            versions[package] = "not installed"
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gb": round(mem_kb / 1024 / 1024, 1),
            "os": platform.platform(), "python": platform.python_version(), **versions}


def _lines(path: str) -> list[str]:
    try:
        return Path(path).read_text().splitlines()
    except OSError:
        return []


def render(results: dict) -> str:
    m = results["machine"]
    lines = [
        "# Benchmark results",
        "",
        "Written by `python -m bench.run` (`make bench`); see bench/README.md for what each part measures.",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB RAM; {m['os']}; Python {m['python']}, "
        f"DuckDB {m['duckdb']}, pandas {m['pandas']}, NumPy {m['numpy']}, PyArrow {m['pyarrow']}.",
    ]
    for name in PARTS:
        if name not in results["parts"]:
            continue
        entry = results["parts"][name]
        lines += ["", f"## {name}: {_part(name).DESCRIPTION}", "",
                  f"Run {entry['finished_at']} in {entry['minutes']:.1f} min.", "", _part(name).render(entry["result"])]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    parser.add_argument("--parts", default=",".join(PARTS),
                        help=f"comma-separated parts to run (default: all of {', '.join(PARTS)})")
    parser.add_argument("--scales", default=None,
                        help="demo scales to run at: 1 = ~62k attendance rows, 12 = ~1M, 100 = ~10.8M (default: "
                             f"{','.join(f'{s:g}' for s in datasets.DEFAULT_SCALES)}; the app parts leave out "
                             "scales of 50 and more unless they are named here)")
    parser.add_argument("--repeats", default=None,
                        help="runs per measurement, medians reported: one number, or one per scale "
                             "(default: 3, and 2 at scales of 50 and more)")
    for name in PARTS:
        if hasattr(_part(name), "add_arguments"):
            _part(name).add_arguments(parser)
    args = parser.parse_args(argv)
    parts = [p.strip() for p in args.parts.split(",") if p.strip()]
    unknown = [p for p in parts if p not in PARTS]
    if unknown:
        parser.error(f"unknown part(s) {', '.join(unknown)}; known: {', '.join(PARTS)}")
    # The app parts run only at the scales named, or by default at those under 50 (a 10M-row run is opt-in).
    args.scales_explicit = args.scales is not None
    args.scales = [float(s) for s in (args.scales or ",".join(f"{s:g}" for s in datasets.DEFAULT_SCALES)).split(",")]
    if args.repeats is None:
        repeats = [2 if scale >= 50 else 3 for scale in args.scales]
    else:
        repeats = [int(r) for r in args.repeats.split(",")]
        if len(repeats) == 1:
            repeats *= len(args.scales)
        if len(repeats) != len(args.scales):
            parser.error("--repeats takes one number or one per scale")
    args.repeats = dict(zip(args.scales, repeats, strict=True))

    results = json.loads(RESULTS_JSON.read_text(encoding="utf-8")) if RESULTS_JSON.exists() else {"parts": {}}
    results["machine"] = machine()
    for name in parts:
        print(f"== {name}: {_part(name).DESCRIPTION}", flush=True)
        started = time.perf_counter()
        result = _part(name).run_part(args, say=lambda msg: print(msg, flush=True))
        results["parts"][name] = {
            "finished_at": dt.datetime.now().isoformat(timespec="seconds"),
            "minutes": (time.perf_counter() - started) / 60, "result": result,
        }
        RESULTS_JSON.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
        RESULTS_MD.write_text(render(results), encoding="utf-8")
        print(f"wrote {RESULTS_MD.relative_to(HERE.parent)} and {RESULTS_JSON.name}", flush=True)


if __name__ == "__main__":
    main()

"""The floor and the in-process profile of the dashboard's callbacks, run in a child process of the callbacks
benchmark: `python -m bench.floor --db <db> --spec <json in> --out <json out>`.

It imports the app (SCN_DB pointing at the benchmark's database) and calls each callback's own function with
the inputs the HTTP benchmark posts, outside Flask, so the query layer does not cache (`db.frame` caches only
inside the app) and runs as `access.SYSTEM` (an admin, as the signed-in benchmark user is). Every `db.frame`
call is timed: their sum is the *floor*, the bare DuckDB time the callback cannot go below (SQL through the
policy views, to a DataFrame). The rest of the function's time is the Python around it (pandas, figure
building), and the outputs' JSON encoding (what Dash does before answering) is timed apart.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--spec", required=True, help="JSON: callbacks [{name, output, args: {search: [...]}}]")
    parser.add_argument("--out", required=True)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    os.environ.update({"SCN_DB": args.db, "SCN_DEMO": "1"})
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

    import plotly.io.json as pio_json

    import app as dash_app
    from dashboards.queries import db
    from dashboards.security import access

    spec = json.loads(Path(args.spec).read_text())
    calls: list[float] = []
    original = db.frame

    def timed(*a, **k):
        started = time.perf_counter()
        try:
            return original(*a, **k)
        finally:
            calls.append((time.perf_counter() - started) * 1000)

    db.frame = timed
    from dash._callback import GLOBAL_CALLBACK_MAP

    # Dash moves callbacks from its global registry into the app's map on the first request; none came yet.
    callback_map = dash_app.app.callback_map | GLOBAL_CALLBACK_MAP
    results = {}
    with db.acting_as(access.SYSTEM):
        for cb in spec["callbacks"]:
            func = callback_map[cb["output"]]["callback"].__wrapped__
            rows = []
            for search, fargs in cb["args"].items():
                runs = []
                for _ in range(args.repeats):
                    calls.clear()
                    started = time.perf_counter()
                    out = func(*fargs)
                    total = (time.perf_counter() - started) * 1000
                    started = time.perf_counter()
                    text = pio_json.to_json_plotly(out)
                    encode = (time.perf_counter() - started) * 1000
                    runs.append({"total_ms": total, "query_ms": sum(calls), "queries": len(calls),
                                 "encode_ms": encode, "bytes": len(text)})
                rows.append({"search": search} | {k: statistics.median(r[k] for r in runs) for k in runs[0]})
            results[cb["name"]] = rows
    Path(args.out).write_text(json.dumps(results))


if __name__ == "__main__":
    main()

"""Concurrency benchmark: the app under gunicorn, 20 simulated users for 60 s (locust, bench/locustfile.py), with
the database rebuilt in the middle of the run.

Gunicorn runs as the README's deploy line says, on the 2-core target: `-k dashboards.serving.worker.BufferingWorker
-w 2 --threads 4` (gthread that reads each request whole before a thread takes it). Two processes use both
cores for the Python work (figure building holds the GIL); four threads each let a worker keep answering while
one of its requests waits in DuckDB (which releases the GIL) and take the five to seven callbacks a page fires at
once without queueing them behind each other. Each worker has its own DuckDB connection; the answer and query
cache is one folder on disk shared by both (`SCN_CACHE_DIR`, as in the README's deploy line), so an answer is
computed once, not once per worker (with a cache in each worker's memory the start-up burst's p95 at 1M rows
was about twice as long).

Half-way through (`REBUILD_AT_S`), the pipeline rebuilds the served database from its sources, as a publish would:
every cached answer belongs to the old file from then on, and the shared disk cache drops them on the first write
of the new one (dashboards/serving/filecache.py). Throughput is counted in the callbacks answered per second before the
rebuild (after the start-up burst) and after it, rebuild time included: the target is within 20%.

Worker memory is sampled every second from /proc/<pid>/status (VmRSS) of each child of the gunicorn master:
reported at boot, once the load has run `SETTLE_S` seconds (caches and DuckDB buffers filled: the baseline for
"flat") and at the end.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench import appserver
from bench.callbacks import app_scales, pct

NAME = "concurrency"
DESCRIPTION = "gunicorn (2 workers x 4 threads) under 20 simulated users for 60 s (locust), a rebuild half-way"
PORT = 8320
USERS, SPAWN_RATE, SECONDS = 20, 5, 60
WORKERS, THREADS = 2, 4
# Gunicorn closes a kept-alive connection after 2 s idle by default: a client sending its next request on it at
# that moment gets no answer ("Remote end closed connection"), the status-0 errors of earlier runs. As the README
# advises for production, idle connections are kept longer than a user's pause between pages.
KEEPALIVE_S = 75
SETTLE_S = 15
REBUILD_AT_S = 30  # seconds into the run when the database is rebuilt
WORKER = "dashboards.serving.worker.BufferingWorker"
TARGET_P95_MS = 300
BIN = Path(sys.executable).parent


def _rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def _ratio(rebuild: dict) -> float:
    return rebuild["rps_after"] / rebuild["rps_before"] if rebuild["rps_before"] else float("nan")


def _entries(folder: Path) -> dict[str, int]:
    """Cache entries on disk by database version (its folder): after a rebuild, only the new one's should be left."""
    if not folder.exists():
        return {}
    return {version.name: sum(len(files) for _, _, files in os.walk(version)) for version in folder.iterdir()
            if version.is_dir()}


def _stats(path: Path) -> tuple[dict, list[dict]]:
    def row(r):
        return {"name": r["Name"], "requests": int(r["Request Count"]), "failures": int(r["Failure Count"]),
                "p50": float(r["50%"] or 0), "p95": float(r["95%"] or 0), "p99": float(r["99%"] or 0),
                "max": float(r["Max Response Time"] or 0), "rps": float(r["Requests/s"] or 0)}
    rows = [row(r) for r in csv.DictReader(path.open())]
    total = next(r for r in rows if r["name"] == "Aggregated")
    return total, [r for r in rows if r["name"] not in ("Aggregated", "/login")]


def run_scale(scale: float, say) -> dict:
    db = appserver.built_db(scale, say)
    sets = appserver.filter_sets(db)
    source = appserver.datasets.folder_for(scale)
    command = [str(BIN / "gunicorn"), "-k", WORKER, "-w", str(WORKERS), "--threads", str(THREADS),
               "-b", f"127.0.0.1:{PORT}",
               "--keep-alive", str(KEEPALIVE_S), "--timeout", "120", "app:server"]
    with tempfile.TemporaryDirectory() as scratch, appserver.serve(
            db, PORT, command=command, env_extra={"SCN_CACHE_DIR": str(Path(scratch) / "cache")}) as server:
        time.sleep(1)
        workers = server.worker_pids()
        boot = {pid: _rss_mb(pid) for pid in workers}
        samples: list[tuple[float, dict]] = []
        stop = threading.Event()

        def sample():
            started = time.monotonic()
            while not stop.wait(1.0):
                samples.append((time.monotonic() - started, {pid: _rss_mb(pid) for pid in workers}))

        sampler = threading.Thread(target=sample, daemon=True)
        prefix = Path(scratch) / "locust"
        pages_file = Path(scratch) / "pages.json"
        env = dict(os.environ, SCN_BENCH_FILTERS=json.dumps(sets), PYTHONPATH=str(appserver.REPO),
                   SCN_BENCH_PAGES=str(pages_file))
        load = os.getloadavg()[0]
        sampler.start()
        rebuild: dict = {}

        def rebuild_midway():
            time.sleep(REBUILD_AT_S)
            rebuild["start"] = time.monotonic()
            done = subprocess.run([sys.executable, "-m", "data_pipeline", "build", "--source", str(source),
                                   "--db", str(db)], cwd=appserver.REPO, capture_output=True, text=True)
            rebuild["end"], rebuild["ok"] = time.monotonic(), done.returncode == 0
            if done.returncode:
                say(f"  the rebuild failed:\n{done.stdout[-1500:]}{done.stderr[-1500:]}")

        rebuilder = threading.Thread(target=rebuild_midway, daemon=True)
        rebuilder.start()
        # --stop-timeout: at the end, users finish the page they are opening; without it locust cancels the
        # requests in flight and counts them as failures ("HTTP 0"), which were the errors of earlier runs.
        run = subprocess.run([str(BIN / "locust"), "-f", "bench/locustfile.py", "--headless", "-u", str(USERS),
                              "-r", str(SPAWN_RATE), "-t", f"{SECONDS}s", "--stop-timeout", "30",
                              "--host", server.base, "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING"],
                             cwd=appserver.REPO, env=env, capture_output=True, text=True)
        stop.set()
        sampler.join()
        rebuilder.join()
        if not (prefix.parent / "locust_stats.csv").exists():
            raise RuntimeError(f"locust wrote no statistics:\n{run.stdout[-2000:]}\n{run.stderr[-2000:]}")
        total, rows = _stats(prefix.parent / "locust_stats.csv")
        failures_csv = prefix.parent / "locust_failures.csv"
        failures = [dict(r) for r in csv.DictReader(failures_csv.open())] if failures_csv.exists() else []
        alive = [pid for pid in workers if _rss_mb(pid) is not None]
        recorded = json.loads(pages_file.read_text()) if pages_file.exists() else {"pages": [], "callbacks": []}
        cache_entries = _entries(Path(scratch) / "cache")
    settled = next((rss for t, rss in samples if t >= SETTLE_S), samples[0][1] if samples else {})
    end = samples[-1][1] if samples else {}
    memory = [{"pid": pid, "boot_mb": boot.get(pid), "settled_mb": settled.get(pid), "end_mb": end.get(pid),
               "max_mb": max((s[1].get(pid) or 0 for s in samples), default=None)} for pid in workers]
    rss = ", ".join(f"{m['settled_mb']:.0f} -> {m['end_mb']:.0f}" for m in memory)
    page_ms, answered = recorded["pages"], recorded["callbacks"]
    callback_ms = [ms for _, ms in answered]
    first = min((at for at, _ in answered), default=0.0)
    # after the workers' caches have filled: what a steady stream of visitors sees once the start-up burst is over
    settled_ms = [ms for at, ms in answered if at - first >= SETTLE_S]
    # throughput before the rebuild (after the start-up burst) and after it began (rebuild and cold caches included)
    began, last = rebuild.get("start", float("nan")), max((at for at, _ in answered), default=0.0)
    before = [ms for at, ms in answered if first + SETTLE_S <= at < began]
    after = [ms for at, ms in answered if at >= began]
    finished = rebuild.get("end", began)
    # once the new database's answers are cached again (as SETTLE_S leaves out the start-up burst before)
    settled_after = [ms for at, ms in answered if at >= finished + SETTLE_S / 2]
    rebuilt = {"seconds": rebuild.get("end", began) - began, "ok": rebuild.get("ok", False),
               "rps_before": len(before) / max(began - first - SETTLE_S, 1e-9),
               "rps_after": len(after) / max(last - began, 1e-9),
               "rps_after_settled": len(settled_after) / max(last - finished - SETTLE_S / 2, 1e-9),
               "p95_before": pct(before, 95), "p95_after": pct(after, 95),
               "cache_entries_end": cache_entries}
    pages = {"opened": len(page_ms), "p50": pct(page_ms, 50), "p95": pct(page_ms, 95)}
    # the callbacks' own percentiles (locust's Aggregated row mixes in the sign-ins and setup requests)
    total |= {"requests": len(callback_ms), "p50": pct(callback_ms, 50), "p95": pct(callback_ms, 95),
              "p99": pct(callback_ms, 99), "max": max(callback_ms, default=float("nan")),
              "rps": len(callback_ms) / SECONDS, "failures": sum(r["failures"] for r in rows),
              "settled_p95": pct(settled_ms, 95)}
    say(f"  scale {scale:g}: rebuild {rebuilt['seconds']:.1f} s ({'ok' if rebuilt['ok'] else 'FAILED'}); "
        f"{rebuilt['rps_before']:.1f} callbacks/s before, {rebuilt['rps_after']:.1f} after "
        f"(p95 {rebuilt['p95_before']:.0f} -> {rebuilt['p95_after']:.0f} ms)")
    say(f"  scale {scale:g}: {total['requests']} requests, {total['failures']} failures, p50 {total['p50']:.0f} ms, "
        f"p95 {total['p95']:.0f} ms (after {SETTLE_S} s: {total['settled_p95']:.0f} ms); {pages['opened']} pages, "
        f"page p50 {pages['p50']:.0f} ms; worker RSS settled -> end: {rss} MB")
    return {"scale": scale, "attendance_rows": appserver.datasets.rows(appserver.datasets.folder_for(scale))
            .get("attendance"), "total": total, "pages": pages, "callbacks": rows, "failures": failures[:10],
            "memory": memory, "workers_alive": len(alive), "rebuild": rebuilt, "load_before": load,
            "load_after": os.getloadavg()[0]}


def run_part(args, say) -> dict:
    """Each scale `repeats` times (a fresh server each run): the run with the median p95 is reported, with every
    run's p95 beside it (runs of 60 s on two shared cores differ a lot)."""
    scales = []
    for scale in app_scales(args):
        runs = sorted((run_scale(scale, say) for _ in range(args.repeats[scale])), key=lambda r: r["total"]["p95"])
        median = runs[(len(runs) - 1) // 2]
        scales.append(median | {"runs_p95": [r["total"]["p95"] for r in runs],
                                "runs_settled_p95": sorted(r["total"]["settled_p95"] for r in runs),
                                "runs_failures": sum(r["total"]["failures"] for r in runs)})
    return {"users": USERS, "spawn_rate": SPAWN_RATE, "seconds": SECONDS, "workers": WORKERS, "threads": THREADS,
            "settle_s": SETTLE_S, "scales": scales}


def render(result: dict) -> str:
    lines = [
        f"`gunicorn -k {WORKER} -w {result['workers']} --threads {result['threads']} app:server`, "
        f"`SCN_CACHE_DIR` set (the README's deploy line); locust, {result['users']} "
        f"users (spawned {result['spawn_rate']}/s), {result['seconds']} s. A user signs in once, then opens one "
        "of the four main pages with a filter set from the callbacks mix (the page's callbacks posted at once, as "
        "the browser does) and waits 0.5–1.5 s. Latencies are per callback request, milliseconds. *pages*: pages "
        "opened, and the time from a page's first request to its last answer (what a person waits for). Worker RSS "
        f"at boot, after {result['settle_s']} s of load (caches filled) and at the end. Each scale runs several "
        "times on a fresh server; the row is the run with the median p95, *p95 of runs* lists every run's, and "
        f"*after {result['settle_s']} s* leaves out the start-up burst (20 users arriving at once on empty caches).",
        "", f"| scale | requests | req/s | failures | p50 | p95 | p95 of runs | p95 after {result['settle_s']} s | "
        "p99 | max | pages | page p50 | page p95 | worker RSS MB boot → settled → end | end ÷ settled | load |",
        "|---:|---:|---:|---:|---:|---:|---|---|---:|---:|---:|---:|---:|---|---:|---:|"]
    for e in result["scales"]:
        t, pages = e["total"], e.get("pages", {})
        rss = "; ".join(f"{m['boot_mb']:.0f} → {m['settled_mb']:.0f} → {m['end_mb']:.0f}" for m in e["memory"])
        growth = max((m["end_mb"] / m["settled_mb"] for m in e["memory"] if m["settled_mb"]), default=float("nan"))
        runs = ", ".join(f"{x:.0f}" for x in e.get("runs_p95", [t["p95"]]))
        settled = ", ".join(f"{x:.0f}" for x in e.get("runs_settled_p95", []))
        lines.append(f"| {e['scale']:g} | {t['requests']:,} | {t['rps']:.1f} | {t['failures']} | {t['p50']:.0f} | "
                     f"{t['p95']:.0f} | {runs} | {settled} | {t['p99']:.0f} | {t['max']:.0f} | "
                     f"{pages.get('opened', 0):,} | {pages.get('p50', float('nan')):.0f} | "
                     f"{pages.get('p95', float('nan')):.0f} | {rss} | {growth:.2f} | {e['load_before']:.1f} |")
    lines += ["", f"A rebuild of the served database starts {REBUILD_AT_S} s into each run (the median run's "
              "figures):", "",
              "| scale | rebuild | callbacks/s before | after (rebuild included) | after ÷ before | "
              f"after, from {SETTLE_S / 2:g} s past the rebuild | p95 before | p95 after | "
              "cache folders at the end (entries) |", "|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for e in result["scales"]:
        r = e.get("rebuild")
        if r:
            folders = ", ".join(f"{n}" for n in r["cache_entries_end"].values()) or "none"
            lines.append(f"| {e['scale']:g} | {r['seconds']:.1f} s{'' if r['ok'] else ' FAILED'} | "
                         f"{r['rps_before']:.1f} | {r['rps_after']:.1f} | {_ratio(r):.2f} | "
                         f"{r.get('rps_after_settled', float('nan')):.1f} | "
                         f"{r['p95_before']:.0f} | {r['p95_after']:.0f} | {len(r['cache_entries_end'])} ({folders}) |")
    for e in result["scales"]:
        slow = sorted(e["callbacks"], key=lambda r: -r["p95"])[:5]
        lines += ["", f"Slowest callbacks under load at scale {e['scale']:g} (p95): " +
                  ", ".join(f"{r['name']} {r['p95']:.0f} ms" for r in slow) + "."]
        if e["failures"]:
            lines.append("Failures: " + "; ".join(f"{f.get('Name')}: {f.get('Error', '')[:100]} "
                                                  f"({f.get('Occurrences')})" for f in e["failures"]))
    lines += ["", "| target | measured | met |", "|---|---|:---:|"]
    for e in result["scales"]:
        t = e["total"]
        growth = max((m["end_mb"] / m["settled_mb"] for m in e["memory"] if m["settled_mb"]), default=float("nan"))
        lines += [f"| scale {e['scale']:g}: p95 under {TARGET_P95_MS} ms (median run) | {t['p95']:.0f} ms | "
                  f"{'yes' if t['p95'] < TARGET_P95_MS else '**no**'} |",
                  f"| scale {e['scale']:g}: zero errors (every run) | {e.get('runs_failures', t['failures'])} | "
                  f"{'yes' if e.get('runs_failures', t['failures']) == 0 else '**no**'} |",
                  *([f"| scale {e['scale']:g}: throughput after the rebuild within 20% of before | "
                     f"{_ratio(e['rebuild']):.2f}x | "
                     f"{'yes' if e['rebuild']['rps_after'] >= 0.8 * e['rebuild']['rps_before'] else '**no**'} |"]
                    if e.get("rebuild") else []),
                  f"| scale {e['scale']:g}: worker memory flat within 10% | largest growth "
                  f"{(growth - 1) * 100:+.0f}% | "
                  f"{'yes' if growth <= 1.10 else '**no**'} |"]
    return "\n".join(lines)

"""Page-load benchmark: from navigation start to every graph drawn, in headless Chromium (Playwright), at demo
scale.

The app runs as in `make run` (`python app.py`, demo accounts) on the scale-1 database. The browser signs in
through the form at /login, then opens each page: once in a fresh browser context (empty HTTP cache: the
*first visit*, which also fills the server's query cache for the default filters) and then `LOADS` more times
in the same context (a returning visitor: assets cached, queries cached). A load is *done* at the first
animation frame where every Dash callback request has answered (a wrapped `fetch` counts them), no component
is loading (`data-dash-is-loading`), the page content is in place and every `.js-plotly-plot` has drawn its
`.main-svg`, and that stays so for `QUIET_MS` (so a chained callback that starts after the first wave is
waited for). The time recorded is `performance.now()` at that frame: milliseconds since navigation start.
Bytes are the transfer sizes of the navigation and every resource (Resource Timing), callbacks the number of
`/_dash-update-component` requests.
"""

from __future__ import annotations

import os
import statistics

import duckdb

from bench import appserver

NAME = "pageload"
DESCRIPTION = "navigation start to every graph drawn, per page, headless Chromium at demo scale"
PORT = 8310
LOADS = 5
QUIET_MS = 500
TARGET_MS = 1500
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking"]
PAGES = ["/", "/membership", "/training", "/grants", "/regions", "/data", "/impact"]

# Runs in every document before the app's scripts: counts callback requests and marks when the page settles.
INIT_SCRIPT = """
(() => {
  const state = window.__bench = {inflight: 0, started: 0, answered: 0, doneAt: null};
  const realFetch = window.fetch.bind(window);
  window.fetch = (input, init) => {
    const url = typeof input === 'string' ? input : input.url;
    if (!url.includes('_dash-update-component')) return realFetch(input, init);
    state.inflight++; state.started++; state.doneAt = null;
    return realFetch(input, init).finally(() => { state.inflight--; state.answered++; });
  };
  const settled = () => {
    const content = document.getElementById('_pages_content');
    if (!content || content.children.length === 0 || state.answered === 0 || state.inflight > 0) return false;
    if (document.querySelector('[data-dash-is-loading="true"]')) return false;
    return [...document.querySelectorAll('.js-plotly-plot')].every(g => g.querySelector('.main-svg'));
  };
  const tick = () => {
    if (settled()) { if (state.doneAt === null) state.doneAt = performance.now(); }
    else state.doneAt = null;
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})();
"""
DONE = (f"() => window.__bench && window.__bench.doneAt !== null "
        f"&& performance.now() - window.__bench.doneAt > {QUIET_MS}")
MEASURE = """() => {
  const entries = [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')];
  return {ms: window.__bench.doneAt, callbacks: window.__bench.started,
          bytes: entries.reduce((n, e) => n + (e.transferSize || 0), 0),
          graphs: document.querySelectorAll('.js-plotly-plot').length, title: document.title};
}"""


def city_path(db) -> str:
    con = duckdb.connect(str(db), read_only=True)
    try:
        city = con.execute("select city_id from city_engagement order by events_hosted desc, city_id limit 1")
        return f"/city/{city.fetchone()[0]}"
    finally:
        con.close()


def _load(page, url: str) -> dict:
    page.goto(url, wait_until="commit")
    page.wait_for_function(DONE, polling=50, timeout=60_000)
    return page.evaluate(MEASURE)


def run_part(args, say) -> dict:
    from playwright.sync_api import sync_playwright

    db = appserver.built_db(1.0, say)
    pages = PAGES + [city_path(db)]
    results = {}
    with appserver.serve(db, PORT) as server, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            signed = browser.new_context(viewport={"width": 1400, "height": 900})
            login = signed.new_page()
            login.goto(server.base + "/login")
            login.fill("input[name=email]", appserver.DEMO_USER[0])
            login.fill("input[name=password]", appserver.DEMO_USER[1])
            with login.expect_navigation():
                login.click("button[type=submit], input[type=submit]")
            cookies = signed.storage_state()
            signed.close()
            load = os.getloadavg()[0]
            for path in pages:
                context = browser.new_context(viewport={"width": 1400, "height": 900}, storage_state=cookies)
                context.add_init_script(INIT_SCRIPT)
                page = context.new_page()
                errors: list[str] = []
                page.on("console", lambda m, errors=errors: errors.append(m.text) if m.type == "error" else None)
                first = _load(page, server.base + path)
                if first["title"].startswith("Page not found"):
                    say(f"  {path}: not a page of this app, skipped")
                    context.close()
                    continue
                repeats = [_load(page, server.base + path) for _ in range(LOADS)]
                context.close()
                results[path] = {
                    "first": first, "loads": repeats, "errors": errors[:5],
                    "median_ms": statistics.median(r["ms"] for r in repeats),
                    "max_ms": max(r["ms"] for r in repeats),
                    "median_kb": statistics.median(r["bytes"] for r in repeats) / 1024,
                    "callbacks": statistics.median(r["callbacks"] for r in repeats),
                    "graphs": first["graphs"],
                }
                say(f"  {path}: first {first['ms']:,.0f} ms ({first['bytes'] / 1024:,.0f} KB), median of {LOADS} "
                    f"{results[path]['median_ms']:,.0f} ms, {first['callbacks']} callbacks, {first['graphs']} graphs")
        finally:
            browser.close()
    return {"pages": results, "loads": LOADS, "quiet_ms": QUIET_MS, "load_before": load,
            "load_after": os.getloadavg()[0]}


def render(result: dict) -> str:
    lines = [
        f"Milliseconds from navigation start until every callback has answered and every graph is drawn (settled "
        f"for {result['quiet_ms']} ms; the time is that of the first settled frame), scale-1 database, signed in "
        f"as an admin, 1400×900 viewport. *first*: a fresh browser context (empty HTTP cache; the server's query "
        f"cache cold for these filters); *median*/*max*: {result['loads']} more loads in that context. *KB*: bytes "
        f"transferred (navigation + resources, Resource Timing `transferSize`). Load average "
        f"{result['load_before']:.1f} before, {result['load_after']:.1f} after.",
        "", "| page | first ms | first KB | median ms | max ms | median KB | callbacks | graphs | under "
        f"{TARGET_MS / 1000:g} s |", "|---|---:|---:|---:|---:|---:|---:|---:|:---:|"]
    for path, r in result["pages"].items():
        ok = r["first"]["ms"] < TARGET_MS and r["median_ms"] < TARGET_MS
        lines.append(f"| {path} | {r['first']['ms']:,.0f} | {r['first']['bytes'] / 1024:,.0f} | {r['median_ms']:,.0f} "
                     f"| {r['max_ms']:,.0f} | {r['median_kb']:,.0f} | {r['callbacks']:.0f} | {r['graphs']} | "
                     f"{'yes' if ok else '**no**'} |")
    errors = {p: r["errors"] for p, r in result["pages"].items() if r["errors"]}
    if errors:
        lines += ["", "Console errors: " + "; ".join(f"{p}: {e[0][:120]}" for p, e in errors.items())]
    return "\n".join(lines)

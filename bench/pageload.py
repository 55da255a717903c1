"""Page-load benchmark: from navigation start to every graph drawn, in headless Chromium (Playwright), at demo
scale.

The app runs as in `make run` (`python app.py`, demo accounts) on the scale-1 database. The browser signs in
through the form at /login, then opens each page: once in a fresh browser profile on disk (empty caches: the *first
visit*, which also fills the server's query cache for the default filters), then `LOADS` more times in the same tab
(*reloads*: assets cached, queries cached) and `NEW_TABS` times in a new tab of the same profile (a returning
visitor: only what the browser's caches kept; a reload also reuses the tab's in-memory copies, which hid that no
script could be reused from the HTTP cache). A load is *done* at the first animation frame where every Dash
callback request has answered (a wrapped `fetch` counts them), no component is loading (`data-dash-is-loading`) or
being drawn (`dash-graph--pending`), the page content is in place, every graph has drawn its `.main-svg` (counting
the chart cards of the layout, whose graph may still wait for plotly.js) and every grid block has its grid, and
that stays so for `QUIET_MS` (so a chained callback that starts after the first wave is waited for). The time
recorded is `performance.now()` at that frame: milliseconds since navigation start. Bytes are the transfer sizes of
the navigation and every resource (Resource Timing), requests the number of those fetched over the network (not
from the browser's cache), callbacks the number of `/_dash-update-component` requests. The scripts of each first
visit are listed with their transferred and decoded sizes.
"""

from __future__ import annotations

import os
import statistics
import tempfile

import duckdb

from bench import appserver

NAME = "pageload"
DESCRIPTION = "navigation start to every graph drawn, per page, headless Chromium at demo scale"
PORT = 8310
LOADS = 5
NEW_TABS = 3
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
    // dcc.Graph marks a graph pending until plotly.js has drawn (or resized) it, map geometry included.
    if (document.querySelector('[data-dash-is-loading="true"], .dash-graph--pending')) return false;
    // Chart cards and grid blocks (dashboards/components.py) come with the layout; their graph or grid may not
    // exist yet while its component code loads.
    const drawn = (outer, inner) => [...document.querySelectorAll(outer)].every(e => e.querySelector(inner));
    return drawn('.js-plotly-plot', '.main-svg') && drawn('.chart-figure', '.main-svg')
      && drawn('.grid-block', '.ag-root-wrapper');
  };
  const tick = () => {
    if (settled()) { if (state.doneAt === null) state.doneAt = performance.now(); }
    else state.doneAt = null;
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})();
"""
# The settled frame's time once it has stayed settled for QUIET_MS (kept: a later frame may unsettle the page).
DONE = (f"() => window.__bench && window.__bench.doneAt !== null "
        f"&& performance.now() - window.__bench.doneAt > {QUIET_MS} && window.__bench.doneAt")
MEASURE = """() => {
  const entries = [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')];
  const scripts = performance.getEntriesByType('resource').filter(e => e.initiatorType === 'script')
    .map(e => ({name: new URL(e.name).pathname.split('/').pop(), kb: e.transferSize / 1024,
                decoded_kb: e.decodedBodySize / 1024}));
  return {callbacks: window.__bench.started,
          bytes: entries.reduce((n, e) => n + (e.transferSize || 0), 0),
          requests: entries.filter(e => e.transferSize > 0).length, scripts,
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
    done_at = page.wait_for_function(DONE, polling=50, timeout=60_000).json_value()
    return {"ms": done_at, **page.evaluate(MEASURE)}


def _new_tab(context, errors: list[str]):
    page = context.new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    return page


def _summary(loads: list[dict]) -> dict:
    for r in loads:
        del r["scripts"]  # the first visit's list says what a page loads
    return {"median_ms": statistics.median(r["ms"] for r in loads), "max_ms": max(r["ms"] for r in loads),
            "median_kb": statistics.median(r["bytes"] for r in loads) / 1024,
            "median_requests": statistics.median(r["requests"] for r in loads)}


def _signed_in_cookies(pw, base: str) -> list[dict]:
    browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
    try:
        login = browser.new_page()
        login.goto(base + "/login")
        login.fill("input[name=email]", appserver.DEMO_USER[0])
        login.fill("input[name=password]", appserver.DEMO_USER[1])
        with login.expect_navigation():
            login.click("button[type=submit], input[type=submit]")
        return login.context.cookies()
    finally:
        browser.close()


def _measure_page(pw, url: str, cookies: list[dict]) -> dict | None:
    """First visit, reloads and new tabs of one page in a browser profile of its own (a profile on disk, as a
    person's: Chromium keeps compiled scripts only there), or None when the app has no such page."""
    with tempfile.TemporaryDirectory(prefix="scn-pageload-") as profile:
        context = pw.chromium.launch_persistent_context(profile, executable_path=CHROMIUM, args=ARGS,
                                                        viewport={"width": 1400, "height": 900})
        try:
            context.add_cookies(cookies)
            context.add_init_script(INIT_SCRIPT)
            errors: list[str] = []
            page = _new_tab(context, errors)
            first = _load(page, url)
            if first["title"].startswith("Page not found"):
                return None
            reloads = [_load(page, url) for _ in range(LOADS)]
            page.close()
            tabs = []
            for _ in range(NEW_TABS):
                tab = _new_tab(context, errors)
                tabs.append(_load(tab, url))
                tab.close()
        finally:
            context.close()
    return {"first": first, "loads": reloads, "tabs": tabs, "errors": errors[:5], **_summary(reloads),
            "new_tab": _summary(tabs), "callbacks": statistics.median(r["callbacks"] for r in reloads),
            "graphs": first["graphs"]}


def run_part(args, say) -> dict:
    from playwright.sync_api import sync_playwright

    db = appserver.built_db(1.0, say)
    pages = [*PAGES, city_path(db)]
    results = {}
    with appserver.serve(db, PORT) as server, sync_playwright() as pw:
        cookies = _signed_in_cookies(pw, server.base)
        load = os.getloadavg()[0]
        for path in pages:
            r = _measure_page(pw, server.base + path, cookies)
            if r is None:
                say(f"  {path}: not a page of this app, skipped")
                continue
            results[path] = r
            first = r["first"]
            say(f"  {path}: first {first['ms']:,.0f} ms ({first['bytes'] / 1024:,.0f} KB, {first['requests']} "
                f"requests), reloads {r['median_ms']:,.0f} ms ({r['median_kb']:,.0f} KB), new tabs "
                f"{r['new_tab']['median_ms']:,.0f} ms ({r['new_tab']['median_kb']:,.0f} KB), "
                f"{first['callbacks']} callbacks, {first['graphs']} graphs")
    return {"pages": results, "loads": LOADS, "new_tabs": NEW_TABS, "quiet_ms": QUIET_MS, "load_before": load,
            "load_after": os.getloadavg()[0]}


def render(result: dict) -> str:
    tabs = result.get("new_tabs")
    lines = [
        f"Milliseconds from navigation start until every callback has answered and every graph is drawn (settled "
        f"for {result['quiet_ms']} ms; the time is that of the first settled frame), scale-1 database, signed in "
        f"as an admin, 1400×900 viewport. *first*: a fresh browser profile (empty caches; the server's query "
        f"cache cold for these filters); *reload* median/max: {result['loads']} more loads in that tab"
        + (f"; *new tab*: the median of {tabs} loads, each in a new tab of that profile (what the browser's "
           f"caches kept)" if tabs else "") + ". *KB*: bytes transferred (navigation + resources, Resource Timing "
        f"`transferSize`); *req*: requests not answered from the browser's cache. *under 1.5 s*: first visit and "
        f"reloads. Load average {result['load_before']:.1f} before, {result['load_after']:.1f} after.", "",
        "| page | first ms | first KB | first req | reload ms | reload max | reload KB | "
        + ("new tab ms | new tab KB | " if tabs else "") + f"callbacks | graphs | under {TARGET_MS / 1000:g} s |",
        "|---|---:|---:|---:|---:|---:|---:|" + ("---:|---:|" if tabs else "") + "---:|---:|:---:|"]
    for path, r in result["pages"].items():
        ok = r["first"]["ms"] < TARGET_MS and r["median_ms"] < TARGET_MS
        tab = (f"{r['new_tab']['median_ms']:,.0f} | {r['new_tab']['median_kb']:,.0f} | " if tabs else "")
        lines.append(f"| {path} | {r['first']['ms']:,.0f} | {r['first']['bytes'] / 1024:,.0f} | "
                     f"{r['first'].get('requests', '–')} | {r['median_ms']:,.0f} | {r['max_ms']:,.0f} | "
                     f"{r['median_kb']:,.0f} | {tab}{r['callbacks']:.0f} | {r['graphs']} | "
                     f"{'yes' if ok else '**no**'} |")
    scripts = {s["name"]: s for r in result["pages"].values() for s in r["first"].get("scripts", [])}
    if scripts:
        total = sum(s["kb"] for s in scripts.values()), sum(s["decoded_kb"] for s in scripts.values())
        lines += ["", f"Scripts of the first visits ({len(scripts)}, {total[0]:,.0f} KB transferred, "
                  f"{total[1]:,.0f} KB of script): " + ", ".join(
                      f"{name} {s['kb']:,.0f}/{s['decoded_kb']:,.0f}"
                      for name, s in sorted(scripts.items(), key=lambda item: -item[1]["decoded_kb"])) + " (KB)."]
    errors = {p: r["errors"] for p, r in result["pages"].items() if r["errors"]}
    if errors:
        lines += ["", "Console errors: " + "; ".join(f"{p}: {e[0][:120]}" for p, e in errors.items())]
    return "\n".join(lines)

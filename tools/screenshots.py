"""Start the dashboard against a database and save screenshots of every page: desktop, phone and printed.

    python -m tools.screenshots --db data/build/scn.duckdb --out docs/screenshots

<page>.png (1440 x 900, scaled to 1200 px wide), <page>-phone.png (390 x 844, touch) and print/<page>.png (the page
as printed on A4: print media at A4's width, assets/print.css and print.js); docs/printing.md shows them.

Uses the system Chromium (/usr/bin/chromium) through Playwright; every request that is not to the app is
blocked, so the screenshots also prove the pages need nothing from the internet. `serve()` is reused by the
browser tests.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("SCN_CHROMIUM", "/usr/bin/chromium")
START_SECONDS = 120  # how long the app may take to answer /login before serve() gives up
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking"]
PAGES = {"overview": "/", "membership": "/membership", "training": "/training", "grants": "/grants",
         "regions": "/regions", "data": "/data", "impact": "/impact"}
# the README's languages section: pages in French and in Arabic (right to left)
LANGUAGE_SHOTS = {f"{page}-{lang}": f"{PAGES[page]}?lang={lang}"
                  for page in ("overview", "impact") for lang in ("fr", "ar")}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve(db: Path, *, port: int | None = None, env: dict | None = None) -> Iterator[str]:
    """Run `python app.py` on a free local port against `db`; yields the base URL, stops the app after.

    The app's output goes to a temporary file (a pipe nobody reads would fill up and freeze the server) and
    is shown if the app does not start.
    """
    port = port or free_port()
    private = tempfile.mkdtemp(prefix="scn-serve-")  # demo accounts, audit log, uploads of this run only
    environ = {**os.environ, "SCN_DB": str(db), "SCN_HOST": "127.0.0.1", "SCN_PORT": str(port), "SCN_DEBUG": "0",
               "SCN_DEMO": "1", "SCN_USERS": f"{private}/users.sqlite", "SCN_AUDIT_LOG": f"{private}/audit.jsonl",
               "SCN_SOURCES_STORE": f"{private}/sources", "SCN_STATE": f"{private}/state.sqlite", **(env or {})}
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen([sys.executable, str(ROOT / "app.py")], cwd=ROOT, env=environ, stdout=log,
                                stderr=subprocess.STDOUT)
        try:
            # A ceiling, not a timing: on a busy shared machine the app's imports alone took over 30 s.
            deadline = time.monotonic() + START_SECONDS
            while not _answers(url):
                if proc.poll() is not None or time.monotonic() > deadline:
                    proc.kill()
                    log.seek(0)
                    output = log.read().decode(errors="replace")
                    raise RuntimeError(f"the app did not start on {url}:\n{output[-3000:]}")
                time.sleep(0.2)
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
            shutil.rmtree(private, ignore_errors=True)


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/login", timeout=2) as reply:
            return reply.status == 200
    except OSError:
        return False


def block_outside(page, base_url: str, blocked: list[str]) -> None:
    """Abort every request to anything but the app, recording it in `blocked`."""

    def route(r):
        if r.request.url.startswith(base_url) or r.request.url.startswith("data:") or r.request.url.startswith(
                "blob:"):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    page.route("**/*", route)


# Counts the app's requests in flight (Dash runs callbacks through fetch), so tests can wait for quiet.
_COUNT_FETCHES = """
(() => {
    window.__scnPending = 0;
    const original = window.fetch;
    window.fetch = function (...args) {
        window.__scnPending += 1;
        return original.apply(this, args).finally(() => { window.__scnPending -= 1; });
    };
})();
"""


def count_requests(page) -> None:
    """Install the in-flight request counter `wait_until_drawn` relies on (before the first `goto`)."""
    page.add_init_script(_COUNT_FETCHES)


def wait_until_drawn(page, timeout: float = 20_000) -> None:
    """Wait until no callback is in flight (twice, 250 ms apart: callbacks chain) and every graph has drawn,
    maps included (their countries arrive after the figure, once the topojson file has loaded)."""
    page.wait_for_load_state("load", timeout=timeout)
    for _ in range(2):
        page.wait_for_function(
            """() => window.__scnPending === 0
                     && !document.querySelector('[data-dash-is-loading="true"]')
                     && Array.from(document.querySelectorAll('.js-plotly-plot')).every(g =>
                            g.querySelector('.main-svg')
                            && !((g.data || []).some(t => t.type === 'choropleth')
                                 && !g.querySelector('.choroplethlocation')))""",
            timeout=timeout,
        )
        page.wait_for_timeout(250)


def sign_in(page, base_url: str, email: str = "admin@demo.scn", password: str | None = None) -> None:
    """Sign in through the login form as a demo account (the app runs in demo mode under `serve`)."""
    from dashboards.security.users import DEMO_PASSWORD

    page.goto(f"{base_url}/login")
    page.fill("#email", email)
    page.fill("#password", password or DEMO_PASSWORD)
    page.click("#sign-in")
    page.wait_for_load_state("load")


def busiest_city(db: Path) -> str:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("select city_id from city_engagement order by attendances + events_hosted * 10 desc, "
                           "city_id limit 1").fetchone()[0]


DESKTOP = {"viewport": {"width": 1440, "height": 900}}
# An iPhone-sized screen: 390 x 844 CSS pixels, touch, the mobile viewport rules
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
# A4's width at 96 px an inch (210 mm): the page as print media lays it out before the printer's margins
A4_WIDTH = 794


def wait_for_paper(page, timeout: float = 20_000) -> None:
    """Switch the page to print media and wait until assets/print.js has made it ready: every grid written as a
    table, every chart drawn again at the paper's width (<html data-print-ready>)."""
    page.emulate_media(media="print")
    page.wait_for_function("() => document.documentElement.getAttribute('data-print-ready') === '1'",
                           timeout=timeout)
    wait_until_drawn(page, timeout)


def optimised(path: Path, *, width: int | None = None) -> None:
    """Shrink a screenshot in place: scaled to `width` px wide if wider, and reduced to a 256-colour palette
    (a dashboard's flat colours survive it; the files are a fraction of the size)."""
    from PIL import Image

    with Image.open(path) as image:
        image.load()
    if width and image.width > width:
        image = image.resize((width, round(image.height * width / image.width)), Image.Resampling.LANCZOS)
    image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
        path, optimize=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=ROOT / "data/build/scn.duckdb")
    parser.add_argument("--out", type=Path, default=ROOT / "docs/screenshots")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    (args.out / "print").mkdir(parents=True, exist_ok=True)
    shots = dict(PAGES, city=f"/city/{busiest_city(args.db)}")
    # (file, context options, paper?, width to scale the saved image to, the pages): the overview and impact pages
    # in French and Arabic at desktop size too (#18)
    kinds = [("{}.png", DESKTOP, False, 1200, {**shots, **LANGUAGE_SHOTS}), ("{}-phone.png", PHONE, False, 390, shots),
             ("print/{}.png", {"viewport": {"width": A4_WIDTH, "height": 1123}}, True, None, shots)]
    with serve(args.db) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for pattern, options, paper, width, pages in kinds:
            context = browser.new_context(**options, accept_downloads=False)
            page = context.new_page()
            blocked: list[str] = []
            block_outside(page, base, blocked)
            count_requests(page)
            sign_in(page, base)
            for name, path in pages.items():
                started = time.perf_counter()
                page.goto(base + path)
                wait_until_drawn(page)
                seconds = time.perf_counter() - started
                if paper:
                    wait_for_paper(page)
                target = args.out / pattern.format(name)
                page.screenshot(path=str(target), full_page=True)
                if paper:
                    page.emulate_media(media="screen")
                optimised(target, width=width)
                print(f"{pattern.format(name):>22}: {path:<24} drawn in {seconds:.1f} s, "
                      f"{target.stat().st_size / 1024:.0f} KB" + (f"; BLOCKED {blocked}" if blocked else ""))
            context.close()
        browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

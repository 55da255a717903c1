"""In a real browser: a chart whose callback fails says so on its card with a reference (never a silent blank),
and the grid's CSV made in the browser is formula-safe (issue #21). Both run the app on a copy of the sample
database changed to provoke them; every other request must succeed, with no console error (the CSP included)."""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import duckdb
import pytest
from playwright.sync_api import Browser, expect

from tools.screenshots import block_outside, count_requests, serve, sign_in, wait_until_drawn

pytestmark = pytest.mark.browser


def _served(sample_db: Path, tmp_path: Path, change: str):
    path = tmp_path / "scn.duckdb"
    shutil.copy(sample_db, path)
    with duckdb.connect(str(path)) as con:
        con.execute(change)
    return serve(path)


def _page(chromium: Browser, url: str, problems: list[str]):
    context = chromium.new_context(viewport={"width": 1440, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("response", lambda r: problems.append(f"HTTP {r.status} {r.url} {r.request.post_data or ''}"[:300])
            if r.status >= 400 else None)
    blocked: list[str] = []
    block_outside(page, url, blocked)
    count_requests(page)
    return page


def test_a_failing_chart_shows_could_not_load_with_its_reference(chromium, sample_db, tmp_path):
    # a bug the app cannot hide: the heatmap's query rounds a column this database holds as text (a column missing
    # altogether is refused when the database is opened: store.missing_from)
    with _served(sample_db, tmp_path,
                 "alter table regional_activity_quarterly alter column awarded_usd type varchar") as url:
        problems: list[str] = []
        page = _page(chromium, url, problems)
        sign_in(page, url)
        page.goto(url + "/regions?period=all")
        card = page.locator(".chart-card", has=page.locator("#regions-heatmap-graph"))
        message = card.locator(".load-error")
        expect(message).to_be_visible(timeout=20_000)
        expect(message).to_contain_text(re.compile(r"could not load \(reference [0-9A-F]{8}\)"))
        wait_until_drawn(page)
        # the rest of the page drew; the only failure was the heatmap's callback, answered 500
        assert page.locator(".scn-grid .ag-row").count() > 0
        failed = [p for p in problems if p.startswith("HTTP")]
        assert failed and all(p.startswith("HTTP 500") and "regions-heatmap-graph" in p for p in failed), problems
        page.context.close()


def test_the_grid_csv_made_in_the_browser_is_formula_safe(chromium, sample_db, tmp_path):
    change = """update grant_portfolio set title = '=HYPERLINK("http://x","click") ' || title"""
    with _served(sample_db, tmp_path, change) as url:
        problems: list[str] = []
        page = _page(chromium, url, problems)
        sign_in(page, url)
        reply = page.goto(url + "/grants?period=all")
        assert "default-src 'self'" in reply.headers["content-security-policy"]
        wait_until_drawn(page)
        block = page.locator(".grid-block", has=page.locator(".grid-title", has_text=re.compile("^Grants")))
        with page.expect_download() as download:
            block.get_by_role("button", name=re.compile("as CSV")).first.click()
        cells = [c for row in csv.reader(Path(download.value.path()).read_text(encoding="utf-8-sig").splitlines())
                 for c in row]
        assert [c for c in cells if c.startswith("'=HYPERLINK(\"http://x\",\"click\") ")], str(cells[:40])
        assert not [c for c in cells if c.lstrip(" ").startswith(("=", "+", "@"))]
        assert not problems, problems
        page.context.close()

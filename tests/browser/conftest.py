"""Browser tests: the real app in a subprocess against the sample database, driven by the system Chromium.

Every page a test opens refuses requests to anything but the app, and the test fails on any console error,
uncaught exception or blocked request (the dashboard must work with no internet).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tools.screenshots import CHROMIUM, CHROMIUM_ARGS, block_outside, count_requests, serve, sign_in


@pytest.fixture(scope="session")
def app_url(sample_db: Path) -> Iterator[str]:
    with serve(sample_db) as url:
        yield url


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM}")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def dash_page(fresh_page: Page) -> Page:
    """A tab signed in as the demo administrator (who may see every page)."""
    sign_in(fresh_page, fresh_page.app_url)  # type: ignore[attr-defined]
    return fresh_page


@pytest.fixture
def fresh_page(chromium: Browser, app_url: str) -> Iterator[Page]:
    """A fresh tab on a laptop-sized screen, not signed in; after the test: no console error, no failed request
    to the app (but the sign-in page's own 401 answers, which tests check themselves), no request anywhere else."""
    context = chromium.new_context(viewport={"width": 1440, "height": 900}, accept_downloads=True)
    page = context.new_page()
    problems: list[str] = []
    blocked: list[str] = []
    # A refused sign-in answers 401, which the browser also logs: expected on the sign-in page only.
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}")
            if m.type == "error" and not ("/login" in page.url and "401" in m.text) else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    # A failing callback answers 500 without a console message when debug is off: watch the answers too.
    page.on("response", lambda r: problems.append(f"HTTP {r.status} from {r.url}")
            if r.status >= 400 and not (r.status == 401 and r.url.split("?")[0].endswith("/login")) else None)
    block_outside(page, app_url, blocked)
    count_requests(page)
    page.app_url = app_url  # type: ignore[attr-defined]
    yield page
    context.close()
    assert not blocked, f"requests left the machine: {blocked}"
    assert not problems, problems

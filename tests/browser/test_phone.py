"""Every page on a phone (390 x 844, touch): nothing scrolls sideways, bars have room to be drawn, nothing overlaps,
the header is a compact bar (assets/phone.css, header.css, header.js; charts by assets/narrow_charts.js); and the
laptop's header folds into a compact bar once the page is scrolled. Marked `browser`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from tools.screenshots import PAGES, PHONE, block_outside, busiest_city, count_requests, sign_in, wait_until_drawn

pytestmark = pytest.mark.browser

PAGE_NAMES = ["overview", "membership", "training", "grants", "regions", "data", "impact", "city"]


@pytest.fixture
def phone(chromium: Browser, app_url: str) -> Iterator[Page]:
    """A phone's tab signed in as the demo administrator; after the test: no console error, no failed request,
    nothing asked of anywhere but the app (as conftest's fresh_page)."""
    context = chromium.new_context(**PHONE)
    page = context.new_page()
    problems: list[str] = []
    blocked: list[str] = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}")
            if m.type == "error" and "/login" not in page.url else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("response", lambda r: problems.append(f"HTTP {r.status} from {r.url}") if r.status >= 400
            and not (r.status == 401 and r.url.split("?")[0].endswith("/login")) else None)
    block_outside(page, app_url, blocked)
    count_requests(page)
    page.app_url = app_url  # type: ignore[attr-defined]
    sign_in(page, app_url)
    yield page
    context.close()
    assert not blocked, f"requests left the machine: {blocked}"
    assert not problems, problems


def open_page(page: Page, path: str) -> None:
    page.goto(page.app_url + path)  # type: ignore[attr-defined]
    wait_until_drawn(page)
    page.wait_for_timeout(300)  # a chart laid out again for its narrow box (narrow_charts.js) redraws once more
    wait_until_drawn(page)


# Per chart: its width, its plot area's, the bars' drawn widths, titles and tick labels' boxes.
_CHARTS = """() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(gd => {
    const box = el => { const b = el.getBoundingClientRect(); return [b.left, b.top, b.right, b.bottom]; };
    const full = gd._fullLayout;
    const bars = (gd.data || []).filter(t => t.type === 'bar');
    return {
        id: gd.parentElement.id,
        box: box(gd),
        width: full.width,
        plot: full._size.w,
        bars: bars.length,
        barWidths: Array.from(gd.querySelectorAll('.bars .point path')).map(p => p.getBoundingClientRect().width),
        titles: Array.from(gd.querySelectorAll('.gtitle, .annotation-text-g'))
            .filter(t => t.textContent.trim()).map(t => [t.textContent, ...box(t)]),
        heatmap: (gd.data || []).some(t => t.type === 'heatmap'),
        xticks: Array.from(gd.querySelectorAll('.xtick text')).map(t => [t.textContent, ...box(t)]),
        yticks: Array.from(gd.querySelectorAll('.ytick text')).map(t => [t.textContent, ...box(t)]),
    };
})"""


def overlap(a, b, slack: float = 1) -> bool:
    """Whether two [left, top, right, bottom] boxes overlap by more than `slack` px each way."""
    return a[0] + slack < b[2] and b[0] + slack < a[2] and a[1] + slack < b[3] and b[1] + slack < a[3]


def overlapping(named: list[list]) -> list[tuple[str, str]]:
    return [(a[0], b[0]) for i, a in enumerate(named) for b in named[i + 1:] if overlap(a[1:], b[1:])]


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_a_page_on_a_phone_fits_and_nothing_overlaps(phone: Page, sample_db: Path, name: str) -> None:
    open_page(phone, dict(PAGES, city=f"/city/{busiest_city(sample_db)}")[name])
    scroll = phone.evaluate("() => document.documentElement.scrollWidth")
    assert scroll <= 390, f"{name}: the page scrolls sideways ({scroll}px)"
    for chart in phone.evaluate(_CHARTS):
        where = f"{name} {chart['id']}"
        if chart["bars"]:
            assert chart["plot"] >= 0.5 * chart["width"], f"{where}: labels take the width ({chart})"
            assert chart["barWidths"] and max(chart["barWidths"]) > 2, f"{where}: no bar drawn"
        outside = [t[0] for t in chart["titles"] if t[2] < chart["box"][1] - 1 or t[4] > chart["box"][3] + 1]
        assert not outside, f"{where}: titles drawn outside the chart (under its controls): {outside}"
        titles = overlapping(chart["titles"])
        assert not titles, f"{where}: titles on top of each other: {titles}"
        labels = overlapping(chart["yticks"] + chart["titles"])
        assert not labels, f"{where}: labels on top of titles or each other: {labels}"
        if chart["heatmap"]:
            ticks = overlapping(chart["xticks"])
            assert not ticks, f"{where}: heatmap quarter labels on top of each other: {ticks}"
    cards = phone.evaluate("""() => Array.from(document.querySelectorAll('.chart-card, .kpi-card, .grid-block'))
        .map(c => { const b = c.getBoundingClientRect(); return [c.id || c.className, b.left, b.top, b.right,
                                                                 b.bottom]; })""")
    assert not overlapping(cards), f"{name}: cards on top of each other: {overlapping(cards)}"


def test_who_took_part_and_learning_results_are_one_panel_under_another(phone: Page) -> None:
    open_page(phone, "/training")
    for chart in ("training-who-graph", "training-learning-graph"):
        panels = phone.evaluate("""(id) => {
            const full = document.querySelector(`#${id} .js-plotly-plot`)._fullLayout;
            return Object.keys(full).filter(k => /^xaxis\\d*$/.test(k)).map(k => full[k].domain);
        }""", chart)
        assert len(panels) == 3 and all(d == [0, 1] for d in panels), (chart, panels)


def test_the_phone_header_is_a_compact_bar_with_the_filters_folded(phone: Page) -> None:
    open_page(phone, "/training?region=mena")
    header = phone.locator(".app-header")
    height = header.bounding_box()["height"]
    assert height <= 0.15 * 844, f"the header takes {height:.0f}px of 844"
    assert phone.locator(".filter-bar").is_hidden()
    assert not phone.locator(".navbar-nav").is_visible()  # behind the toggler
    toggle = phone.locator("#filters-toggle")
    assert toggle.inner_text().replace("\n", " ") == "Filters (1)"
    toggle.click()
    assert phone.locator(".filter-bar").is_visible() and toggle.get_attribute("aria-expanded") == "true"
    toggle.click()
    assert phone.locator(".filter-bar").is_hidden()
    phone.mouse.wheel(0, 1500)
    phone.wait_for_timeout(300)
    scrolled = header.bounding_box()
    assert scrolled["y"] == 0 and scrolled["height"] <= 0.15 * 844, f"scrolled, the header is {scrolled}"


def test_the_laptop_header_folds_when_the_page_is_scrolled(dash_page: Page) -> None:
    dash_page.goto(dash_page.app_url + "/grants")  # type: ignore[attr-defined]
    wait_until_drawn(dash_page)
    header = dash_page.locator(".app-header")
    whole = header.bounding_box()["height"]
    assert dash_page.locator(".filter-bar").is_visible() and dash_page.locator("#filters-toggle").is_hidden()
    dash_page.mouse.wheel(0, 1200)
    dash_page.wait_for_function("() => document.querySelector('.app-header').classList.contains('header-compact')")
    compact = header.bounding_box()
    assert compact["y"] == 0 and compact["height"] <= 0.15 * 900, (whole, compact)
    assert dash_page.locator(".filter-bar").is_hidden()
    dash_page.locator("#filters-toggle").click()
    assert dash_page.locator(".filter-bar").is_visible()
    dash_page.mouse.wheel(0, -5000)
    dash_page.wait_for_function("() => !document.querySelector('.app-header').classList.contains('header-compact')")
    assert dash_page.locator(".filter-bar").is_visible()

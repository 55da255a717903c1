"""Every reader, every device (#17): the navigation bar reads on navy and shows the keyboard's place, the wheel
scrolls the page over a map, the chart toolbar leaves the CSV button free, and what a click on a chart does
(filter by a region, open a city) the keyboard does too, to the same address."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tools.screenshots import block_outside, serve, wait_until_drawn

pytestmark = pytest.mark.browser


# --- colour -------------------------------------------------------------------------------------------------------

def _rgba(css: str) -> tuple[float, float, float, float]:
    parts = [float(p) for p in re.findall(r"[\d.]+", css)]
    return (*parts[:3], parts[3] if len(parts) > 3 else 1.0)  # type: ignore[return-value]


def _over(front: str, back: str) -> tuple[float, float, float]:
    """`front` painted over the opaque `back` (a label at 85 % opacity reads as that blend)."""
    r, g, b, a = _rgba(front)
    br, bg, bb, _ = _rgba(back)
    return r * a + br * (1 - a), g * a + bg * (1 - a), b * a + bb * (1 - a)


def _luminance(rgb: tuple[float, float, float]) -> float:
    def channel(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(front: str, back: str) -> float:
    """WCAG's contrast ratio of the colour `front` over `back` (CSS rgb()/rgba() strings)."""
    hi, lo = sorted((_luminance(_over(front, back)), _luminance(_over(back, back))), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


NAVBAR_BACKGROUND = "getComputedStyle(document.querySelector('.scn-navbar')).backgroundColor"
# each visible control of the bar: what it says and the colour it says it in (over its own background, if any)
NAVBAR_LABELS = """() => Array.from(document.querySelectorAll('.scn-navbar a, .scn-navbar button'))
    .filter(e => e.offsetParent !== null && e.innerText.trim())
    .map(e => { const s = getComputedStyle(e);
                return [e.innerText.trim(), s.color, s.backgroundColor]; })"""


def _labels_read_on_navy(page: Page) -> None:
    navy = page.evaluate(NAVBAR_BACKGROUND)
    labels = page.evaluate(NAVBAR_LABELS)
    assert labels
    for text, colour, own in labels:
        background = _over(own, navy) if _rgba(own)[3] else _rgba(navy)[:3]
        ratio = contrast(colour, f"rgb{background}")
        assert ratio >= 4.5, f"{text!r} in {colour} on {navy}: {ratio:.2f}:1"


def test_sign_out_and_every_navbar_label_read_on_the_navy_bar(dash_page: Page) -> None:
    wait_until_drawn(dash_page)
    sign_out = dash_page.locator("#sign-out")
    ratio = contrast(sign_out.evaluate("e => getComputedStyle(e).color"), dash_page.evaluate(NAVBAR_BACKGROUND))
    assert ratio >= 4.5, f"Sign out: {ratio:.2f}:1"
    texts = [t for t, _, _ in dash_page.evaluate(NAVBAR_LABELS)]
    assert "Sign out" in texts and "Views" in texts
    _labels_read_on_navy(dash_page)


@pytest.fixture(scope="module")
def public_url(sample_db: Path) -> Iterator[str]:
    """The app with the public impact page on: a visitor sees the bar with a Sign in link."""
    with serve(sample_db, env={"SCN_PUBLIC": "1"}) as url:
        yield url


def test_the_public_visitors_sign_in_link_reads_on_the_navy_bar(chromium: Browser, public_url: str) -> None:
    context = chromium.new_context(viewport={"width": 1440, "height": 900})
    try:
        page = context.new_page()
        block_outside(page, public_url, [])
        page.goto(f"{public_url}/impact")
        expect(page.locator("#sign-in-link")).to_be_visible()
        ratio = contrast(page.locator("#sign-in-link").evaluate("e => getComputedStyle(e).color"),
                         page.evaluate(NAVBAR_BACKGROUND))
        assert ratio >= 4.5, f"Sign in: {ratio:.2f}:1"
        _labels_read_on_navy(page)
    finally:
        context.close()


def test_the_keyboards_place_in_the_navbar_shows_against_navy(dash_page: Page) -> None:
    wait_until_drawn(dash_page)
    dash_page.locator("body").focus()
    for _ in range(6):  # the skip link, the brand, then the page links
        dash_page.keyboard.press("Tab")
        if dash_page.evaluate("document.activeElement.matches('.scn-navbar a.nav-link')"):
            break
    focused = dash_page.evaluate("""() => { const e = document.activeElement, s = getComputedStyle(e);
        return [e.matches('.scn-navbar a.nav-link'), s.outlineStyle, parseFloat(s.outlineWidth), s.outlineColor]; }""")
    is_link, style, width, colour = focused
    assert is_link, "Tab did not reach a page link of the bar"
    assert style != "none" and width >= 2, focused
    assert contrast(colour, dash_page.evaluate(NAVBAR_BACKGROUND)) >= 3, focused
    for control in ("#views-open", "#sign-out"):  # the buttons show it too
        dash_page.locator(control).focus()
        dash_page.keyboard.press("Shift+Tab")
        dash_page.keyboard.press("Tab")
        outline = dash_page.locator(control).evaluate("e => [getComputedStyle(e).outlineStyle, "
                                                      "getComputedStyle(e).outlineColor]")
        assert outline[0] != "none" and contrast(outline[1], dash_page.evaluate(NAVBAR_BACKGROUND)) >= 3, control


# --- maps ---------------------------------------------------------------------------------------------------------

MAP = "#overview-map-graph .js-plotly-plot"


def _below_the_header(page: Page, selector: str) -> None:
    """Scroll `selector`'s card just below the sticky header (which covers the top of the window). Scrolling folds
    the header into its compact bar (assets/header.js), which moves the page: scroll again until nothing moves."""
    for _ in range(4):
        moved = page.evaluate("""s => { const card = document.querySelector(s).closest('.chart-card');
            const header = document.querySelector('.app-header').getBoundingClientRect().bottom;
            const by = Math.round(card.getBoundingClientRect().top - header - 10);
            window.scrollBy(0, by); return by; }""", selector)
        page.wait_for_timeout(300)  # the header's fold and its transition
        if abs(moved) <= 1:
            return


def test_the_wheel_over_a_map_scrolls_the_page_and_leaves_the_map_as_it_is(dash_page: Page) -> None:
    dash_page.goto(f"{dash_page.app_url}/?period=all")  # type: ignore[attr-defined]
    wait_until_drawn(dash_page)
    _below_the_header(dash_page, MAP)
    scale = dash_page.locator(MAP).evaluate("g => g._fullLayout.geo.projection.scale")
    box = dash_page.locator(MAP).bounding_box()
    dash_page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 3)
    before = dash_page.evaluate("window.scrollY")
    for _ in range(3):
        dash_page.mouse.wheel(0, 100)
        dash_page.wait_for_timeout(150)
    dash_page.wait_for_timeout(300)
    assert dash_page.evaluate("window.scrollY") > before
    assert dash_page.locator(MAP).evaluate("g => g._fullLayout.geo.projection.scale") == scale
    # zooming stays on the toolbar's buttons
    assert dash_page.locator(f"{MAP} .modebar-btn[data-attr='zoom'][data-val='in']").count() == 1


@pytest.mark.parametrize("path", ["/", "/membership"])
def test_the_chart_toolbar_leaves_the_maps_csv_button_free(dash_page: Page, path: str) -> None:
    dash_page.goto(f"{dash_page.app_url}{path}?period=all")  # type: ignore[attr-defined]
    wait_until_drawn(dash_page)
    graph = f"#{path.strip('/') or 'overview'}-map-graph .js-plotly-plot"
    _below_the_header(dash_page, graph)
    box = dash_page.locator(graph).bounding_box()
    dash_page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)  # the toolbar shows on hover
    csv = dash_page.locator(f".chart-card:has({graph.split()[0]}) .chart-csv")
    found = csv.evaluate("""(csv, graph) => {
        const b = csv.getBoundingClientRect();
        const bar = document.querySelector(graph + ' .modebar').getBoundingClientRect();
        const hit = document.elementFromPoint(b.left + b.width / 2, b.top + b.height / 2);
        const apart = bar.right <= b.left || b.right <= bar.left || bar.bottom <= b.top || b.bottom <= bar.top;
        return [hit === csv, apart];
    }""", graph)
    assert found == [True, True], found


# --- click to filter, by keyboard ---------------------------------------------------------------------------------

def _tab_to(page: Page, start: str, wanted: str, presses: int = 40) -> None:
    """Focus `start`, then press Tab until the focused element matches `wanted`."""
    page.locator(start).focus()
    for _ in range(presses):
        page.keyboard.press("Tab")
        if page.evaluate("w => document.activeElement.matches(w)", wanted):
            return
    raise AssertionError(f"Tab from {start} never reached {wanted}")


REGIONS = "#overview-regions-graph .js-plotly-plot"


def test_a_region_bar_filters_the_page_by_keyboard_as_by_a_click(dash_page: Page) -> None:
    start = f"{dash_page.app_url}/?period=all"  # type: ignore[attr-defined]
    dash_page.goto(start)
    wait_until_drawn(dash_page)
    # the mouse: the widest bar of the chart
    _below_the_header(dash_page, REGIONS)
    region, x, y = dash_page.evaluate("""s => { const g = document.querySelector(s);
        const bars = Array.from(g.querySelectorAll('.barlayer .trace')[0].querySelectorAll('.point'));
        const i = bars.reduce((w, b, j) => b.getBoundingClientRect().width > bars[w].getBoundingClientRect().width
                                           ? j : w, 0);
        const r = bars[i].getBoundingClientRect(), t = g.data[0];
        return [t.customdata[i][1], r.left + r.width / 2, r.top + r.height / 2]; }""", REGIONS)
    dash_page.mouse.click(x, y)
    expect(dash_page).to_have_url(re.compile(r"region="))
    clicked = dash_page.url
    # the keyboard, from the chart's CSV button
    dash_page.goto(start)
    wait_until_drawn(dash_page)
    card = ".chart-card:has(#overview-regions-graph)"
    _tab_to(dash_page, f"{card} .chart-csv", f"{card} .chart-keys summary")
    assert dash_page.evaluate("document.activeElement.textContent") == "Filter by region…"
    dash_page.keyboard.press("Enter")
    _tab_to(dash_page, ".chart-card:has(#overview-regions-graph) .chart-keys summary",
            f".chart-card:has(#overview-regions-graph) .chart-key[data-key='{region}']", presses=15)
    dash_page.keyboard.press("Enter")
    expect(dash_page).to_have_url(clicked)
    expect(dash_page.locator("#filter-chips")).to_contain_text(f"Region: {region}")


def test_a_city_on_the_map_opens_by_keyboard_as_by_a_click(dash_page: Page) -> None:
    start = f"{dash_page.app_url}/?period=all"  # type: ignore[attr-defined]
    card = ".chart-card:has(#overview-map-graph)"
    summary = f"{card} .chart-keys[data-kind='city'] summary"
    dash_page.goto(start)
    wait_until_drawn(dash_page)
    _below_the_header(dash_page, MAP)
    # the first city in the keyboard's list whose marker stands alone on the map, so a click lands on it
    place, city, x, y = dash_page.evaluate("""([s, card]) => { const g = document.querySelector(s);
        const marks = [];
        for (const el of g.querySelectorAll('.geo .trace.scattergeo')) {
            const t = el.__data__[0].trace;
            for (const pt of el.querySelectorAll('.point')) {
                marks.push([t.customdata[pt.__data__.i][1], pt.getBoundingClientRect()]); } }
        const apart = (a, b) => a.right < b.left || b.right < a.left || a.bottom < b.top || b.bottom < a.top;
        const keys = Array.from(document.querySelectorAll(card + " .chart-keys[data-kind='city'] .chart-key"))
                          .map(b => b.dataset.key);
        for (const [n, key] of keys.entries()) {
            const mine = marks.find(m => m[0] === key);
            if (mine && mine[1].width > 4 && marks.every(m => m === mine || apart(m[1], mine[1]))) {
                const r = mine[1];
                return [n, key, r.left + r.width / 2, r.top + r.height / 2]; } }
        return [null, null, 0, 0]; }""", [MAP, card])
    assert city, "no city stands alone on the map"
    dash_page.mouse.move(x, y)
    dash_page.mouse.click(x, y)
    expect(dash_page).to_have_url(re.compile(r"/city/"))
    clicked = dash_page.url
    assert clicked.endswith(f"/city/{city}?period=all")
    # the keyboard, from the chart's CSV button
    dash_page.goto(start)
    wait_until_drawn(dash_page)
    _tab_to(dash_page, f"{card} .chart-csv", summary)
    assert dash_page.evaluate("document.activeElement.textContent") == "Open a city…"
    dash_page.keyboard.press("Space")
    for _ in range(place + 1):
        dash_page.keyboard.press("Tab")
    assert dash_page.evaluate("document.activeElement.dataset.key") == city
    dash_page.keyboard.press("Enter")
    expect(dash_page).to_have_url(clicked)


# --- the sticky header never covers the keyboard's place ----------------------------------------------------------

# the focused control (outside the header) and where it sits against the header's bottom edge, or null
FOCUSED_UNDER_HEADER = """() => {
    const e = document.activeElement, bar = document.querySelector('.app-header');
    if (!e || e === document.body || bar.contains(e) || e.classList.contains('skip-link')) return null;
    const r = e.getBoundingClientRect(), edge = bar.getBoundingClientRect().bottom;
    if (!r.width && !r.height) return null;
    return [e.id || e.tagName, Math.round(r.top), Math.round(edge), r.top >= edge - 1 && r.top < innerHeight];
}"""


def test_a_control_the_keyboard_reaches_on_a_short_screen_is_not_under_the_sticky_header(dash_page: Page) -> None:
    """On a laptop's short window, Shift+Tab back up a page scrolled to its end brings each control into view
    below the sticky header (whole or folded), not under it; so does Tab down from the top. Motion is reduced so
    the browser scrolls at once (Bootstrap scrolls smoothly otherwise)."""
    dash_page.set_viewport_size({"width": 1280, "height": 560})
    dash_page.emulate_media(reduced_motion="reduce")
    dash_page.goto(f"{dash_page.app_url}/?period=all")  # type: ignore[attr-defined]
    wait_until_drawn(dash_page)
    dash_page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    covered, seen = [], 0
    for key in ["Shift+Tab"] * 45 + ["Tab"] * 45:
        dash_page.keyboard.press(key)
        found = dash_page.evaluate(FOCUSED_UNDER_HEADER)
        if found:
            seen += 1
            if not found[3]:
                covered.append((key, *found[:3]))
    assert seen >= 20  # the page's controls, both ways (the header's own are not counted)
    assert not covered, f"focused controls under the header (key, control, top, header's bottom): {covered}"

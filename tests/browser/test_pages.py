"""The dashboard in a real browser: every page draws, filters live in the URL, clicks drill down, tables
download. Marked `browser`; run alone with `pytest -m browser`."""

from __future__ import annotations

import io
import re
import time
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from data_pipeline.store import open_read_only
from tools.screenshots import wait_until_drawn

pytestmark = pytest.mark.browser

PAGES = {"/": "Overview", "/membership": "Membership", "/training": "Training & reach",
         "/grants": "Grants & outcomes", "/regions": "Regions", "/data": "Data quality"}


def open_page(page: Page, path: str) -> float:
    started = time.perf_counter()
    page.goto(page.app_url + path)  # type: ignore[attr-defined]
    wait_until_drawn(page)
    return time.perf_counter() - started


def query(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query)


def kpi(page: Page, label: str) -> str:
    card = page.locator(".kpi-card", has=page.locator(".kpi-label", has_text=re.compile(f"^{label}$")))
    return card.locator(".kpi-value").inner_text()


def choose(page: Page, dropdown: str, option: str) -> None:
    page.click(f"#{dropdown}")
    page.locator("[role=option]", has_text=re.compile(f"^{re.escape(option)}$")).first.click()
    page.keyboard.press("Escape")


def db_value(db: Path, sql: str):
    with open_read_only(db) as con:
        return con.execute(sql).fetchone()[0]


def test_every_page_draws_without_errors_or_outside_requests(dash_page: Page, sample_db: Path) -> None:
    busiest = db_value(sample_db, "select city_id from city_engagement order by attendances desc limit 1")
    name = db_value(sample_db, f"select city_name from city_engagement where city_id = '{busiest}'")
    timings = {}
    for path, title in [*PAGES.items(), (f"/city/{busiest}", name)]:
        timings[path] = open_page(dash_page, path)
        expect(dash_page.locator("h1.page-title")).to_have_text(title)
        graphs = dash_page.locator(".js-plotly-plot")
        for i in range(graphs.count()):
            assert graphs.nth(i).locator(".main-svg").count() > 0
    print("page load seconds:", {k: round(v, 2) for k, v in timings.items()})


def test_unknown_city_and_unknown_page_say_so(dash_page: Page) -> None:
    open_page(dash_page, "/city/SCN-9999")
    expect(dash_page.locator("h1.page-title")).to_have_text("City not found")
    expect(dash_page.get_by_text("There is no city with the id “SCN-9999”")).to_be_visible()
    open_page(dash_page, "/no-such-page")
    expect(dash_page.locator("h1.page-title")).to_have_text("Page not found")


def test_a_filter_changes_the_page_and_a_reload_restores_it(dash_page: Page) -> None:
    open_page(dash_page, "/")
    before = kpi(dash_page, "Events")
    choose(dash_page, "filter-region", "MENA")
    expect(dash_page.locator(".chip", has_text="Region: MENA")).to_be_visible()
    wait_until_drawn(dash_page)
    assert query(dash_page) == {"region": ["mena"]}
    after = kpi(dash_page, "Events")
    assert after != before
    choose(dash_page, "filter-period", "All time")
    wait_until_drawn(dash_page)
    assert query(dash_page) == {"period": ["all"], "region": ["mena"]}
    all_time = kpi(dash_page, "Events")
    url = dash_page.url
    dash_page.reload()
    wait_until_drawn(dash_page)
    assert dash_page.url == url
    expect(dash_page.locator(".chip", has_text="Region: MENA")).to_be_visible()
    expect(dash_page.locator("#filter-period")).to_contain_text("All time")
    expect(dash_page.locator("#filter-region")).to_contain_text("MENA")
    assert kpi(dash_page, "Events") == all_time


def test_quarter_and_custom_periods_are_picked_in_the_bar(dash_page: Page, sample_db: Path) -> None:
    as_of = db_value(sample_db, "select as_of from meta_build")
    latest = f"{as_of.year}-Q{(as_of.month - 1) // 3 + 1}"
    open_page(dash_page, "/training")
    expect(dash_page.locator("#filter-quarter-wrap")).to_be_hidden()
    choose(dash_page, "filter-period", "A quarter…")
    expect(dash_page.locator("#filter-quarter-wrap")).to_be_visible()
    wait_until_drawn(dash_page)
    assert query(dash_page) == {"period": [latest]}
    choose(dash_page, "filter-period", "Custom range…")
    expect(dash_page.locator("#filter-range-wrap")).to_be_visible()
    wait_until_drawn(dash_page)
    quarter_start = f"{as_of.year}-{3 * ((as_of.month - 1) // 3) + 1:02d}-01"
    assert query(dash_page) == {"period": ["custom"], "from": [quarter_start], "to": [as_of.isoformat()]}
    expect(dash_page.locator(".window-text")).to_contain_text("Custom range")


def test_navigation_keeps_the_filters_and_a_chip_clears_one(dash_page: Page) -> None:
    open_page(dash_page, "/?period=last-year&region=europe")
    dash_page.get_by_role("link", name="Membership", exact=True).click()
    dash_page.wait_for_url(re.compile(r"/membership\?period=last-year&region=europe$"))
    wait_until_drawn(dash_page)
    chip = dash_page.locator(".chip", has_text="Region: Europe")
    expect(chip).to_be_visible()
    chip.get_by_role("button").click()
    expect(chip).to_have_count(0)
    dash_page.wait_for_url(re.compile(r"/membership\?period=last-year$"))


def _callback_outputs(page: Page) -> list[str]:
    """The outputs of every callback request the page sends from now on (a list that fills as it goes)."""
    sent: list[str] = []
    page.on("request", lambda r: sent.append(r.post_data_json["output"])
            if "/_dash-update-component" in r.url else None)
    return sent


def test_a_page_comes_with_its_frame_and_asks_for_its_data_at_once(dash_page: Page) -> None:
    sent = _callback_outputs(dash_page)
    open_page(dash_page, "/membership?region=europe")
    assert not [o for o in sent if "_pages_content" in o], "the page router was called"
    assert [o for o in sent if "membership-growth-graph" in o], sent
    expect(dash_page.locator("h1.page-title")).to_have_text("Membership")
    expect(dash_page.locator(".chip", has_text="Region: Europe")).to_be_visible()
    assert dash_page.evaluate("document.querySelector('#membership-growth-graph .js-plotly-plot').data.length") > 0
    assert dash_page.title().startswith("Membership")
    dash_page.get_by_role("link", name="Training & reach", exact=True).click()  # later pages: the router
    dash_page.wait_for_url(re.compile(r"/training\?region=europe$"))
    wait_until_drawn(dash_page)
    expect(dash_page.locator("h1.page-title")).to_have_text("Training & reach")
    assert [o for o in sent if "_pages_content" in o]


def test_grants_draw_the_first_indicator_with_the_page_and_a_pick_redraws_it(dash_page: Page) -> None:
    sent = _callback_outputs(dash_page)
    open_page(dash_page, "/grants?period=all")
    asked = [o for o in sent if "grants-indicator-graph" in o]
    # one request for the indicators and the first one's chart: no second round trip once the picker is set
    assert len(asked) == 1 and "grants-status-graph" in asked[0], sent
    chart_title = "document.querySelector('#grants-indicator-graph .js-plotly-plot').layout.title.text"
    first = dash_page.evaluate(chart_title)
    assert re.search(r"\(IND-[^)]+\)$", first), first  # an indicator, not the empty "choose one" state

    dash_page.click("#grants-indicator-pick")
    option = dash_page.locator("[role=option]").nth(1)
    wanted = option.inner_text().split(" · ")[0]
    option.click()
    dash_page.keyboard.press("Escape")
    expect(dash_page.locator("#grants-indicator-graph .gtitle")).to_contain_text(f"({wanted})")
    wait_until_drawn(dash_page)
    assert f"({wanted})" not in first
    picked = [o for o in sent if "grants-indicator-graph" in o][1:]
    assert len(picked) == 1, sent


def test_a_chart_is_laid_out_again_only_when_its_box_changes_size(dash_page: Page) -> None:
    """assets/plotly_resize.js: dcc.Graph asks plotly.js to resize every chart after its first draw and when its
    ResizeObserver first reports; with the size unchanged that must not lay the chart out again."""
    open_page(dash_page, "/membership")
    resize = """async (width) => {
        const gd = document.querySelector('#membership-growth-graph .js-plotly-plot');
        if (width) { gd.parentElement.style.width = width; }
        const before = gd._fullLayout, was = before.width;
        await Plotly.Plots.resize(gd);
        await new Promise(r => setTimeout(r, 200));
        return {again: gd._fullLayout !== before, width: gd._fullLayout.width, was};
    }"""
    same = dash_page.evaluate(resize, None)
    assert not same["again"], same  # plotly.js replaces _fullLayout whenever it lays the chart out
    narrower = dash_page.evaluate(resize, "300px")
    assert narrower["again"] and narrower["width"] == 300 and narrower["was"] > 300, narrower


def test_a_frame_rendered_for_another_address_follows_the_browser(dash_page: Page) -> None:
    """A browser (or an extension) that cuts the Referer to the site's root: the frame comes with the overview,
    and the page the address names replaces it."""
    root = dash_page.app_url + "/"  # type: ignore[attr-defined]
    dash_page.route("**/_dash-layout", lambda route: route.continue_(headers={**route.request.headers,
                                                                             "referer": root}))
    open_page(dash_page, "/membership?period=last-year")
    expect(dash_page.locator("h1.page-title")).to_have_text("Membership")
    assert dash_page.evaluate("document.querySelector('#membership-growth-graph .js-plotly-plot').data.length") > 0
    assert urlparse(dash_page.url).path == "/membership" and query(dash_page) == {"period": ["last-year"]}
    expect(dash_page.locator(".window-text")).to_contain_text("Last year")


def click_mark(page: Page, selector: str, index: int = 0) -> None:
    """Click the middle of a plotly mark the way a person does (plotly listens on the plot, not the mark)."""
    mark = page.locator(selector).nth(index)
    mark.scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    box = mark.bounding_box()
    assert box, selector
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def test_clicking_a_region_bar_filters_the_page(dash_page: Page) -> None:
    open_page(dash_page, "/")
    click_mark(dash_page, "#overview-regions-graph .bars .point path", 0)  # bottom bar: the last region
    expect(dash_page.locator(".chip", has_text="Region: Latin America & Caribbean")).to_be_visible()
    assert query(dash_page) == {"region": ["latin-america-caribbean"]}


def click_country(page: Page, graph: str) -> None:
    """Click inside a shaded country as far as possible from every city point (plotly hit-tests the map)."""
    page.locator(f"#{graph}").scroll_into_view_if_needed()
    page.wait_for_timeout(500)  # let the page settle after scrolling (graphs above may still resize)
    spot = page.evaluate("""graph => {
        const root = document.getElementById(graph);
        const cities = Array.from(root.querySelectorAll('.scattergeo .point')).map(p => {
            const r = p.getBoundingClientRect();
            return [r.left + r.width / 2, r.top + r.height / 2];
        });
        let best = null, bestDistance = 60;  // plotly gives a click near a city point to the city
        for (const path of root.querySelectorAll('.choroplethlocation')) {
            const r = path.getBoundingClientRect();
            const toLocal = path.getScreenCTM().inverse();
            for (let fx = 0.05; fx < 1; fx += 0.05) for (let fy = 0.05; fy < 1; fy += 0.05) {
                const x = r.left + r.width * fx, y = r.top + r.height * fy;
                const distance = Math.min(...cities.map(([cx, cy]) => Math.hypot(cx - x, cy - y)));
                const onTop = root.contains(document.elementFromPoint(x, y));  // not under the sticky header
                const inside = path.isPointInFill(new DOMPoint(x, y).matrixTransform(toLocal));
                if (distance > bestDistance && onTop && inside) {
                    best = [x, y];
                    bestDistance = distance;
                }
            }
        }
        return best;
    }""", graph)
    assert spot, "no country to click away from the city points"
    page.mouse.move(*spot)
    page.wait_for_timeout(100)
    page.mouse.click(*spot)


def test_clicking_a_country_on_the_map_filters_and_a_city_opens_its_profile(dash_page: Page) -> None:
    open_page(dash_page, "/membership?period=all")
    assert dash_page.locator("#membership-map-graph .choroplethlocation").count() > 10
    click_country(dash_page, "membership-map-graph")
    expect(dash_page.locator(".chip", has_text="Country:")).to_be_visible()
    assert "country" in query(dash_page)
    wait_until_drawn(dash_page)
    click_mark(dash_page, "#membership-map-graph .scattergeo .point", 0)
    dash_page.wait_for_url(re.compile(r"/city/[^?]+\?period=all&country=[A-Z]{3}$"))
    wait_until_drawn(dash_page)
    expect(dash_page.locator(".chip", has_text="Country:")).to_be_visible()


def test_tables_download_as_csv_and_excel(dash_page: Page, sample_db: Path) -> None:
    open_page(dash_page, "/membership")
    dormant = db_value(sample_db, "select count(*) from city_engagement where dormant")
    block = dash_page.locator(".grid-block", has_text="Dormant members")
    with dash_page.expect_download() as csv_download:
        block.get_by_role("button", name=re.compile("as CSV")).click()
    lines = Path(csv_download.value.path()).read_text(encoding="utf-8-sig").strip().splitlines()
    assert lines[0].startswith('"City","Country","Region"')
    assert len(lines) == dormant + 1
    with dash_page.expect_download() as xlsx_download:
        block.get_by_role("button", name=re.compile("as Excel")).click()
    assert xlsx_download.value.suggested_filename == "scn-membership-dormant.xlsx"
    book = load_workbook(io.BytesIO(Path(xlsx_download.value.path()).read_bytes()))
    rows = list(book["data"].values)
    assert rows[0][:3] == ("City", "Country", "Region") and len(rows) == dormant + 1
    assert "Data as of" in [r[0] for r in book["about"].values]


def test_a_chart_offers_its_data_as_csv(dash_page: Page) -> None:
    open_page(dash_page, "/")
    with dash_page.expect_download() as download:
        dash_page.get_by_role("button", name="Download the data of Activity by region as CSV").click()
    lines = Path(download.value.path()).read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "region,members,new_members,events,participants,participant_hours,awarded_usd"
    assert len(lines) == 1 + 9 + 1  # nine regions and "No region"


def test_city_links_in_tables_open_the_profile_keeping_filters(dash_page: Page) -> None:
    open_page(dash_page, "/regions?region=mena")
    link = dash_page.locator(".city-link").first
    name = link.inner_text()
    link.click()
    dash_page.wait_for_url(re.compile(r"/city/.+\?region=mena$"))
    wait_until_drawn(dash_page)
    expect(dash_page.locator("h1.page-title")).to_have_text(name)


def test_phone_layout_and_print_header(dash_page: Page) -> None:
    dash_page.set_viewport_size({"width": 390, "height": 844})
    open_page(dash_page, "/?region=mena&period=2026-Q2")
    width = dash_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400, f"the page scrolls sideways on a phone ({width}px)"
    dash_page.emulate_media(media="print")
    expect(dash_page.locator(".print-header")).to_be_visible()
    expect(dash_page.locator(".print-header")).to_contain_text("2026 Q2 (1 Apr 2026 – 30 Jun 2026); Regions: MENA")
    expect(dash_page.locator(".print-header")).to_contain_text("Data as of")
    expect(dash_page.locator(".filter-panel")).to_be_hidden()

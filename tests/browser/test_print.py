"""Every page printed on A4 portrait (assets/print.css, assets/print.js): nothing past the paper's right edge,
grids printed whole as tables, no controls, the filters and the data's date at the top; and a real PDF of it.

Print media is shown at A4's width (794 CSS px, 210 mm at 96 px an inch), the paper's printable width being 190 mm
(718 px) once the 10 mm margins are taken. Marked `browser`."""

from __future__ import annotations

import io
import unicodedata
from pathlib import Path

import pytest
from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from pypdf import PdfReader

from tools.screenshots import A4_WIDTH, PAGES, busiest_city, wait_until_drawn

pytestmark = pytest.mark.browser

PRINTABLE = 718  # px: 190 mm
A4_POINTS = 595.28  # the PDF page's width in points (210 mm)
TITLES = {"overview": "Overview", "membership": "Membership", "training": "Training & reach",
          "grants": "Grants & outcomes", "regions": "Regions", "data": "Data quality", "impact": "Impact summary"}


def paths(db: Path) -> dict[str, str]:
    return dict(PAGES, city=f"/city/{busiest_city(db)}")


def printed(page: Page, path: str, *, width: int = A4_WIDTH) -> None:
    """Open `path` as the reader would, then show it as printed on A4: print media at A4's width, and wait for
    the page to say it is ready for paper (assets/print.js); on a page that never says so, the checks that follow
    say what is wrong."""
    page.set_viewport_size({"width": width, "height": 1123})
    page.goto(page.app_url + path)  # type: ignore[attr-defined]
    wait_until_drawn(page)
    page.emulate_media(media="print")
    try:
        page.wait_for_function("() => document.documentElement.getAttribute('data-print-ready') === '1'",
                               timeout=10_000)
    except PlaywrightTimeout:
        pass
    wait_until_drawn(page)


# Every drawn piece of a chart or table that reaches past the printable width: [what, its right edge].
_PAST_THE_EDGE = """(limit) => {
    const left = document.querySelector('.scn-app').getBoundingClientRect().left;
    const edge = Math.min(left + limit, window.innerWidth) + 1;
    const pieces = document.querySelectorAll(
        '.js-plotly-plot .main-svg, .js-plotly-plot .colorbar, .js-plotly-plot .xtick text, '
        + '.js-plotly-plot .ytick text, .js-plotly-plot .gtitle, .js-plotly-plot .legend, .card, .grid-block, '
        + '.grid-block table, .grid-block th, .grid-block td, .ag-root-wrapper');
    const past = [];
    for (const el of pieces) {
        const box = el.getBoundingClientRect();
        if (box.width && box.height && box.right > edge) {
            const name = el.closest('[id]') ? el.closest('[id]').id : el.className;
            past.push([`${name} ${el.tagName} ${el.textContent.slice(0, 30)}`, Math.round(box.right)]);
        }
    }
    return past.slice(0, 12);
}"""

# Controls visible on paper: buttons, dropdowns, inputs, switches, the grids' filter and menu icons.
_CONTROLS = """() => Array.from(document.querySelectorAll(
        'button, .btn, select, input:not([type=hidden]), .dash-dropdown, .Select, [role=radiogroup], '
        + '.ag-header-icon, .ag-floating-filter, .ag-paging-panel, .filter-panel, .modebar-container'))
    .filter(el => el.getClientRects().length && getComputedStyle(el).visibility !== 'hidden'
                  && el.getBoundingClientRect().width > 0)
    .map(el => `${el.tagName}#${el.id}.${String(el.className).slice(0, 40)} ${el.textContent.slice(0, 20)}`)"""


@pytest.mark.parametrize("name", ["overview", "membership", "training", "grants", "regions", "data", "impact",
                                  "city"])
def test_a_printed_page_fits_a4_with_its_filters_and_no_controls(dash_page: Page, sample_db: Path,
                                                                  name: str) -> None:
    printed(dash_page, paths(sample_db)[name])
    past = dash_page.evaluate(_PAST_THE_EDGE, PRINTABLE)
    assert not past, f"{name}: drawn past the paper's right edge: {past}"
    controls = dash_page.evaluate(_CONTROLS)
    assert not controls, f"{name}: controls on paper: {controls}"
    header = dash_page.locator(".print-header")
    assert header.is_visible()
    text = header.inner_text()
    assert "Filters: Last 12 months" in text and "Data as of" in text and "database built" in text, text


def test_the_printed_heatmap_shows_its_last_quarter_and_colour_bar(dash_page: Page) -> None:
    printed(dash_page, "/regions")
    boxes = dash_page.evaluate("""() => {
        const gd = document.querySelector('#regions-heatmap-graph .js-plotly-plot');
        const box = el => { const b = el.getBoundingClientRect(); return [b.left, b.right]; };
        const ticks = Array.from(gd.querySelectorAll('.xtick text'));
        return {chart: box(gd), last: box(ticks[ticks.length - 1]), lastText: ticks[ticks.length - 1].textContent,
                quarters: gd.data[0].x, colourbar: box(gd.querySelector('.colorbar'))};
    }""")
    left, right = boxes["chart"]
    assert right - left <= PRINTABLE + 1, boxes
    assert boxes["lastText"] == boxes["quarters"][-1], boxes
    assert left <= boxes["last"][0] and boxes["last"][1] <= right, boxes
    assert left <= boxes["colourbar"][0] and boxes["colourbar"][1] <= right, boxes


def test_the_printed_off_track_table_shows_target_actual_and_progress(dash_page: Page) -> None:
    printed(dash_page, "/grants")
    table = dash_page.locator(".grid-block", has=dash_page.locator("h2", has_text="Off-track")).locator(
        "table.print-table")
    assert table.count() == 1, "the off-track grid is not printed as a table"
    headers = table.locator("thead th").all_inner_texts()
    for wanted in ("Target (to date)", "Actual (to date)", "Progress"):
        assert wanted in headers, headers
        box = table.locator("thead th", has_text=wanted).bounding_box()
        assert box and box["x"] + box["width"] <= PRINTABLE + 20, (wanted, box)
    first_row = table.locator("tbody tr").first.locator("td").all_inner_texts()
    progress = first_row[headers.index("Progress")]
    assert progress.endswith("%") or progress in ("met", "not met"), first_row  # the label, not the raw number


def test_a_long_grid_prints_every_row_or_says_how_many_more(dash_page: Page) -> None:
    printed(dash_page, "/grants")
    rows_on_screen = dash_page.evaluate("""() => {
        const el = document.querySelector('.grid-block .scn-grid[id*="grants-grants"]');
        return dash_ag_grid.getApi(el.id).getDisplayedRowCount();
    }""")
    assert rows_on_screen > 15, "the sample's grants grid should be longer than a screen page of 15 rows"
    block = dash_page.locator(".grid-block", has=dash_page.locator("h2", has_text="Grants in the period"))
    printed_rows = block.locator("table.print-table tbody tr").count()
    more = block.locator(".print-more")
    shown_more = int(more.get_attribute("data-more")) if more.count() else 0
    assert printed_rows > 15, printed_rows
    assert printed_rows + shown_more == rows_on_screen, (printed_rows, shown_more, rows_on_screen)
    if shown_more:
        assert more.inner_text() == f"Rows not printed: {shown_more:,}. See the Excel export."


def test_leaving_print_draws_the_charts_for_the_screen_again(dash_page: Page) -> None:
    dash_page.goto(dash_page.app_url + "/")  # type: ignore[attr-defined]
    wait_until_drawn(dash_page)
    wide = dash_page.evaluate("() => document.querySelector('#overview-trend-graph .js-plotly-plot')._fullLayout.width")
    dash_page.emulate_media(media="print")
    dash_page.wait_for_function("() => document.documentElement.getAttribute('data-print-ready') === '1'")
    wait_until_drawn(dash_page)
    on_paper = dash_page.evaluate(
        "() => document.querySelector('#overview-trend-graph .js-plotly-plot')._fullLayout.width")
    dash_page.emulate_media(media="screen")
    dash_page.wait_for_function("""(wide) => !document.querySelector('.print-grid')
        && document.querySelector('#overview-trend-graph .js-plotly-plot')._fullLayout.width === wide""", arg=wide)
    assert on_paper <= PRINTABLE < wide, (on_paper, wide)


def test_every_page_has_a_print_button(dash_page: Page) -> None:
    """The button makes the page ready for paper, then opens the browser's print dialog (here: recorded)."""
    dash_page.goto(dash_page.app_url + "/membership")  # type: ignore[attr-defined]
    wait_until_drawn(dash_page)
    dash_page.evaluate("() => { window.print = () => { window.__printed = "
                       "document.documentElement.getAttribute('data-print-ready'); }; }")
    dash_page.get_by_role("button", name="Print / PDF").click()
    dash_page.wait_for_function("() => window.__printed !== undefined")
    assert dash_page.evaluate("() => window.__printed") == "1"


@pytest.mark.parametrize("name", ["overview", "grants", "regions"])
def test_the_pdf_of_a_page_is_a4_with_its_title_and_filters_and_nothing_past_the_edge(
        dash_page: Page, sample_db: Path, name: str) -> None:
    """Chromium's own PDF of the page, printed from a laptop's window (the charts were drawn for it): the
    browser's beforeprint is all print.js has to make the page fit."""
    dash_page.goto(dash_page.app_url + paths(sample_db)[name])  # type: ignore[attr-defined]
    wait_until_drawn(dash_page)
    # what must be on paper besides the title: the charts' right-hand parts, the grids' right-hand columns
    wanted = {"overview": ["Unique participants per", "USD awarded per"],
              "grants": ["Target (to date)", "Actual (to date)", "Progress"]}.get(name) or dash_page.evaluate(
        "() => [document.querySelector('#regions-heatmap-graph .js-plotly-plot').data[0].x.at(-1)]")
    reader = PdfReader(io.BytesIO(dash_page.pdf(format="A4")))
    first = reader.pages[0]
    assert abs(float(first.mediabox.width) - A4_POINTS) < 1 and float(first.mediabox.height) > 800
    # a header may wrap in its cell; the PDF writes "ff" as a ligature
    text = " ".join(unicodedata.normalize("NFKC", " ".join(p.extract_text() for p in reader.pages)).split())
    assert TITLES[name] in text and "Filters: Last 12 months" in text and "Data as of" in text, text[:400]
    past: list[tuple[str, float]] = []

    def visit(chars, cm, tm, _font, _size):
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]  # where the text starts on the page, in points
        if chars.strip() and x > float(first.mediabox.width):
            past.append((chars, x))

    for pdf_page in reader.pages:
        pdf_page.extract_text(visitor_text=visit)
    assert not past, f"text past the paper's right edge: {past[:10]}"
    missing = [w for w in wanted if w not in text]
    assert not missing, f"not on paper: {missing}"

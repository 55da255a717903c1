"""Every page in French and in Arabic, in a real browser, for staff, a hub lead and a donor: the document declares
its language and direction, nothing is left in English, the right-to-left layout stays on the screen, and the
language switch works and survives a filter change."""

from __future__ import annotations

import re
from functools import cache

import pytest
from babel.messages.pofile import read_po
from playwright.sync_api import Page, expect

from dashboards import i18n
from tools.screenshots import sign_in, wait_until_drawn

pytestmark = pytest.mark.browser

ROLES = {"admin@demo.scn": ("/", "/membership", "/training", "/grants", "/regions", "/data", "/impact"),
         "hub@demo.scn": ("/", "/membership", "/training", "/grants", "/regions", "/impact"),
         "donor@demo.scn": ("/impact",)}
DIRECTION = {"fr": "ltr", "ar": "rtl"}
# Grids' cells show the data's own names (cities, donors, grant and indicator titles, as the sources write them).
# Notes on the numbers are people's own words, in whatever language they wrote them.
OTHERS = ".ag-cell, .chart-note-text"
# The visible text of the page: every text node shown (SVG text of the charts included), outside OTHERS.
VISIBLE_TEXT = """(others) => {
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const found = [];
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const parent = node.parentElement;
        if (!node.textContent.trim() || !parent || parent.closest(others) || parent.closest('script, style')) {
            continue;
        }
        if (parent.checkVisibility && !parent.checkVisibility({visibilityProperty: true})) continue;
        found.push(node.textContent.trim());
    }
    return found;
}"""


@cache
def english_messages(lang: str) -> tuple[re.Pattern, ...]:
    """The English messages of every catalog longer than 3 characters whose `lang` translation differs, as
    whole-word patterns (a {placeholder} matches anything)."""
    found = []
    for po in sorted((i18n.LOCALE_DIR / lang / "LC_MESSAGES").glob("*.po")):
        with po.open("rb") as f:
            catalog = read_po(f, locale=lang)
        for message in catalog:
            if not isinstance(message.id, str) or len(message.id) <= 3 or message.string == message.id:
                continue
            words = re.split(r"\{\w*\}", message.id)
            if not re.search(r"[A-Za-z]{3}", "".join(words)):  # "{period}: {dates}" says nothing in English
                continue
            # not inside a longer word, nor a file name ("grants.csv" is no "{n} grants")
            found.append(re.compile(r"(?<!\w)" + r".+?".join(re.escape(w) for w in words) + r"(?!\w|\.\w)"))
    return tuple(found)


@pytest.fixture(scope="module")
def names(sample_db) -> tuple[str, ...]:
    """Names the data gives (countries, donors, cities, grants, indicators), longest first: shown as written."""
    import duckdb

    with duckdb.connect(str(sample_db), read_only=True) as con:
        rows = con.execute("select name from ref_countries union select donor_name from stg_donors "
                           "union select city_name from stg_cities union select title from stg_grants "
                           "union select title from stg_indicators").fetchall()
    return tuple(sorted((r[0] for r in rows if r[0]), key=len, reverse=True))


def english_left(texts: list[str], lang: str, names: tuple[str, ...] = ()) -> list[str]:
    """The texts holding an English message (the data's proper names taken out first)."""
    patterns = english_messages(lang)
    left = set()
    for text in texts:
        head = text.split("…")[0]
        if "…" in text and any(name.startswith(head) for name in names):
            continue  # a name cut short to fit a chart's axis: "MENA hub capacity bu… (G-2024-021)"
        for cut in re.findall(r"\(([^()…]{3,80})…", text):  # one cut short inside a sentence: "(Local preven… (G-…"
            if any(name.startswith(cut) for name in names):
                text = text.replace(cut + "…", " ")
        for name in names:
            if name in text:
                text = text.replace(name, " ")
        left |= {f"{p.pattern!r} in {text!r}" for p in patterns if p.search(text)}
    return sorted(left)


def check_page(page: Page, lang: str, names: tuple[str, ...] = ()) -> None:
    """The page shown speaks `lang`: its document, its words, and its layout fits the screen."""
    html = page.locator("html")
    expect(html).to_have_attribute("lang", lang)
    expect(html).to_have_attribute("dir", DIRECTION[lang])
    left = english_left(page.evaluate(VISIBLE_TEXT, OTHERS), lang, names)
    assert not left, f"English on {page.url}:\n" + "\n".join(left)
    width = page.evaluate("window.innerWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width, f"wider than the screen: {page.url}"
    for part in (".scn-navbar", ".filter-bar"):
        box = page.locator(part).bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= width + 1, (part, box, page.url)
    if lang == "ar":  # Bootstrap's right-to-left sheet, not the left-to-right one
        sheets = page.evaluate("Array.from(document.styleSheets).map(s => s.href || '')")
        assert any("bootstrap.rtl.min.css" in s for s in sheets) and not any("bootstrap.min.css" in s for s in sheets)
        brand, nav = (page.locator(s).bounding_box() for s in (".navbar-brand", ".scn-navbar .navbar-nav"))
        assert brand["x"] > nav["x"], "the brand should stand at the right of the bar in Arabic"


@pytest.mark.parametrize("email", list(ROLES))
def test_every_page_speaks_french_and_arabic(fresh_page: Page, email: str, names) -> None:
    base = fresh_page.app_url  # type: ignore[attr-defined]
    sign_in(fresh_page, base, email)
    for path in ROLES[email]:
        for lang in DIRECTION:
            fresh_page.goto(f"{base}{path}?lang={lang}")
            wait_until_drawn(fresh_page, 60_000)
            check_page(fresh_page, lang, names)


def test_the_switch_changes_the_language_and_a_filter_change_keeps_it(dash_page: Page, names) -> None:
    base = dash_page.app_url  # type: ignore[attr-defined]
    dash_page.goto(f"{base}/training?region=mena")
    wait_until_drawn(dash_page, 60_000)
    expect(dash_page.locator("html")).to_have_attribute("lang", "en")
    dash_page.locator(".lang-switch a[hreflang=fr]").click()
    dash_page.wait_for_url(re.compile(r"lang=fr"))
    wait_until_drawn(dash_page, 60_000)
    expect(dash_page.locator("html")).to_have_attribute("lang", "fr")
    assert "region=mena" in dash_page.url
    expect(dash_page.locator(".scn-navbar")).to_contain_text("Formation et portée")
    # a filter change rewrites the URL's query: the language stays in it, and the switch follows the filters
    dash_page.locator(".filter-reset").click()
    dash_page.wait_for_function("() => !location.search.includes('region=')")
    assert "lang=fr" in dash_page.url
    expect(dash_page.locator(".lang-switch a[hreflang=ar]")).to_have_attribute("href", "/training?lang=ar")
    dash_page.locator(".lang-switch a[hreflang=ar]").click()
    dash_page.wait_for_url(re.compile(r"lang=ar"))
    wait_until_drawn(dash_page, 60_000)
    expect(dash_page.locator("html")).to_have_attribute("dir", "rtl")
    check_page(dash_page, "ar", names)


def test_the_sign_in_page_is_in_the_language_of_the_page_asked_for(fresh_page: Page, names) -> None:
    base = fresh_page.app_url  # type: ignore[attr-defined]
    fresh_page.goto(f"{base}/grants?lang=ar")
    expect(fresh_page.locator("html")).to_have_attribute("dir", "rtl")
    expect(fresh_page.locator("#sign-in")).to_have_text("تسجيل الدخول")
    from dashboards.security.users import DEMO_PASSWORD

    fresh_page.fill("#email", "admin@demo.scn")
    fresh_page.fill("#password", DEMO_PASSWORD)
    fresh_page.click("#sign-in")
    fresh_page.wait_for_url(re.compile(r"/grants\?lang=ar"))
    wait_until_drawn(fresh_page, 60_000)
    check_page(fresh_page, "ar", names)

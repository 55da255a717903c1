"""A link to a filtered view, opened by someone not signed in, survives the sign-in: the page opens with the
link's filters, and a hub lead whose region the link does not name is told what was left out (#17)."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, expect

from tools.screenshots import sign_in, wait_until_drawn

pytestmark = pytest.mark.browser

LINK = "/training?period=this-year&region=mena&event=training"


def _sign_in_here(page: Page, email: str) -> None:
    """Sign in on the sign-in page the browser was sent to (keeping its `next`)."""
    from dashboards.security.users import DEMO_PASSWORD

    page.fill("#email", email)
    page.fill("#password", DEMO_PASSWORD)
    page.click("#sign-in")
    page.wait_for_load_state("load")


def test_a_shared_link_keeps_its_filters_through_sign_in(fresh_page: Page) -> None:
    base = fresh_page.app_url  # type: ignore[attr-defined]
    fresh_page.goto(base + LINK)
    expect(fresh_page).to_have_url(re.compile(r"/login\?next="))
    assert parse_qs(urlsplit(fresh_page.url).query)["next"] == [LINK]
    _sign_in_here(fresh_page, "admin@demo.scn")
    wait_until_drawn(fresh_page)
    assert fresh_page.url == base + LINK
    expect(fresh_page.locator("#filter-period")).to_contain_text("This year")
    expect(fresh_page.locator("#filter-region")).to_contain_text("MENA")
    expect(fresh_page.locator("#filter-event-type")).to_contain_text("Training")
    expect(fresh_page.locator("#filter-chips")).to_contain_text("Region: MENA")
    expect(fresh_page.locator("#filter-chips")).to_contain_text("Event type: Training")
    assert fresh_page.url == base + LINK  # the page did not rewrite it once drawn


def test_a_hub_lead_opening_another_regions_link_is_told_what_was_left_out(fresh_page: Page) -> None:
    base = fresh_page.app_url  # type: ignore[attr-defined]
    link = "/training?period=this-year&region=europe&event=training"
    fresh_page.goto(base + link)
    _sign_in_here(fresh_page, "hub@demo.scn")
    wait_until_drawn(fresh_page)
    notice = fresh_page.locator("#region-notice")
    expect(notice).to_have_text("Not in your view: Europe. Showing MENA.")
    expect(fresh_page.locator("#filter-region")).to_contain_text("MENA")
    fresh_page.wait_for_timeout(1000)  # the notice stays: nothing answering later takes it away
    expect(notice).to_be_visible()
    assert fresh_page.url == base + link  # the link as shared, the page saying what it showed instead
    # signed in already, the same link says the same; choosing a filter of one's own ends it
    fresh_page.goto(base + "/?period=all&region=europe")
    wait_until_drawn(fresh_page)
    expect(fresh_page.locator("#region-notice")).to_have_text("Not in your view: Europe. Showing MENA.")
    fresh_page.locator("#filter-period").click()
    fresh_page.get_by_role("option", name="This year").click()
    expect(fresh_page).to_have_url(re.compile(r"period=this-year"))
    expect(fresh_page).to_have_url(re.compile(r"region=mena"))
    expect(fresh_page.locator("#region-notice")).to_have_count(0)


def test_a_hub_lead_opening_their_own_regions_link_sees_no_notice(fresh_page: Page) -> None:
    base = fresh_page.app_url  # type: ignore[attr-defined]
    sign_in(fresh_page, base, "hub@demo.scn")
    fresh_page.goto(base + LINK)
    wait_until_drawn(fresh_page)
    expect(fresh_page.locator("#filter-chips")).to_contain_text("Region: MENA")
    expect(fresh_page.locator("#region-notice")).to_have_count(0)
    assert fresh_page.url == base + LINK


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/x", "/\\evil.example",
                                    "/%252Fevil.example"])
def test_sign_in_in_the_browser_never_leaves_the_site(fresh_page: Page, target: str) -> None:
    base = fresh_page.app_url  # type: ignore[attr-defined]
    fresh_page.goto(f"{base}/login?next={target}")
    _sign_in_here(fresh_page, "admin@demo.scn")
    assert fresh_page.url.startswith(base + "/"), fresh_page.url
    assert urlsplit(fresh_page.url).path == "/"

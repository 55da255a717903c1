"""The committee pack in a real browser (issue #20): save a view and reopen it; add a note and see it beside the
chart and in the pack; make a pack and read it back."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from dashboards import ids
from tools.screenshots import wait_until_drawn

pytestmark = pytest.mark.browser


def open_menu(page: Page) -> None:
    page.click(f"#{ids.VIEWS_OPEN}")
    expect(page.locator(f"#{ids.VIEWS_PANEL}")).to_be_visible()


def save_view(page: Page, url: str, name: str) -> None:
    """Open `url`, wait for its charts, and save it under `name` from the Views menu."""
    page.goto(url)
    wait_until_drawn(page)
    open_menu(page)
    page.fill(f"#{ids.VIEWS_NAME}", name)
    page.click(f"#{ids.VIEWS_SAVE}")


def choose(page: Page, dropdown: str, option: str) -> None:
    page.click(f"#{dropdown}")
    page.locator("[role=option]", has_text=re.compile(f"^{re.escape(option)}$")).first.click()


def pdf_words(page: Page, click: str) -> str:
    with page.expect_download(timeout=120_000) as download:
        page.click(click)
    data = Path(download.value.path()).read_bytes()
    assert data.startswith(b"%PDF")
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


def test_a_saved_view_is_found_in_the_menu_and_reopens_its_page_and_filters(dash_page: Page) -> None:
    base = dash_page.app_url  # type: ignore[attr-defined]
    save_view(dash_page, f"{base}/training?period=all&region=MENA", "MENA, all time, trainings")
    expect(dash_page.locator(f"#{ids.VIEWS_MESSAGE}")).to_contain_text("Saved “MENA, all time, trainings”")
    expect(dash_page.locator(f"#{ids.VIEWS_LIST}")).to_contain_text("MENA, all time, trainings")

    dash_page.goto(f"{base}/grants")  # elsewhere, other filters
    wait_until_drawn(dash_page)
    open_menu(dash_page)
    dash_page.get_by_role("button", name="MENA, all time, trainings", exact=True).click()  # not its Remove
    dash_page.wait_for_url(re.compile(r"/training\?.*region=mena"))
    wait_until_drawn(dash_page)
    assert "period=all" in dash_page.url
    expect(dash_page.locator(f"#{ids.CHIPS}")).to_contain_text("MENA")
    expect(dash_page.locator("h1")).to_contain_text("Training")


def test_a_note_shows_beside_its_chart_and_prints_in_the_pack(dash_page: Page) -> None:
    base = dash_page.app_url  # type: ignore[attr-defined]
    dash_page.goto(f"{base}/training?period=all")
    wait_until_drawn(dash_page)
    open_menu(dash_page)
    choose(dash_page, ids.NOTE_CHART, "Training: events over time")
    dash_page.fill(f"#{ids.NOTE_PERIOD}", "2025")
    dash_page.fill(f"#{ids.NOTE_TEXT}", "Q3 dip: elections in two hub countries")
    dash_page.click(f"#{ids.NOTE_ADD}")
    expect(dash_page.locator(f"#{ids.NOTE_MESSAGE}")).to_contain_text("Note added to Training: events over time")
    dash_page.keyboard.press("Escape")
    card = dash_page.locator(".chart-card", has=dash_page.locator("#training-events-graph"))
    expect(card.locator(".chart-notes")).to_contain_text("Q3 dip: elections in two hub countries")
    expect(card.locator(".chart-notes")).to_contain_text("2025")
    # not beside another chart
    other = dash_page.locator(".chart-card", has=dash_page.locator("#training-people-graph"))
    expect(other.locator(".chart-notes")).not_to_contain_text("Q3 dip")

    dash_page.goto(f"{base}/pack?period=all")
    dash_page.get_by_label("Training: events over time").check()
    dash_page.fill("#pack-title", "Notes check")
    words = pdf_words(dash_page, "#pack-make")
    assert "Notes check" in words
    assert "Q3 dip: elections in two hub countries" in words


def test_a_pack_of_a_whole_page_is_made_and_read_back(dash_page: Page) -> None:
    base = dash_page.app_url  # type: ignore[attr-defined]
    dash_page.goto(f"{base}/pack?period=all")
    expect(dash_page.locator("h1")).to_contain_text("Make a pack")
    wait_until_drawn(dash_page)  # the chips are in
    expect(dash_page.locator("#region-notice")).to_have_count(0)  # no region named, none left out
    dash_page.fill("#pack-title", "Steering committee test pack")
    dash_page.locator("#pack-pages").get_by_label("Overview").check()
    words = pdf_words(dash_page, "#pack-make")
    expect(dash_page.locator("#pack-message")).to_contain_text("Steering committee test pack")
    assert "Steering committee test pack" in words
    assert "Contents" in words
    for title in ("member cities", "region"):  # the overview's charts, by their own titles
        assert title.lower() in words.lower(), title
    assert "All time" in words or "all time" in words


def test_a_donor_is_offered_only_impact_charts(fresh_page: Page) -> None:
    from tools.screenshots import sign_in

    base = fresh_page.app_url  # type: ignore[attr-defined]
    sign_in(fresh_page, base, "donor@demo.scn")
    fresh_page.goto(f"{base}/pack")
    expect(fresh_page.locator("#pack-charts")).to_contain_text("Impact")
    labels = fresh_page.locator("#pack-charts label").all_inner_texts()
    assert labels and all(label.startswith("Impact") for label in labels), labels


def test_a_view_shared_with_hub_leads_opens_narrowed_to_their_region_with_a_notice(fresh_page: Page) -> None:
    from tools.screenshots import sign_in

    base = fresh_page.app_url  # type: ignore[attr-defined]
    sign_in(fresh_page, base, "manager@demo.scn")
    save_view(fresh_page, f"{base}/training?period=all&region=Europe", "Europe trainings")
    expect(fresh_page.locator(f"#{ids.VIEWS_MESSAGE}")).to_contain_text("Saved")
    choose(fresh_page, ids.VIEWS_SHARE_VIEW, "Europe trainings")
    choose(fresh_page, ids.VIEWS_SHARE_ROLE, "Regional hub lead")
    fresh_page.click(f"#{ids.VIEWS_SHARE}")
    expect(fresh_page.locator(f"#{ids.VIEWS_MESSAGE}")).to_contain_text("is shared with Regional hub lead")

    fresh_page.context.clear_cookies()
    sign_in(fresh_page, base, "hub@demo.scn")  # the demo hub lead covers MENA
    wait_until_drawn(fresh_page)
    open_menu(fresh_page)
    expect(fresh_page.locator(f"#{ids.VIEWS_LIST}")).to_contain_text("shared by manager@demo.scn")
    fresh_page.get_by_role("button", name="Europe trainings", exact=True).click()
    fresh_page.wait_for_url(re.compile(r"/training\?.*region=europe"))
    wait_until_drawn(fresh_page)
    expect(fresh_page.locator(f"#{ids.VIEWS_NOTICE}")).to_contain_text("Not in your view: Europe. Showing MENA.")
    expect(fresh_page.locator(f"#{ids.CHIPS}")).to_contain_text("MENA")  # the numbers are the hub lead's own


def test_a_view_and_a_note_removed_from_the_page_stay_removed_after_a_reload(dash_page: Page) -> None:
    base = dash_page.app_url  # type: ignore[attr-defined]
    listed = dash_page.locator(f"#{ids.VIEWS_LIST}")
    for name in ("Kept trainings", "Trainings to remove"):
        save_view(dash_page, f"{base}/training?period=all", name)
        expect(dash_page.locator(f"#{ids.VIEWS_MESSAGE}")).to_contain_text(f"Saved “{name}”")
    listed.get_by_role("button", name="Remove “Trainings to remove”", exact=True).click()
    question = dash_page.locator(f"#{ids.VIEWS_CONFIRM}")
    expect(question).to_contain_text("Remove “Trainings to remove”? This cannot be undone.")
    expect(listed).to_contain_text("Trainings to remove")  # asking removes nothing
    question.get_by_role("button", name="Remove it", exact=True).click()
    expect(dash_page.locator(f"#{ids.VIEWS_MESSAGE}")).to_contain_text("Removed “Trainings to remove”.")
    expect(listed).not_to_contain_text("Trainings to remove")
    expect(question).to_be_empty()

    for text in ("Kept beside the chart", "A note to remove"):
        choose(dash_page, ids.NOTE_CHART, "Training: events over time")
        dash_page.fill(f"#{ids.NOTE_PERIOD}", "2025")
        dash_page.fill(f"#{ids.NOTE_TEXT}", text)
        dash_page.click(f"#{ids.NOTE_ADD}")
        expect(dash_page.locator(f"#{ids.NOTE_MESSAGE}")).to_contain_text("Note added")
        dash_page.fill(f"#{ids.NOTE_TEXT}", "")
    dash_page.keyboard.press("Escape")
    notes = dash_page.locator(".chart-card", has=dash_page.locator("#training-events-graph")).locator(".chart-notes")
    expect(notes).to_contain_text("A note to remove")
    notes.get_by_role("button", name="Remove the note “A note to remove”", exact=True).click()
    expect(notes).not_to_contain_text("A note to remove")
    expect(notes).to_contain_text("Kept beside the chart")

    dash_page.reload()
    wait_until_drawn(dash_page)
    expect(notes).to_contain_text("Kept beside the chart")  # the notes are in: the removed one is not
    expect(notes).not_to_contain_text("A note to remove")
    open_menu(dash_page)
    expect(listed).to_contain_text("Kept trainings")
    expect(listed).not_to_contain_text("Trainings to remove")

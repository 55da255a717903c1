"""Sign in as each demo role in a real browser and see only what that role may see."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from tests.paths import SAMPLE
from tools.screenshots import block_outside, count_requests, serve, sign_in, wait_until_drawn

pytestmark = pytest.mark.browser

NAV = {
    "admin@demo.scn": {"Overview", "Membership", "Training & reach", "Grants & outcomes", "Regions", "Data quality",
                       "Impact summary"},
    "manager@demo.scn": {"Overview", "Membership", "Training & reach", "Grants & outcomes", "Regions",
                         "Data quality", "Impact summary"},
    "steering@demo.scn": {"Overview", "Membership", "Training & reach", "Grants & outcomes", "Regions",
                          "Impact summary"},
    "hub@demo.scn": {"Overview", "Membership", "Training & reach", "Grants & outcomes", "Regions", "Impact summary"},
    "donor@demo.scn": {"Impact summary"},
}


def nav_links(page: Page) -> set[str]:
    return {t.strip() for t in page.locator(".scn-navbar .nav-link").all_inner_texts()}


def test_signing_in_is_required_and_a_wrong_password_is_refused(fresh_page: Page) -> None:
    base = fresh_page.app_url  # type: ignore[attr-defined]
    fresh_page.goto(base + "/membership")
    expect(fresh_page.locator("#sign-in")).to_be_visible()
    assert "/login" in fresh_page.url
    expect(fresh_page.get_by_text("Demo only")).to_be_visible()
    sign_in(fresh_page, base, "admin@demo.scn", "not-the-password")
    expect(fresh_page.locator("#login-error")).to_contain_text("Wrong e-mail or password")


@pytest.mark.parametrize("email", list(NAV))
def test_each_role_sees_its_own_pages_only(fresh_page: Page, email: str) -> None:
    base = fresh_page.app_url  # type: ignore[attr-defined]
    sign_in(fresh_page, base, email)
    wait_until_drawn(fresh_page)
    assert nav_links(fresh_page) == NAV[email]
    if email == "donor@demo.scn":
        assert fresh_page.url.endswith("/impact")
        fresh_page.goto(base + "/membership")  # typed by hand: sent back to what a donor may see
        wait_until_drawn(fresh_page)
        assert fresh_page.url.endswith("/impact")
    fresh_page.click("#sign-out")
    expect(fresh_page.locator("#sign-in")).to_be_visible()


def test_hub_lead_filters_and_sees_their_region_without_confidential_members(fresh_page: Page) -> None:
    base = fresh_page.app_url  # type: ignore[attr-defined]
    sign_in(fresh_page, base, "hub@demo.scn")
    fresh_page.goto(base + "/membership?period=all")
    wait_until_drawn(fresh_page)
    fresh_page.click("#filter-region")
    options = {t.strip() for t in fresh_page.locator(".Select-menu-outer, [role=listbox]").all_inner_texts()}
    assert options and all("Europe" not in o for o in options)
    assert "Skikda" not in fresh_page.content()
    fresh_page.goto(base + "/city/SCN-0195")
    expect(fresh_page.get_by_text("City not found")).to_be_visible()


def test_steering_committee_sees_a_confidential_member(fresh_page: Page) -> None:
    base = fresh_page.app_url  # type: ignore[attr-defined]
    sign_in(fresh_page, base, "steering@demo.scn")
    fresh_page.goto(base + "/city/SCN-0195")
    wait_until_drawn(fresh_page)
    expect(fresh_page.locator("h1", has_text="Skikda")).to_be_visible()


def test_donor_impact_page_suppresses_small_counts_and_prints_a_pdf(fresh_page: Page) -> None:
    base = fresh_page.app_url  # type: ignore[attr-defined]
    sign_in(fresh_page, base, "donor@demo.scn")
    wait_until_drawn(fresh_page)
    expect(fresh_page.locator("#impact-audience")).to_contain_text("Government of Canada")
    text = fresh_page.locator("#page-content").inner_text()
    assert "<5" in text or "[c]" in text  # the demo's last 12 months have small groups for this donor
    with fresh_page.expect_download() as download:
        fresh_page.click("#impact-pdf-button")
    pdf = Path(download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF")
    words = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Government of Canada" in words and "Data as of" in words and "<5" in words


def test_admin_uploads_a_bad_file_sees_where_then_publishes_a_good_one(chromium, sample_db: Path, tmp_path: Path):
    served = tmp_path / "scn.duckdb"
    shutil.copy(sample_db, served)  # this test publishes: never over the session's database
    grants = (SAMPLE / "grants.csv").read_text(encoding="utf-8").splitlines()
    bad = tmp_path / "bad" / "grants.csv"
    bad.parent.mkdir()
    fields = grants[5].split(",")
    fields[7] = "ten thousand"  # amount_awarded
    bad.write_text("\n".join([*grants[:5], ",".join(fields), *grants[6:]]) + "\n", encoding="utf-8")
    good = tmp_path / "good" / "grants.csv"
    good.parent.mkdir()
    good.write_text("\n".join(grants) + "\n", encoding="utf-8")
    with serve(served, env={"SCN_SOURCE": str(SAMPLE)}) as base:
        context = chromium.new_context(viewport={"width": 1440, "height": 900})
        page = context.new_page()
        blocked: list[str] = []
        block_outside(page, base, blocked)
        count_requests(page)
        sign_in(page, base, "admin@demo.scn")
        page.goto(base + "/data")
        page.set_input_files("#data-upload input[type=file]", str(bad))
        expect(page.locator("#data-upload-verdict")).to_contain_text(re.compile(r"\d+ errors?:"), timeout=60_000)
        report = page.locator("#page-content").inner_text()
        assert "grants.csv" in report and "amount_awarded" in report and "ten thousand" in report
        expect(page.locator("#data-publish")).to_be_disabled()
        page.set_input_files("#data-upload input[type=file]", str(good))
        expect(page.locator("#data-upload-verdict")).to_contain_text("No errors", timeout=60_000)
        page.click("#data-publish")
        expect(page.locator("#data-published")).to_contain_text("Published", timeout=60_000)
        context.close()
        assert not blocked

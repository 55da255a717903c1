"""In a real browser: an upload that removes most of a table shows what it changes and publishes only once
confirmed; the publishes are listed as versions, and an administrator rolls back to an earlier one."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from playwright.sync_api import Page, expect

from tests.paths import SAMPLE
from tools.screenshots import block_outside, count_requests, serve, sign_in, wait_until_drawn

pytestmark = pytest.mark.browser



def payments(db: Path) -> int:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("select count(*) from stg_disbursements").fetchall()[0][0]


def upload(page: Page, path: Path, verdict: str) -> None:
    page.set_input_files("#data-upload input[type=file]", str(path))
    expect(page.locator("#data-upload-verdict")).to_contain_text(verdict, timeout=90_000)


def test_a_shrinking_upload_needs_confirmation_and_a_rollback_restores_the_data(chromium, sample_db: Path,
                                                                                tmp_path: Path) -> None:
    served = tmp_path / "scn.duckdb"
    shutil.copy(sample_db, served)  # this test publishes: never over the session's database
    grants = tmp_path / "full" / "grants.csv"
    grants.parent.mkdir()
    shutil.copy(SAMPLE / "grants.csv", grants)
    one_payment = tmp_path / "short" / "disbursements.csv"
    one_payment.parent.mkdir()
    one_payment.write_text("\n".join((SAMPLE / "disbursements.csv").read_text(encoding="utf-8").splitlines()[:2])
                           + "\n", encoding="utf-8")
    all_payments = payments(served)
    with serve(served, env={"SCN_SOURCE": str(SAMPLE)}) as base:
        context = chromium.new_context(viewport={"width": 1440, "height": 900})
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("response", lambda r: errors.append(f"HTTP {r.status} {r.url}") if r.status >= 500 else None)
        blocked: list[str] = []
        block_outside(page, base, blocked)
        count_requests(page)
        sign_in(page, base, "admin@demo.scn")

        # 1. a clean upload, published: the first version in the store
        page.goto(base + "/data")
        upload(page, grants, "No errors")
        expect(page.locator("#data-confirm-box")).to_be_hidden()
        page.click("#data-publish")
        expect(page.locator("#data-published")).to_contain_text("Published", timeout=90_000)

        # 2. one payment for 779: what it changes is shown, and publishing waits for the confirmation
        page.goto(base + "/data")
        upload(page, one_payment, "removes data")
        changes = page.locator("#page-content").inner_text()
        assert "What the upload changes" in changes and "disbursements" in changes
        assert f"{all_payments - 1:,}" in changes  # rows removed
        assert "would replace the" in changes and "confirm it to publish" in changes
        page.click("#data-publish")
        expect(page.locator("#data-publish-result")).to_contain_text("confirm that you mean it", timeout=60_000)
        assert payments(served) == all_payments
        page.click("#data-confirm")
        page.click("#data-publish")
        expect(page.locator("#data-published")).to_contain_text("Published", timeout=90_000)
        assert payments(served) == 1

        # 3. both publishes are listed; rolling back to the first restores the payments
        page.goto(base + "/data")
        wait_until_drawn(page)
        listed = page.locator("#page-content").inner_text()
        assert listed.count("admin@demo.scn") >= 2 and "current" in listed
        assert str(tmp_path) not in page.content()  # no server path anywhere on the page
        page.click("#data-version")
        options = page.get_by_role("option")
        expect(options).to_have_count(2)
        options.last.click()  # the oldest: the grants upload, with every payment
        page.click("#data-rollback")
        expect(page.locator("#data-rollback-result")).to_contain_text("Tick the box to confirm", timeout=30_000)
        assert payments(served) == 1
        page.check("#data-rollback-confirm")
        expect(page.locator("#data-rollback-confirm")).to_be_checked()
        page.click("#data-rollback")
        expect(page.locator("#data-rolled-back")).to_contain_text("Published", timeout=90_000)
        assert payments(served) == all_payments
        page.goto(base + "/data")
        wait_until_drawn(page)
        assert "rollback" in page.locator("#page-content").inner_text()
        context.close()
    assert not blocked and not errors, (blocked, errors)

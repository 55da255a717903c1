"""The page's HTML declares the reader's language and direction."""

from __future__ import annotations

import re
from pathlib import Path

from dashboards import i18n, settings
from dashboards.shell import document


def test_the_page_declares_its_language_and_direction(use_app_environment, tmp_path: Path) -> None:
    use_app_environment(tmp_path)
    import app as dashboard  # builds the Dash app once per process

    with dashboard.server.test_request_context("/"):
        assert '<html lang="en" dir="ltr">' in dashboard.app.index()
        for lang, way in (("ar", "rtl"), ("fr", "ltr")):
            with i18n.using(lang):
                assert f'<html lang="{lang}" dir="{way}">' in dashboard.app.index()
    settings.get.cache_clear()


def test_arabic_pages_link_bootstraps_right_to_left_sheet_instead_of_the_left_to_right_one(
        use_app_environment, tmp_path: Path) -> None:
    use_app_environment(tmp_path)
    import app as dashboard

    dashboard.server.test_client().get("/login")  # Dash lists the assets on its first request
    with dashboard.server.test_request_context("/"):
        with i18n.using("ar"):
            page = dashboard.app.index()
        assert "/assets/rtl/bootstrap.rtl.min.css?m=" in page and "vendor/bootstrap.min.css" not in page
        with i18n.using("fr"):
            page = dashboard.app.index()
        assert "/assets/vendor/bootstrap.min.css?m=" in page and "bootstrap.rtl" not in page
    settings.get.cache_clear()


def test_the_right_to_left_sheet_is_the_same_bootstrap_version_and_names_no_other_host() -> None:
    ltr, rtl = (document.ASSETS / sheet for sheet in (document.LTR_SHEET, document.RTL_SHEET))
    version = re.search(r"Bootstrap\s+v(\S+)", ltr.read_text(encoding="utf-8")[:300]).group(1)
    head = rtl.read_text(encoding="utf-8")[:300]
    assert f"v{version} " in head
    assert "https://" not in rtl.read_text(encoding="utf-8") and "sourceMappingURL" not in rtl.read_text("utf-8")


def test_localize_leaves_a_left_to_right_page_alone_but_its_html_tag() -> None:
    page = '<html><head><link rel="stylesheet" href="/assets/vendor/bootstrap.min.css?m=1"></head></html>'
    assert document.localize(page, "fr") == page.replace("<html>", '<html lang="fr" dir="ltr">')
    arabic = document.localize(page, "ar")
    assert arabic.startswith('<html lang="ar" dir="rtl">') and 'href="/assets/rtl/bootstrap.rtl.min.css?m=' in arabic

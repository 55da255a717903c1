"""The page's HTML declares the reader's language and direction."""

from __future__ import annotations

from pathlib import Path

from dashboards import i18n, settings


def test_the_page_declares_its_language_and_direction(use_app_environment, tmp_path: Path) -> None:
    use_app_environment(tmp_path)
    import app as dashboard  # builds the Dash app once per process

    with dashboard.server.test_request_context("/"):
        assert '<html lang="en" dir="ltr">' in dashboard.app.index()
        for lang, way in (("ar", "rtl"), ("fr", "ltr")):
            with i18n.using(lang):
                assert f'<html lang="{lang}" dir="{way}">' in dashboard.app.index()
    settings.get.cache_clear()

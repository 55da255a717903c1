"""The words the browser's scripts write come from the catalogs, through the frame's hidden element."""

from __future__ import annotations

import json
import re

from dashboards.i18n import browser, using
from tests.paths import ROOT


def test_every_word_is_read_by_a_script_with_its_english_fallback() -> None:
    scripts = "".join(p.read_text() for p in (ROOT / "assets").glob("*.js"))
    assert browser.ELEMENT_ID in scripts
    for key, english in browser.WORDS.items():
        assert re.search(rf'"{key}"\s*,\s*"{re.escape(english[:25])}', scripts) or \
            re.search(rf'\["{key}",\s*"{re.escape(english[:25])}', scripts), f"{key}: no script reads it as English"


def test_the_words_are_in_the_readers_language() -> None:
    english = json.loads(browser.words_json())
    assert english["open_city"] == "Open a city…"
    with using("fr"):
        french = json.loads(browser.words_json())
    with using("ar"):
        arabic = json.loads(browser.words_json())
    assert french["open_city"] == "Ouvrir une ville…" and arabic["open_city"] == "فتح صفحة مدينة…"
    for key, text in english.items():
        assert french[key] != text and arabic[key] != text, key
        for place in re.findall(r"\{\w+\}", text):
            assert place in french[key] and place in arabic[key], (key, place)


def test_charts_speak_the_readers_language_through_plotlys_own_locales() -> None:
    from dashboards.components.chart_card import graph_config

    script = (ROOT / "assets" / "plotly_locales.js").read_text()
    for lang in ("fr", "ar"):
        assert f'"name": "{lang}"' in script
        with using(lang):
            assert graph_config()["locale"] == lang
    assert "janv." in script and "يناير" in script  # the months a time axis shows
    assert graph_config()["locale"] == "en"

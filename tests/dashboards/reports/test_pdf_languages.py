"""The impact summary and its PDF in French and Arabic: the words from the catalogs, the numbers in the locale's
way, Arabic shaped and set right to left (text read back with pypdf, normalised: shaped Arabic comes out of a
PDF as presentation forms, which NFKC folds back to the letters)."""

from __future__ import annotations

import datetime as dt
import io
import unicodedata

import pypdf

from dashboards.i18n import using
from dashboards.reports.pdf import render_pdf
from dashboards.reports.words import summary_sentences
from tests.dashboards.reports.test_pdf import _data


def _text(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return " ".join(unicodedata.normalize("NFKC", page.extract_text()) for page in reader.pages)


def _lang(pdf: bytes) -> str:
    return str(pypdf.PdfReader(io.BytesIO(pdf)).trailer["/Root"]["/Lang"])


def test_summary_in_french_carries_the_numbers_in_french_form() -> None:
    with using("fr"):
        sentences = summary_sentences(_data())
    first = sentences[0]
    assert "vous avez financé 12 subventions d'un montant de" in first
    assert "1,4 million $US" in first and "dans 9 villes réparties dans 6 pays" in first
    assert "(64\u00a0%) ont été versés" in first
    assert any("1\u202f200 participants" in s for s in sentences)
    with using("fr"):
        dated = summary_sentences(_data(period_start=dt.date(2025, 3, 1), period_end=dt.date(2025, 9, 30)))
    assert dated[0].startswith("Entre le 1 mars 2025 et le 30 sept. 2025, vous avez financé")


def test_summary_in_arabic_carries_the_numbers_and_arabic_plural_forms() -> None:
    with using("ar"):
        sentences = summary_sentences(_data())
        one_grant = summary_sentences(_data(grants=1, grants_active=1))
    assert "موّلتم 12 منحة" in sentences[0]  # 11-99: the singular noun
    assert "في 9 مدن موزعة على 6 بلدان" in sentences[0]  # 3-10: the plural
    assert "1.4 مليون دولار أمريكي" in sentences[0]
    assert "لا تزال المنحة سارية" in one_grant[1]


def test_french_pdf_speaks_french() -> None:
    with using("fr"):
        pdf = render_pdf(_data())
    text = _text(pdf)
    assert _lang(pdf) == "fr-FR"
    for words in ("Synthèse d'impact — Fondation Lumière", "DONNÉES DE DÉMONSTRATION", "Où se trouvent les",
                  "Page 1 sur 2", "Données au 31 oct. 2026"):
        assert words in text, words
    assert "Impact summary" not in text and "Where the grants are" not in text


def test_arabic_pdf_is_shaped_right_to_left_and_speaks_arabic() -> None:
    with using("ar"):
        pdf = render_pdf(_data())
    text = _text(pdf)
    assert _lang(pdf) == "ar"
    for words in ("ملخص الأثر", "بيانات تجريبية", "أماكن المنح", "المؤشرات", "الصفحة", "البيانات حتى", "أكتوبر",
                  "موّلتم"):
        assert words in text, words
    assert "Impact summary" not in text and "Indicators" not in text
    # pypdf gives mixed runs in visual order ("2026  أكتوبر31"): the figures are checked apart from the words.
    assert {"1,200", "31", "2026", "12"} <= set(text.replace("\n", " ").split()) | set(
        token for word in text.split() for token in [word.strip("()،.;:")])
    # Shaped: the letters are joined glyphs (presentation forms before NFKC), not the bare letters.
    raw = pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert any(0xFE70 <= ord(c) <= 0xFEFF for c in raw) or "ملخص" in raw

"""The language core: which language is spoken, its direction, and catalogs merged from every domain."""

from __future__ import annotations

import pytest

from dashboards import i18n


@pytest.mark.parametrize(("asked", "spoken"), [("fr", "fr"), ("fr-CA", "fr"), ("AR_eg", "ar"), ("de", None),
                                               ("", None), (None, None)])
def test_supported_reduces_a_tag_to_a_language_the_app_speaks(asked, spoken) -> None:
    assert i18n.supported(asked) == spoken


def test_using_sets_the_language_and_direction_inside_the_block_only() -> None:
    assert i18n.current_language() == "en"
    with i18n.using("ar"):
        assert (i18n.current_language(), i18n.direction()) == ("ar", "rtl")
        with i18n.using("de"):  # not spoken: English
            assert i18n.current_language() == "en"
    assert (i18n.current_language(), i18n.direction()) == ("en", "ltr")


def test_catalogs_of_every_domain_are_merged(tmp_path, monkeypatch) -> None:
    folder = tmp_path / "fr" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    for domain, (english, french) in {"messages": ("Overview", "Vue d’ensemble"),
                                      "reports": ("Impact summary", "Synthèse de l’impact")}.items():
        (folder / f"{domain}.po").write_text(
            'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
            '"Plural-Forms: nplurals=2; plural=(n > 1);\\n"\n\n'
            f'msgid "{english}"\nmsgstr "{french}"\n\n'
            'msgid "{n} city"\nmsgid_plural "{n} cities"\nmsgstr[0] "{n} ville"\nmsgstr[1] "{n} villes"\n',
            encoding="utf-8")
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    i18n.translations.cache_clear()
    try:
        with i18n.using("fr"):
            assert i18n._("Overview") == "Vue d’ensemble"
            assert i18n._("Impact summary") == "Synthèse de l’impact"
            assert i18n.ngettext("{n} city", "{n} cities", 1) == "{n} ville"
            assert i18n.ngettext("{n} city", "{n} cities", 2) == "{n} villes"
            assert i18n._("Not in any catalog") == "Not in any catalog"
    finally:
        i18n.translations.cache_clear()

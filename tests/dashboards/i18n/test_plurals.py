"""One plural rule per language: the app merges a language's catalog domains into one translator, which counts
with the first catalog's rule, so every domain must say the same rule, CLDR's (tools/translations_plurals.py)."""

from __future__ import annotations

import pytest
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po

from dashboards import i18n

TRANSLATED = [lang for lang in i18n.LANGUAGES if lang != i18n.DEFAULT]


def headers(lang: str) -> dict[str, str]:
    found = {}
    for po in sorted((i18n.LOCALE_DIR / lang / "LC_MESSAGES").glob("*.po")):
        with po.open("rb") as f:
            found[po.stem] = read_po(f, locale=lang).plural_forms
    return found


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_domain_of_a_language_has_the_plural_rule_of_cldr(lang) -> None:
    rule = get_plural(lang)
    assert set(headers(lang).values()) == {f"nplurals={rule.num_plurals}; plural={rule.plural_expr};"}, headers(lang)


def counted(domain: str, lang: str):
    with (i18n.LOCALE_DIR / lang / "LC_MESSAGES" / f"{domain}.po").open("rb") as f:
        return [m for m in read_po(f, locale=lang) if m.id and isinstance(m.id, tuple)]


@pytest.mark.parametrize("domain", ["messages", "reports"])
def test_a_french_count_picks_one_many_and_other_in_every_domain(domain) -> None:
    """French has three forms: 0 and 1 (one), a round million (many: "1 000 000 de ..."), the rest (other)."""
    translator = i18n.translations("fr")
    assert [translator.plural(n) for n in (0, 1, 2, 999_999, 1_000_000, 3_000_000)] == [0, 0, 2, 2, 1, 1]
    # a message both domains hold is read from the last merged (reports); its own forms are checked there
    elsewhere = {m.id for m in counted("reports", "fr")} if domain == "messages" else set()
    with i18n.using("fr"):
        for message in (m for m in counted(domain, "fr") if m.id not in elsewhere):
            singular, plural = message.id
            assert len(message.string) == 3, message.id
            assert i18n.ngettext(singular, plural, 1_000_000) == message.string[1], message.id
            assert i18n.ngettext(singular, plural, 7) == message.string[2], message.id

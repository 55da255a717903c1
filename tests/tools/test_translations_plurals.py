"""tools/translations_plurals.py gives a catalog CLDR's plural rule and keeps its counted messages' words."""

from __future__ import annotations

import io

from babel.messages.pofile import read_po

from tools import translations_plurals

TWO_FORMS = (
    'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
    '"Plural-Forms: nplurals=2; plural=(n > 1);\\n"\n\n'
    'msgid "{n} event"\nmsgid_plural "{n} events"\nmsgstr[0] "{n} événement"\nmsgstr[1] "{n} événements"\n'
)


def test_a_two_form_french_catalog_gets_cldrs_three_forms_with_its_words_kept() -> None:
    catalog = translations_plurals.aligned(read_po(io.StringIO(TWO_FORMS), locale="fr"), "fr")
    assert catalog.plural_forms == translations_plurals.plural_forms("fr")
    assert catalog.num_plurals == 3
    # one (0, 1) keeps the singular; many (a round million) and other keep what 2 and more read
    assert catalog[("{n} event")].string == ("{n} événement", "{n} événements", "{n} événements")


def test_the_catalogs_of_the_app_have_cldrs_rule() -> None:
    assert translations_plurals.misaligned() == []

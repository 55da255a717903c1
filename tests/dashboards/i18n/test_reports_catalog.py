"""The `reports` catalogs are complete: every message the reports' modules give to _(), N_(), ngettext() or
pgettext() is in reports.po for French and Arabic, translated (nothing empty or fuzzy), with the same {places} as
the English, and Arabic with its six plural forms."""

from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po

from tools import translations_reports as tool

PLACES = re.compile(r"\{(\w*)\}")


def _catalog(lang: str):
    with tool.po_path(lang).open("rb") as f:
        return read_po(f, locale=lang, domain=tool.DOMAIN)


def _key(message) -> tuple:
    return (message.id if isinstance(message.id, str) else message.id[0], message.context)


@pytest.mark.parametrize("lang", tool.LANGUAGES)
def test_every_message_of_the_reports_is_in_the_catalog(lang: str) -> None:
    wanted = {_key(m) for m in tool.template() if m.id}
    have = {_key(m) for m in _catalog(lang) if m.id}
    assert len(wanted) > 150
    assert wanted - have == set()


@pytest.mark.parametrize("lang", tool.LANGUAGES)
def test_every_message_is_translated_with_the_same_places(lang: str) -> None:
    for message in _catalog(lang):
        if not message.id:
            continue
        assert not message.fuzzy, message.id
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        assert all(s.strip() for s in strings), f"{lang}: untranslated {message.id!r}"
        places = set(PLACES.findall(ids[0])) | set().union(*(PLACES.findall(i) for i in ids))
        for string in strings:
            assert set(PLACES.findall(string)) == places, f"{lang}: {string!r} for {message.id!r}"


def test_arabic_has_six_plural_forms_in_every_counted_message() -> None:
    catalog = _catalog("ar")
    assert catalog.num_plurals == 6
    counted = [m for m in catalog if m.id and not isinstance(m.id, str)]
    assert counted and all(len(m.string) == 6 for m in counted)

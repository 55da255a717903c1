"""A kept callback answer is sent again only to the same viewer, for the same database, in the same language."""

from __future__ import annotations

from dashboards import i18n
from dashboards.security.access import NOBODY
from dashboards.serving import answers


def test_the_answer_key_holds_the_readers_language() -> None:
    body = {"output": "overview-kpis.children", "inputs": [{"id": "url", "property": "search", "value": ""}]}
    keys = {}
    for lang in ("en", "fr", "ar"):
        with i18n.using(lang):
            keys[lang] = answers._key(body, NOBODY, "v1")
            assert answers._key(body, NOBODY, "v1") == keys[lang]  # the same language: the same key
    assert len(set(keys.values())) == 3

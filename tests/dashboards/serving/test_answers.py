"""A kept callback answer is sent again only to the same viewer, for the same database, in the same language."""

from __future__ import annotations

from dashboards import i18n, ids
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


def test_an_answer_reading_the_apps_own_state_is_never_kept() -> None:
    """The notes beside the charts come from the app's state file, not the database: a kept answer showed a
    removed note again after a reload (the count the note form bumps is 0 again on a new page)."""
    search = {"id": ids.URL, "property": "search"}
    callback_map = {
        "overview-kpis.children": {"inputs": [search]},
        '{"chart":["ALL"],"type":"chart-notes"}.children': {
            "inputs": [search, {"id": ids.NOTES_CHANGED, "property": "data"}],
            "state": [{"id": '{"chart":["ALL"],"type":"chart-notes"}', "property": "id"}]},
    }
    assert answers.cacheable(callback_map) == {"overview-kpis.children"}

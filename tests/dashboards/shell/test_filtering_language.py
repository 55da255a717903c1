"""The filter bar writes the whole query string: the page's language (`lang`) must survive every change."""

from __future__ import annotations

import pytest

from dashboards import filters, ids
from dashboards.filters import Filters
from dashboards.shell import filtering

SHOWN = ("last-12-months", None, None, None, ["MENA"], [], [], [])


def test_to_query_writes_lang_last_and_only_when_given() -> None:
    chosen = filters.make("all", regions=["MENA"])
    assert filters.to_query(chosen) == "?period=all&region=mena"
    assert filters.to_query(chosen, lang="ar") == "?period=all&region=mena&lang=ar"
    assert filters.to_query(Filters(), lang="fr") == "?lang=fr"
    assert filters.from_query("?period=all&region=mena&lang=ar", allowed_regions=None) == chosen


@pytest.mark.parametrize(("trigger", "search", "expected"), [
    (ids.FILTER_RESET, "?period=all&region=mena&lang=ar", "?lang=ar"),
    ({"type": ids.CHIP_CLEAR, "key": "region"}, "?period=all&region=mena&lang=fr", "?period=all&lang=fr"),
    (ids.FILTER_REGION, "?lang=fr", "?region=mena&lang=fr"),
    (ids.URL, "?lang=ar&region=mena", "?region=mena&lang=ar"),
    (ids.FILTER_RESET, "?period=all", ""),
])
def test_a_filter_change_keeps_the_pages_language(dashboard_db, trigger, search, expected) -> None:
    chosen = filtering._chosen(trigger, [{"value": 1}], search, SHOWN)
    assert filtering._query(chosen, search) == expected


@pytest.mark.parametrize(("url", "search", "expected"), [
    ("/grants?region=mena", "?period=all&lang=ar", "/grants?region=mena&lang=ar"),
    ("/", "?lang=fr", "/?lang=fr"),
    ("/grants?lang=en", "?lang=ar", "/grants?lang=en"),  # the view names its own
    ("/grants", "?period=all", "/grants"),
])
def test_opening_a_saved_view_keeps_the_language_being_read(url, search, expected) -> None:
    from dashboards.shell import language

    assert language.kept(url, search) == expected

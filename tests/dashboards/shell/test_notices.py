"""The region notice's link stays in the address bar while it is the URL being read, and goes with a filter
chosen in the bar (the browser side: tests/browser/test_shared_links.py)."""

from __future__ import annotations

from dashboards import ids
from dashboards.shell import notices

NOTICE = "Not in your view: Europe. Showing MENA."


def test_a_link_naming_another_region_is_kept_as_opened_or_read_back() -> None:
    assert notices.keeps_link(None, NOTICE)  # the page's first reading of its URL
    assert notices.keeps_link(ids.URL, NOTICE)  # the back button, a link followed inside the app


def test_a_filter_chosen_in_the_bar_writes_the_url_as_usual() -> None:
    for trigger in (ids.FILTER_REGION, ids.FILTER_PERIOD, ids.FILTER_RESET, {"type": ids.CHIP_CLEAR, "key": "x"}):
        assert not notices.keeps_link(trigger, NOTICE)


def test_a_link_the_viewer_covers_is_written_back_narrowed_as_usual() -> None:
    assert not notices.keeps_link(ids.URL, None)


def test_the_chip_says_what_was_left_out_and_is_announced() -> None:
    chip = notices.region_chip(NOTICE)
    assert chip.children == NOTICE and chip.id == "region-notice" and chip.role == "status"
    assert notices.region_chip(None) is None

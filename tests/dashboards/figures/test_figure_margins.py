"""Margins that fit the tick labels (figures/common.fitted_margin): plotly.js's automargin draws a figure a
second time when its labels need more room than the margin, so the margin is sized from the labels first."""

from __future__ import annotations

from dashboards.figures import common

FONT = common.TEMPLATE["layout"]["font"]["size"]


def margin_of(data: list[dict], layout: dict | None = None) -> dict:
    return common.figure(data, layout or {}, title="t").to_plotly_json()["layout"]["margin"]


def test_a_long_category_label_widens_the_left_margin_to_fit_it() -> None:
    long_name = "Western Balkans and a very long name"
    short = margin_of([{"type": "bar", "orientation": "h", "y": ["A", "B"], "x": [3, 4]}])
    wide = margin_of([{"type": "bar", "orientation": "h", "y": [long_name, "B"], "x": [3, 4]}])
    assert wide["l"] >= common.text_width(long_name, FONT) > short["l"]
    assert wide["b"] == short["b"]  # the x labels did not change


def test_labels_are_measured_by_their_letters() -> None:
    assert common.text_width("WWWW", FONT) > common.text_width("iiii", FONT) > 0
    assert common.text_width("Tétouan", FONT) == common.text_width("Tetouan", FONT)


def test_tick_labels_are_written_as_plotly_js_writes_them() -> None:
    assert common._format(25_000, {}, 5_000, high_end=40_000) == "25k"  # SI suffix from 10 000
    assert common._format(-2_000, {}, 1_000, high_end=3_000) == "\u22122000"  # a minus sign, no suffix yet
    assert common._format(0.5, {"tickformat": ".0%"}, 0.1) == "50%"
    assert common._format(1.5, {}, 0.5, high_end=3) == "1.5"
    assert common._format(12_000, {"tickformat": ",d", "tickprefix": "$"}, 2_000) == "$12,000"

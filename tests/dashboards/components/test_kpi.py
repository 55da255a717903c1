"""The one KPI card component: values, changes against the period before, hints, and the chart card's error state."""

from __future__ import annotations

import pandas as pd

from dashboards import components as ui
from dashboards import formatting as fmt
from dashboards.ids import PageIds

MEASURES = (ui.Measure("events", "Events", hint="in the period"),
            ui.Measure("women_share", "Women", fmt.share, fmt.points_change, "neutral"))


def _text(component) -> list[str]:
    """Every string in a component tree, in order."""
    if isinstance(component, str):
        return [component]
    children = getattr(component, "children", None)
    if children is None:
        return []
    return [t for child in (children if isinstance(children, list) else [children]) for t in _text(child)]


def test_a_kpi_is_compared_with_the_previous_row_and_says_its_value_before():
    df = pd.DataFrame({"which": ["current", "previous"], "events": [12, 8], "women_share": [0.5, 0.4]})
    events, women = ui.compared(df, MEASURES, "2024")
    assert (events.value, events.direction, events.versus, events.hint) == ("12", "up", "2024",
                                                                             "in the period; before: 8")
    assert events.change == fmt.change(12, 8)[0]
    assert women.change == fmt.points_change(0.5, 0.4)[0]
    assert women.good == "neutral"
    assert women.hint == f"before: {fmt.share(0.4)}"


def test_without_a_previous_period_a_kpi_shows_no_change_and_only_its_hint():
    df = pd.DataFrame({"which": ["current"], "events": [3], "women_share": [None]})
    events, _women = ui.compared(df, MEASURES, "")
    assert (events.value, events.change, events.hint) == ("3", "", "in the period")


def test_a_kpi_with_no_current_row_reads_a_dash():
    df = pd.DataFrame({"which": ["previous"], "events": [3], "women_share": [0.2]})
    assert ui.compared(df, MEASURES, "2023")[0].value == "–"


def test_a_good_change_and_a_bad_one_are_told_apart_by_words_and_tone():
    up = ui.kpi_card("Events", "12", change="+50%", direction="up", versus="2024", good="up")
    down = ui.kpi_card("Dropped", "4", change="+1", direction="up", good="down")
    assert "+50%" in " ".join(_text(up)) and " vs 2024" in _text(up)
    assert "kpi-good" in str(up.to_plotly_json()) and "kpi-bad" in str(down.to_plotly_json())


def test_kpi_cards_are_laid_out_in_the_columns_asked_for():
    cols = ui.kpi_cards([ui.Kpi("A", "1"), ui.Kpi("B", "2", hint="h")], ui.FOUR_PER_ROW)
    assert [(c.md, c.xs) for c in cols] == [(3, 6), (3, 6)]
    assert _text(cols[1]) == ["B", "2", "h"]


def test_a_chart_card_has_a_hidden_error_line_for_a_failed_callback():
    card = ui.chart_card(PageIds("probe"), "trend", "Trend")
    errors = [c for c in card.children.children if getattr(c, "className", "") == "load-error"]
    assert len(errors) == 1
    assert errors[0].role == "alert" and errors[0].hidden is True

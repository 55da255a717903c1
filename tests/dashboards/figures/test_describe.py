"""A chart in words (dashboards/figures/describe.py): the sentence screen readers get for every chart."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dashboards.figures import common, impact, overview
from dashboards.figures.describe import describe
from dashboards.filters import from_query
from dashboards.i18n import using
from tests.dashboards.figures.test_figures_valid import CASES


def test_bar_chart_names_its_kind_title_axis_and_extremes() -> None:
    fig = overview.region_bars(pd.DataFrame({"region": ["MENA", "Europe", "South Asia"],
                                             "participants": [1234, 87, 410]}))
    assert describe(fig) == ("Bar chart: Unique participants by region (x: Unique participants). "
                             "3 bars; highest MENA 1.2k, lowest Europe 87.")


def test_a_suppressed_count_reads_as_its_label_not_the_hidden_number() -> None:
    table = pd.DataFrame({"gender": ["female", "male", "non-binary"], "participants": [541, 300, None],
                          "participants_label": ["541", "300", "<5"]})
    text = describe(impact.reached(table, "gender", "By gender"))
    assert text == "Bar chart: By gender (x: people). 3 bars; highest Female 541, lowest Non-binary <5."


def test_line_chart_per_series_with_axis_prefix() -> None:
    fig = common.figure([
        {"type": "scatter", "mode": "lines", "name": "Awarded", "x": ["2025-Q1", "2025-Q2", "2025-Q3"],
         "y": np.array([10.0, 2500.5, 300.0])},
        {"type": "scatter", "mode": "lines", "name": "Spent", "x": ["2025-Q1", "2025-Q2"], "y": [5, 5]},
    ], {"yaxis": {"title": {"text": "USD"}, "tickprefix": "$"}}, title="Money <b>by quarter</b>")
    assert describe(fig) == ("Line chart: Money by quarter (y: USD). Awarded: 3 points; highest 2025-Q2 $2,500, "
                             "lowest 2025-Q1 $10. Spent: 2 points, all $5.")


def test_a_series_drawn_in_parts_is_described_once() -> None:
    solid = {"type": "bar", "name": "Joins", "x": ["Q1", "Q2"], "y": [3, 4]}
    tail = {"type": "bar", "name": "Joins", "x": ["Q3"], "y": [-2], "showlegend": False}
    text = describe(common.figure([solid, tail], {}, title="Joins"))
    assert text == "Bar chart: Joins. 3 bars; highest Q2 4, lowest Q3 -2."


def test_heatmap_names_its_hottest_and_coldest_cells() -> None:
    fig = common.figure([{"type": "heatmap", "x": ["Q1", "Q2"], "y": ["MENA", "Europe"], "z": [[1, 9], [0, 4]]}],
                        {}, title="Events by region and quarter")
    assert describe(fig) == "Heatmap: Events by region and quarter. Highest MENA, Q2 9, lowest Europe, Q1 0."


def test_timeline_says_its_span() -> None:
    day = 86_400_000
    fig = common.figure([{"type": "bar", "orientation": "h", "y": ["Grant A", "Grant B"],
                          "base": ["2024-03-05", "2025-01-10"], "x": [10 * day, 30 * day]}], {}, title="Grants")
    assert describe(fig) == "Bar chart: Grants. 2 bars from 5 Mar 2024 (Grant A) to 9 Feb 2025 (Grant B)."


def test_an_empty_chart_says_why() -> None:
    assert describe(common.empty("Members", "No members in this region.")) == (
        "Empty chart: Members. No members in this region.")


def test_many_series_are_counted_after_the_first_four() -> None:
    traces = [{"type": "bar", "name": f"S{i}", "x": ["a"], "y": [i]} for i in range(6)]
    text = describe(common.figure(traces, {"barmode": "stack"}, title="Six"))
    assert text.startswith("Stacked bar chart: Six. S0: 1 bar: a 0. S1: 1 bar: a 1.")
    assert text.endswith("S3: 1 bar: a 3. And 2 more series.")


def test_every_figure_carries_its_description(dashboard_db: Path) -> None:
    """What the chart card shows screen readers: each figure the app draws says its kind and its title."""
    for name, (query, draw) in CASES.items():
        layout = draw(query(from_query("?period=all"))).to_plotly_json()["layout"]
        text = layout["meta"]["description"]
        assert text.split(":", 1)[0] in {"Bar chart", "Stacked bar chart", "Line chart", "Heatmap", "Map"}, name
        assert layout["meta"]["title"] in text, name
        assert any(w in text.lower() for w in ("highest", " from ", "marked")), (name, text)


@pytest.mark.parametrize("values", [[np.nan, np.nan], []])
def test_a_series_without_numbers_says_so(values) -> None:
    fig = common.figure([{"type": "bar", "x": ["a", "b"][: len(values)], "y": values}], {}, title="T")
    assert describe(fig) == "Bar chart: T. No values."


def test_the_description_speaks_the_readers_language() -> None:
    """French and Arabic readers get the sentence from the catalogs, counted in their language's plural forms."""
    solid = {"type": "bar", "name": "Joins", "x": ["Q1", "Q2"], "y": [3, 4]}
    tail = {"type": "bar", "name": "Joins", "x": ["Q3"], "y": [-2], "showlegend": False}
    with using("fr"):
        assert describe(common.figure([solid, tail], {}, title="Joins")) == (
            "Diagramme en barres : Joins. 3 barres ; maximum : Q2 4, minimum : Q3 -2.")
        assert describe({"data": [{"type": "bar", "x": ["a"], "y": [None]}], "layout": {"title": "T"}}) == (
            "Diagramme en barres : T. Aucune valeur.")
    with using("ar"):
        assert describe(common.figure([{"type": "bar", "x": ["a", "b"], "y": [1, 2]}], {}, title="T")) == (
            "مخطط أعمدة: T. عمودان؛ الأعلى b 2، والأدنى a 1.")
    with using("fr"):
        assert describe(common.figure([{"type": "bar", "x": [pd.Timestamp("2024-03-01"), pd.Timestamp("2024-03-05")],
                                        "y": [1, 2]}], {}, title="T")).endswith("mars 2024 1.")

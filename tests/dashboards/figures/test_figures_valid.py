"""Every figure function draws a figure plotly accepts, from the sample database and from empty data.

The figure functions build plain dicts and skip plotly's validation at run time (dashboards/figures/common.py),
so a misspelt property or a value plotly.js does not know would reach the browser unnoticed. Here each figure
goes through the validation once: `go.Figure(fig.to_plotly_json())` raises on anything plotly would reject.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pytest

from dashboards import figures
from dashboards.figures import city, common, grants, impact, maps, membership, overview, quality, regions, training
from dashboards.filters import from_query
from dashboards.queries import city as city_q
from dashboards.queries import common as common_q
from dashboards.queries import grants as grants_q
from dashboards.queries import impact as impact_q
from dashboards.queries import membership as membership_q
from dashboards.queries import overview as overview_q
from dashboards.queries import quality as quality_q
from dashboards.queries import regions as regions_q
from dashboards.queries import training as training_q

MODULES = (city, grants, impact, maps, membership, overview, quality, regions, training)


def busiest_city(chosen) -> str:
    return membership_q.member_map(chosen).sort_values("participants")["city_id"].iloc[-1]


def first_indicator(chosen) -> str | None:
    listed = grants_q.indicators(chosen)
    return listed["indicator_id"].iloc[0] if not listed.empty else None


# name -> (query: filters -> frame, draw: frame -> figure); a name is "module.function" plus, for a second way
# of drawing the same data, a label after a colon.
CASES: dict[str, tuple[Callable, Callable]] = {
    "city.activity": (lambda f: city_q.activity(f, busiest_city(f)), lambda df: city.activity(df, city="A city")),
    "grants.portfolio": (grants_q.portfolio, grants.portfolio),
    "grants.portfolio:region": (grants_q.portfolio, lambda df: grants.portfolio(df, dimension="region")),
    "grants.timeline": (grants_q.grants, lambda df: grants.timeline(df, as_of=common_q.as_of())),
    "grants.indicator_status": (grants_q.indicator_status, grants.indicator_status),
    "grants.indicator": (lambda f: grants_q.indicator_series(first_indicator(f)), grants.indicator),
    "impact.countries_map": (lambda f: impact_q.report(f).by_country, impact.countries_map),
    "impact.reached": (lambda f: impact_q.report(f).by_gender, lambda df: impact.reached(df, "gender", "By gender")),
    "maps.member_map": (membership_q.member_map, maps.member_map),
    "maps.member_map:engagement": (membership_q.member_map, lambda df: maps.member_map(df, colour_by="engagement")),
    "maps.member_map:fit": (membership_q.member_map, lambda df: maps.member_map(df, fit=True)),
    "membership.members_by_region": (membership_q.members_over_time, membership.members_by_region),
    "membership.joins_and_exits": (membership_q.members_over_time, membership.joins_and_exits),
    "membership.steering_timeline": (membership_q.steering_terms,
                                     lambda df: membership.steering_timeline(df, as_of=common_q.as_of())),
    "membership.committee_composition": (membership_q.steering_terms, membership.committee_composition),
    "membership.ladder": (membership_q.ladder, membership.ladder),
    "overview.kpi_trend": (overview_q.trend, overview.kpi_trend),
    "overview.region_bars": (overview_q.by_region, overview.region_bars),
    "overview.region_bars:money": (overview_q.by_region, lambda df: overview.region_bars(df, measure="awarded_usd")),
    "quality.coverage": (lambda _f: quality_q.sources(), quality.coverage),
    "regions.heatmap": (regions_q.heatmap, regions.heatmap),
    "training.events_over_time": (training_q.events_over_time, training.events_over_time),
    "training.events_over_time:modality": (training_q.events_over_time,
                                           lambda df: training.events_over_time(df, by="modality")),
    "training.attendance_over_time": (training_q.attendance_over_time, training.attendance_over_time),
    "training.topics": (training_q.topics, training.topics),
    "training.breakdown": (training_q.people, training.breakdown),
    "training.learning": (training_q.learning, training.learning),
}


def assert_valid(fig: go.Figure) -> None:
    """Raises, naming the property, if plotly would not accept the figure; and it must serialise as Dash sends it."""
    go.Figure(fig.to_plotly_json())
    json.loads(fig.to_json())


def test_every_figure_function_is_checked_here() -> None:
    drawn = {name.split(":")[0] for name in CASES}
    defined = {f"{module.__name__.rsplit('.', 1)[-1]}.{name}" for module in MODULES
               for name, function in inspect.getmembers(module, inspect.isfunction)
               if function.__module__ == module.__name__
               and inspect.signature(function).return_annotation == "go.Figure"}
    assert defined == drawn
    words = f"{figures.__name__}.describe"  # a chart in words, not a figure
    assert {m.__name__ for m in MODULES} | {common.__name__, words} == {
        f"{figures.__name__}.{p.stem}" for p in Path(figures.__file__).parent.glob("*.py") if p.stem != "__init__"}


@pytest.mark.parametrize("name", CASES)
@pytest.mark.parametrize("search", ["", "?period=all"])
def test_figures_from_the_sample_database_pass_plotly_validation(dashboard_db: Path, name: str, search: str) -> None:
    query, draw = CASES[name]
    fig = draw(query(from_query(search)))
    assert_valid(fig)
    if search == "?period=all":
        assert not common.is_empty(fig), f"{name} drew nothing from the whole sample: the check proved little"


@pytest.mark.parametrize("name", CASES)
def test_figures_from_empty_data_pass_plotly_validation(dashboard_db: Path, name: str) -> None:
    query, draw = CASES[name]
    frame = query(from_query("?period=all"))
    fig = draw(frame.iloc[:0])
    assert_valid(fig)
    assert common.is_empty(fig)


def test_the_empty_state_passes_plotly_validation() -> None:
    assert_valid(common.empty("Nothing", "Nothing to show."))


def test_figures_do_not_share_the_template() -> None:
    first = overview.region_bars(pd.DataFrame({"region": ["MENA"], "participants": [3]}))
    second = overview.region_bars(pd.DataFrame({"region": ["MENA"], "participants": [4]}))
    first.layout.template.layout.font.size = 99
    first.update_layout(template_layout_margin_l=77)
    assert second.layout.template.layout.font.size == common.TEMPLATE["layout"]["font"]["size"] == 13
    assert second.layout.template.layout.margin.l == common.TEMPLATE["layout"]["margin"]["l"] == 8

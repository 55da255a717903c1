"""Periods that do not mislead: a period only partly covered (the quarter running at the data's date) is marked and
named, an empty period says where the data lies, and nothing empty is drawn as if it held data."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dashboards import filters, notes, settings
from dashboards.figures import common, regions
from dashboards.figures import overview as overview_fig
from dashboards.filters import Filters, Window, partial_note, resolve
from dashboards.queries import overview, training
from tests.paths import REAL

AS_OF = dt.date(2026, 10, 30)


def test_a_running_quarter_is_named_as_part_of_one() -> None:
    win = resolve(Filters(period="all"), AS_OF)
    assert partial_note(dt.date(2026, 10, 1), "quarter", win) == "Q4 2026 so far: 1 of 3 months (to 30 Oct 2026)"
    assert partial_note(dt.date(2026, 7, 1), "quarter", win) is None
    assert partial_note(dt.date(2026, 10, 1), "month", win) == "Oct 2026 so far: 30 of 31 days (to 30 Oct 2026)"
    assert partial_note(dt.date(2026, 1, 1), "year", win) == "2026 so far: 10 of 12 months (to 30 Oct 2026)"
    custom = resolve(filters.make("custom", start="2025-03-15", end="2025-05-31"), AS_OF)
    assert partial_note(dt.date(2025, 3, 1), "month", custom) == "Mar 2025 from 15 Mar 2025: 17 of 31 days"
    assert partial_note(dt.date(2025, 5, 1), "month", custom) is None


def test_partial_bars_are_drawn_lighter_and_hatched_and_lines_dotted() -> None:
    bar = common.mark_partial({"type": "bar", "x": [1, 2, 3], "y": [5, 6, 1], "marker": {"color": "red"}},
                              [False, False, True])
    assert "opacity" not in bar["marker"]  # see-through bars lost their 3:1 against the plot
    assert list(bar["marker"]["pattern"]["shape"]) == ["", "", "/"]
    assert bar["marker"]["pattern"]["fgcolor"] == "white" and bar["marker"]["color"] == "red"
    solid, dotted = common.dashed_tail({"type": "scatter", "x": [1, 2, 3], "y": [5, 6, 1]}, [False, False, True])
    assert np.isnan(solid["y"][2]) and list(solid["y"][:2]) == [5, 6]
    assert np.isnan(dotted["y"][0]) and list(dotted["y"][1:]) == [6, 1] and dotted["line"]["dash"] == "dot"
    whole = {"type": "bar", "x": [1], "y": [1]}
    assert common.mark_partial(whole, [False]) is whole


@pytest.fixture
def demo(dashboard_db: Path) -> Path:
    return dashboard_db


def test_the_running_quarter_is_marked_in_the_trend_and_named_in_its_note(demo: Path) -> None:
    chosen = filters.make("all")
    df = overview.trend(chosen)
    assert df["partial"].tolist() == [False] * (len(df) - 1) + [True]
    figure = overview_fig.kpi_trend(df).to_plotly_json()
    assert all(list(t["marker"]["pattern"]["shape"]) == [""] * (len(df) - 1) + ["/"] for t in figure["data"])
    note = notes.partial_periods(df, resolve(chosen, AS_OF), "quarter")
    assert note == "Q4 2026 so far: 1 of 3 months (to 30 Oct 2026), drawn lighter: it is not a whole quarter."
    # a finished period has nothing partial
    assert not overview.trend(filters.make("last-year"))["partial"].any()


def test_the_heatmap_labels_the_running_quarter_and_draws_no_empty_grid() -> None:
    df = pd.DataFrame({"region": ["MENA", "Europe"] * 2,
                       "quarter": pd.to_datetime(["2026-07-01", "2026-07-01", "2026-10-01", "2026-10-01"]),
                       "events": [3, 2, 1, 0], "partial": [False, False, True, True]})
    cells = regions.heatmap(df).to_plotly_json()["data"][0]
    assert list(cells["x"]) == ["Q3 2026", "Q4 2026 so far"] and cells["zmin"] == 0
    zeros = regions.heatmap(df.assign(events=0), empty_text="No events in any region between A and B.")
    assert not zeros.to_plotly_json()["data"]
    assert zeros.to_plotly_json()["layout"]["annotations"][0]["text"] == "No events in any region between A and B."


def test_empty_words_say_where_the_data_lies() -> None:
    win = Window(dt.date(2020, 7, 1), dt.date(2021, 6, 30), "Last 12 months")
    assert notes.nothing_in("events", win, dt.date(2014, 1, 7), dt.date(2018, 12, 17)) == (
        "No events between 1 Jul 2020 and 30 Jun 2021. Events in this data run from 7 Jan 2014 to 17 Dec 2018 for "
        "these filters: choose All time, or a period within those dates.")
    assert notes.nothing_in("events", win, None, None).endswith("There are no events in this data for these filters.")


@pytest.fixture
def real(real_dashboard_db: Path) -> Path:
    return real_dashboard_db


def test_an_empty_default_period_on_real_data_says_where_the_events_are(real: Path, use_app_environment,
                                                                       tmp_path: Path, monkeypatch) -> None:
    """The real-data set's latest activity is a payment in 2021; its workshops end in 2018. The default period
    (the 12 months to the data's date) holds no event, and the charts say when the events were."""
    events = pd.read_csv(REAL / "events.csv", dtype=str)
    first, last = (dt.date.fromisoformat(d) for d in (events["start_date"].min(), events["start_date"].max()))
    chosen = filters.make(None)
    assert training.events_over_time(chosen).empty
    use_app_environment(tmp_path)
    monkeypatch.setenv("SCN_DB", str(real))
    settings.get.cache_clear()
    import app  # noqa: F401
    from dashboards.pages import training as page

    figure, _note = page.show_events("", "event_type")
    words = figure.to_plotly_json()["layout"]["annotations"][0]["text"]
    assert f"from {first.day} {first:%b %Y} to {last.day} {last:%b %Y}" in words
    assert words.startswith("No events between ")

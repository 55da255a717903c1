"""The filter state survives the URL round trip, periods resolve against the data's date, colours stay put."""

from __future__ import annotations

import datetime as dt

import pytest

from dashboards import filters, theme
from dashboards.filters import Filters, from_controls, from_query, make, resolve, to_controls, to_query
from data_pipeline.contract import EVENT_TYPES, REGIONS

AS_OF = dt.date(2026, 10, 30)

ROUND_TRIPS = [
    Filters(),
    Filters(period="all"),
    Filters(period="this-year", regions=("MENA",)),
    make("2024-Q3", regions=["Central & Southeast Asia and Pacific", "East & Southern Africa"],
         countries=["KEN", "jor"], event_types=["city exchange", "training"], topics=["hate speech"]),
    Filters(period="custom", start=dt.date(2025, 1, 15), end=dt.date(2025, 6, 30), topics=("a & b, c", "ü=1?")),
    make("last-year", regions=REGIONS, event_types=EVENT_TYPES),
]


@pytest.mark.parametrize("chosen", ROUND_TRIPS)
def test_url_round_trip_restores_every_filter(chosen: Filters) -> None:
    assert from_query(to_query(chosen)) == chosen


def test_default_filters_have_an_empty_query_string() -> None:
    assert to_query(Filters()) == ""
    assert from_query("") == Filters() == from_query(None) == from_query("?")


def test_query_string_is_readable_and_canonical() -> None:
    chosen = from_query("?region=mena&region=east-southern-africa&country=ken&event=city-exchange&period=2024-Q3")
    assert chosen.regions == ("East & Southern Africa", "MENA")  # contract order, not URL order
    assert chosen.countries == ("KEN",)
    assert to_query(chosen) == "?period=2024-Q3&region=east-southern-africa&region=mena&country=KEN&event=city-exchange"


def test_hand_edited_links_keep_what_can_be_understood() -> None:
    chosen = from_query("?period=someday&region=atlantis&region=europe&country=K1&country=xx&event=party"
                        "&from=2025-13-01&topic=" + "x" * 200)
    assert chosen == Filters(regions=("Europe",))


def test_custom_range_with_dates_reversed_is_put_in_order() -> None:
    chosen = from_query("?period=custom&from=2025-06-30&to=2025-01-01")
    assert (chosen.start, chosen.end) == (dt.date(2025, 1, 1), dt.date(2025, 6, 30))


def test_chip_clears_one_filter_and_keeps_the_others() -> None:
    chosen = make("2024-Q1", regions=["MENA"], countries=["JOR"], topics=["online harms"])
    assert chosen.without("region") == make("2024-Q1", countries=["JOR"], topics=["online harms"])
    assert chosen.without("period").period == filters.DEFAULT_PERIOD


def test_last_12_months_are_whole_months_ending_at_the_data_date() -> None:
    win = resolve(Filters(), AS_OF)
    assert (win.start, win.end) == (dt.date(2025, 11, 1), AS_OF)
    assert (win.previous.start, win.previous.end) == (dt.date(2024, 11, 1), dt.date(2025, 10, 30))
    assert win.grain == "month"


def test_this_year_is_compared_with_the_same_days_last_year() -> None:
    win = resolve(Filters(period="this-year"), AS_OF)
    assert (win.start, win.end) == (dt.date(2026, 1, 1), AS_OF)
    assert (win.previous.start, win.previous.end) == (dt.date(2025, 1, 1), dt.date(2025, 10, 30))


def test_last_year_and_all_time() -> None:
    win = resolve(Filters(period="last-year"), AS_OF)
    assert (win.start, win.end, win.previous.start) == (dt.date(2025, 1, 1), dt.date(2025, 12, 31), dt.date(2024, 1, 1))
    every = resolve(Filters(period="all"), AS_OF)
    assert every.start is None and every.end == AS_OF and every.previous is None and every.grain == "quarter"


def test_running_quarter_is_compared_with_as_many_days_of_the_quarter_before() -> None:
    win = resolve(Filters(period="2026-Q4"), AS_OF)
    assert (win.start, win.end) == (dt.date(2026, 10, 1), AS_OF)
    assert (win.previous.start, win.previous.end) == (dt.date(2026, 7, 1), dt.date(2026, 7, 30))
    # the labels say it is part of each quarter, not "vs 2026 Q3"
    assert (win.label, win.previous.label) == ("2026 Q4 so far", "2026 Q3 to 30 Jul")
    past = resolve(Filters(period="2024-Q1"), AS_OF)
    assert (past.label, past.previous.label) == ("2024 Q1", "2023 Q4")
    assert (past.end, past.previous.start, past.previous.end) == (
        dt.date(2024, 3, 31), dt.date(2023, 10, 1), dt.date(2023, 12, 31))


def test_custom_range_is_compared_with_the_equal_range_before() -> None:
    win = resolve(make("custom", start="2025-03-01", end="2025-03-10"), AS_OF)
    assert (win.previous.start, win.previous.end) == (dt.date(2025, 2, 19), dt.date(2025, 2, 28))


def test_leap_day_data_date() -> None:
    win = resolve(Filters(period="this-year"), dt.date(2024, 2, 29))
    assert win.previous.end == dt.date(2023, 2, 28)


def test_quarter_list_runs_newest_first() -> None:
    assert filters.quarters_between(dt.date(2025, 11, 20), AS_OF) == ["2026-Q4", "2026-Q3", "2026-Q2", "2026-Q1",
                                                                       "2025-Q4"]


def test_controls_round_trip() -> None:
    chosen = ROUND_TRIPS[3]
    c = to_controls(chosen)
    assert c["period"] == "quarter" and c["quarter"] == "2024-Q3"
    again = from_controls(c["period"], c["quarter"], c["start"], c["end"], c["regions"], c["countries"],
                          c["event_types"], c["topics"], window=resolve(Filters(), AS_OF))
    assert again == chosen


def test_choosing_custom_starts_from_the_dates_shown() -> None:
    shown = resolve(Filters(), AS_OF)
    chosen = from_controls("custom", None, None, None, [], [], [], [], window=shown)
    assert (chosen.period, chosen.start, chosen.end) == ("custom", shown.start, shown.end)
    quarter = from_controls("quarter", None, None, None, [], [], [], [], window=shown)
    assert quarter.period == "2026-Q4"


def test_describe_names_the_period_and_filters() -> None:
    text = filters.describe(make("2024-Q3", regions=["MENA"], topics=["online harms"]), AS_OF)
    assert text == "2024 Q3 (1 Jul 2024 – 30 Sep 2024); Regions: MENA; Topics: online harms"


def test_every_region_has_its_own_fixed_colour() -> None:
    colours = [theme.region_colour(r) for r in REGIONS]
    assert len(set(colours)) == len(REGIONS) == 9
    # Pinned: a region's colour must not move when code or data change.
    assert theme.region_colour("East & Southern Africa") == "#CC6677"
    assert theme.region_colour("Latin America & Caribbean") == "#AA4499"
    assert theme.region_colour(None) == theme.region_colour("Atlantis") == theme.UNKNOWN_COLOUR
    assert theme.UNKNOWN_COLOUR not in colours

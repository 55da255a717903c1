"""Figure functions draw what their data says (trace types, values, colours, titles) and say so when empty;
exports and the words under charts are right. No database and no browser needed."""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd
import pytest
from openpyxl import load_workbook

from dashboards import formatting as fmt
from dashboards import notes, theme
from dashboards.figures import city, common, grants, maps, membership, overview, quality, regions, training
from dashboards.reports import exports
from data_pipeline.contract import MILESTONES, REGIONS

AS_OF = dt.date(2026, 10, 30)


def test_empty_data_says_so_in_words_instead_of_empty_axes() -> None:
    empties = [
        overview.region_bars(pd.DataFrame({"region": [], "participants": []})),
        overview.kpi_trend(pd.DataFrame(columns=["period", "grain", *overview.TREND_MEASURES])),
        maps.member_map(pd.DataFrame(columns=["city_id"])),
        membership.steering_timeline(pd.DataFrame(), as_of=AS_OF),
        training.topics(pd.DataFrame()),
        grants.indicator(pd.DataFrame()),
    ]
    for fig in empties:
        assert common.is_empty(fig)
        assert not fig.layout.xaxis.visible
        assert fig.layout.annotations[0].text
        assert fig.layout.title.text


def regions_frame() -> pd.DataFrame:
    rows = [(r, i * 10) for i, r in enumerate(REGIONS, start=1)] + [("No region", 7)]
    return pd.DataFrame(rows, columns=["region", "participants"])


def test_region_bars_use_the_region_colours_and_leave_out_no_region() -> None:
    fig = overview.region_bars(regions_frame(), measure="participants")
    bar = fig.data[0]
    assert bar.type == "bar" and bar.orientation == "h"
    assert list(bar.y) == list(REGIONS)[::-1]
    assert list(bar.x) == [i * 10 for i in range(9, 0, -1)]
    assert list(bar.marker.color) == [theme.region_colour(r) for r in list(REGIONS)[::-1]]
    assert list(bar.customdata[0]) == ["region", REGIONS[-1]]
    assert fig.layout.title.text == "Unique participants by region"


def test_kpi_trend_draws_one_panel_per_measure_with_the_values() -> None:
    df = pd.DataFrame({"period": pd.date_range("2026-01-01", periods=3, freq="MS"), "grain": "month",
                       "events": [1, 2, 3], "participants": [10, 0, 5], "new_members": [0, 1, 0],
                       "awarded_usd": [0.0, 1000.0, 0.0]})
    fig = overview.kpi_trend(df)
    assert [t.type for t in fig.data] == ["bar"] * 4
    assert list(fig.data[0].y) == [1, 2, 3] and list(fig.data[3].y) == [0, 1000, 0]
    assert fig.layout.annotations[0].text == "Events per month"


def map_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "city_id": ["A", "B", "C"], "city_name": ["Aa", "Bb", "Cc"], "country_iso3": ["KEN", "KEN", "NOR"],
        "country_name": ["Kenya", "Kenya", "Norway"], "region": ["East & Southern Africa"] * 2 + ["Europe"],
        "latitude": [-1.3, -4.0, 59.9], "longitude": [36.8, 39.7, 10.7], "membership": ["member"] * 3,
        "visibility": ["public", "confidential", "public"], "on_steering_committee": [False] * 3,
        "participants": [100, 0, 25], "events_hosted": [1, 0, 2], "milestones": [5, 0, 2]})


def test_member_map_shades_countries_and_sizes_cities_by_reach() -> None:
    fig = maps.member_map(map_frame())
    shade, *points = fig.data
    assert shade.type == "choropleth" and shade.locationmode == "ISO-3"
    assert dict(zip(shade.locations, shade.z, strict=True)) == {"KEN": 2, "NOR": 1}
    assert [p.type for p in points] == ["scattergeo", "scattergeo"]
    africa = points[0]
    assert africa.name == "East & Southern Africa" and africa.marker.color == theme.region_colour(africa.name)
    assert [list(c) for c in africa.customdata] == [["city", "A"], ["city", "B"]]
    assert list(africa.marker.size) == [30, 7]  # the biggest reach gets the biggest point, none the smallest
    assert "(confidential)" in africa.hovertext[1]


def test_member_map_can_colour_by_engagement_ladder() -> None:
    fig = maps.member_map(map_frame(), colour_by="engagement")
    names = [t.name for t in fig.data[1:]]
    assert names == ["0 milestones", "2 milestones", f"{len(MILESTONES)} milestones"]


def test_joins_and_exits_draw_exits_below_zero() -> None:
    df = pd.DataFrame({"period": pd.to_datetime(["2026-01-01", "2026-02-01"]), "region": ["MENA", "MENA"],
                       "members": [3, 2], "joins": [1, 0], "exits": [0, 2]})
    fig = membership.joins_and_exits(df)
    joins, exits = fig.data
    assert list(joins.y) == [1, 0] and list(exits.y) == [0, -2]
    assert fig.layout.barmode == "relative"
    area = membership.members_by_region(df)
    assert area.data[0].stackgroup == "members" and list(area.data[0].y) == [3, 2]


def test_steering_timeline_draws_a_bar_per_term_up_to_the_data_date_while_serving() -> None:
    df = pd.DataFrame({"city_id": ["A", "B"], "city_name": ["Aa", "Bb"], "region": ["MENA", "Europe"],
                       "country_iso3": ["JOR", "NOR"], "role": ["co-chair", "member"],
                       "term_start": [dt.date(2024, 1, 1), dt.date(2025, 1, 1)],
                       "term_end": [dt.date(2024, 12, 31), None], "is_current": [False, True]})
    fig = membership.steering_timeline(df, as_of=AS_OF)
    assert fig.layout.barmode == "overlay"
    europe = next(t for t in fig.data if t.name == "Europe")
    assert europe.x[0] == pytest.approx((pd.Timestamp(AS_OF) - pd.Timestamp("2025-01-01")).total_seconds() * 1000)
    seats = membership.committee_composition(df)
    assert sum(sum(t.x) for t in seats.data) == 1


def test_ladder_splits_cities_reached_before_and_in_the_period() -> None:
    df = pd.DataFrame({"step": [1, 2], "milestone": MILESTONES[:2], "cities": [10, 4], "in_period": [3, 0],
                       "members": [12, 12]})
    fig = membership.ladder(df)
    before, during = fig.data
    assert list(before.x) == [4, 7] and list(during.x) == [0, 3]  # ladder drawn top-down
    assert fig.layout.xaxis.range == (0, 12)


def test_events_over_time_stacks_by_the_chosen_split() -> None:
    df = pd.DataFrame({"period": pd.to_datetime(["2026-01-01"] * 3), "grain": "month",
                       "event_type": ["training", "training", "webinar"], "modality": ["online", "hybrid", "online"],
                       "events": [2, 1, 4], "attendances": [20, 5, 40], "without_region": [0, 0, 1]})
    by_type = training.events_over_time(df, by="event_type")
    assert {t.name: list(t.y) for t in by_type.data} == {"Training": [3], "Webinar": [4]}
    by_modality = training.events_over_time(df, by="modality")
    assert {t.name: list(t.y) for t in by_modality.data} == {"Online": [6], "Hybrid": [1]}
    assert by_type.layout.title.text == "Events by event type"


def test_breakdown_keeps_the_contract_order() -> None:
    df = pd.DataFrame({"dimension": ["gender", "gender", "age_band", "role"], "value": ["male", "female", "18-24",
                       "police"], "participants": [4, 6, 10, 10]})
    fig = training.breakdown(df)
    assert list(fig.data[0].y) == ["Male", "Female"]  # drawn bottom-up: female first on screen, in the reader's words
    assert list(fig.data[0].customdata) == [0.4, 0.6]


def test_portfolio_and_indicator_figures() -> None:
    df = pd.DataFrame({"dimension": ["donor_name"] * 2 + ["region"], "value": ["X", "Y", "MENA"],
                       "grants": [1, 2, 3], "awarded_usd": [100.0, 300.0, 400.0], "disbursed_usd": [50.0, 0.0, 50.0]})
    fig = grants.portfolio(df, dimension="donor_name", label="donor")
    awarded, paid = fig.data
    assert list(awarded.y) == ["X", "Y"] and list(awarded.x) == [100, 300] and list(paid.x) == [50, 0]
    assert [list(c) for c in grants.portfolio(df, dimension="region").data[0].customdata] == [["region", "MENA"]]
    fig = grants.indicator(_series())
    assert [t.name for t in fig.data] == ["Target", "Actual"]
    assert fig.layout.shapes[0].y0 == 10.0  # the baseline
    assert fig.layout.title.text == "People trained (I1)"
    assert list(fig.data[1].marker.color) == [theme.BAD, grants.INDICATOR_STATUSES["awaiting data"]]
    assert "people" in fig.layout.yaxis.title.text and "higher is better" in fig.layout.yaxis.title.text


def _series(**changes) -> pd.DataFrame:
    """An indicator's periods as queries.grants.indicator_series gives them."""
    rows = {"indicator_id": ["I1"] * 2, "title": ["People trained"] * 2, "measure": ["unit"] * 2,
            "unit": ["people"] * 2, "direction": ["higher"] * 2, "aggregation": ["cumulative"] * 2,
            "range_low": [None] * 2, "range_high": [None] * 2, "baseline_value": [10.0] * 2,
            "baseline_year": [2024] * 2, "period_end": pd.to_datetime(["2025-12-31", "2026-06-30"]),
            "target_to_date": [20.0, 30.0], "actual_to_date": [18.0, None], "target_met": [False, None],
            "progress": [0.8, None], "status": ["off track", "awaiting data"]}
    return pd.DataFrame(rows | changes)


def test_an_indicator_with_one_period_gets_a_time_axis_of_months() -> None:
    one = _series().head(1)
    fig = grants.indicator(one)
    start, end = (pd.Timestamp(x) for x in fig.layout.xaxis.range)
    assert pd.Timedelta(days=150) <= end - start <= pd.Timedelta(days=200)
    assert fig.layout.xaxis.tickformat == "%b %Y"
    # periods spread over years keep plotly's own axis
    assert grants.indicator(_series()).layout.xaxis.range is None


def test_a_range_indicator_is_drawn_as_its_band_not_a_target_line() -> None:
    band = _series(measure=["percentage"] * 2, unit=[None] * 2, direction=["range"] * 2, range_low=[40.0] * 2,
                   range_high=[60.0] * 2, target_to_date=[None] * 2, actual_to_date=[52.0, 65.0],
                   baseline_value=[None] * 2, status=["on track", "off track"])
    fig = grants.indicator(band)
    assert [t.name for t in fig.data] == ["Actual"]
    rect = next(s for s in fig.layout.shapes if s.type == "rect")
    assert (rect.y0, rect.y1) == (40.0, 60.0)
    assert "keep within the band" in fig.layout.yaxis.title.text


def test_heatmap_rows_are_regions_in_contract_order_and_cells_filter() -> None:
    df = pd.DataFrame({"region": ["MENA", "Europe", "MENA"], "quarter": pd.to_datetime(["2026-01-01", "2026-01-01",
                                                                                         "2026-04-01"]),
                       "events": [1, 2, 3]})
    fig = regions.heatmap(df, measure="events")
    hm = fig.data[0]
    assert list(hm.y) == ["Europe", "MENA"] and list(hm.x) == ["Q1 2026", "Q2 2026"]
    assert [list(r) for r in hm.z] == [[2, 0], [1, 3]]
    assert list(hm.customdata[1][0]) == ["region", "MENA"]


def test_city_activity_and_source_coverage() -> None:
    df = pd.DataFrame({"period": pd.to_datetime(["2026-01-01", "2026-02-01"]), "grain": "month",
                       "events_hosted": [0, 2], "participants": [5, 9]})
    fig = city.activity(df, city="Oslo")
    assert fig.layout.title.text == "Oslo: activity over time" and list(fig.data[1].y) == [5, 9]
    quiet = city.activity(df.assign(events_hosted=0, participants=0), city="Oslo")
    assert "Oslo hosted no event" in quiet.layout.annotations[0].text
    sources = pd.DataFrame({"table_name": ["events"], "file": ["events.csv"], "rows": [3],
                            "min_date": [dt.date(2020, 1, 1)], "max_date": [dt.date(2020, 1, 1)]})
    assert quality.coverage(sources).data[0].x[0] == 86_400_000  # a one-day source still shows


def test_excel_export_has_a_header_row_and_an_about_sheet() -> None:
    df = pd.DataFrame({"City": ["Malmö", "Oslo"], "Participants": [3, None]})
    book = load_workbook(io.BytesIO(exports.xlsx_bytes(df, about={"Filters": "All time"})))
    rows = list(book["data"].values)
    assert rows == [("City", "Participants"), ("Malmö", 3), ("Oslo", None)]
    assert list(book["about"].values) == [("Filters", "All time")]


def test_grid_export_uses_the_grid_headers_and_order() -> None:
    defs = [{"field": "city_name", "headerName": "City"}, {"field": "rows"}]
    frame = exports.grid_frame([{"rows": 2, "city_name": "Oslo", "hidden": 1}], defs)
    assert frame.columns.tolist() == ["City", "rows"] and frame.iloc[0].tolist() == ["Oslo", 2]
    payload = exports.csv_download(frame, "x.csv")
    assert payload["content"] == "\ufeffCity,rows\nOslo,2\n" and payload["filename"] == "x.csv"


def test_notes_and_formats_read_like_a_report() -> None:
    assert notes.based_on(1204, "events", left_out=37, why="without a region") == (
        "Based on 1,204 events; 37 without a region are left out.")
    assert notes.based_on(1, "grant", left_out=1, why="without a city", ignored=["event type", "topic"]) == (
        "Based on 1 grant; 1 without a city is left out. The event type and topic filters do not apply here.")
    assert (fmt.usd(1_234_567), fmt.compact(12_400), fmt.share(0.456), fmt.day(AS_OF)) == (
        "$1.2M", "12.4k", "46%", "30 Oct 2026")
    assert fmt.change(110, 100) == ("+10%", "up") and fmt.change(5, 0) == ("new", "up")
    assert fmt.points_change(0.5, 0.52) == ("-2 pts", "down") and fmt.change(None, 3) == ("no comparison", "none")

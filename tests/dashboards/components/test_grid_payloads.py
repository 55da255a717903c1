"""What grids and pickers send to the browser: only the columns shown, at most a bounded number of rows, and a
note that says when rows were left out."""

from __future__ import annotations

import pandas as pd

from dashboards import components as ui
from dashboards import notes


def test_grid_rows_send_only_shown_columns_and_the_city_id_a_link_needs() -> None:
    df = pd.DataFrame({"city_id": ["c1", "c2"], "city_name": ["Aa", "Bb"], "secret": [1, 2],
                       "joined_on": pd.to_datetime(["2020-01-02", None]), "share": [0.123456, None]})
    rows = ui.grid_rows(df, [ui.city_column(), {"field": "joined_on"}, {"field": "share"}])
    assert rows == [{"city_id": "c1", "city_name": "Aa", "joined_on": "2020-01-02", "share": 0.12},
                    {"city_id": "c2", "city_name": "Bb", "joined_on": None, "share": None}]
    assert ui.grid_rows(df, [{"field": "city_name"}]) == [{"city_name": "Aa"}, {"city_name": "Bb"}]


def test_grid_rows_stop_at_the_limit_and_the_note_says_so() -> None:
    df = pd.DataFrame({"n": range(1200)})
    rows = ui.grid_rows(df, limit=ui.GRID_LIMIT)
    assert len(rows) == ui.GRID_LIMIT and rows[-1] == {"n": ui.GRID_LIMIT - 1}
    assert notes.capped(len(rows), len(df), "grants", "download the CSV") == (
        "The table lists the first 500 of 1,200 grants; narrow the filters, or download the CSV.")
    assert notes.capped(3, 3, "grants") == ""


def _options(n: int) -> tuple[pd.Series, pd.Series]:
    values = pd.Series([f"IND-{i:04d}" for i in range(n)])
    labels = values + " · " + pd.Series(["Skikda" if i % 7 == 0 else "Mombasa" for i in range(n)])
    return labels, values


def test_a_growing_dropdown_lists_a_bounded_number_and_searches_the_rest() -> None:
    labels, values = _options(1000)
    first = ui.bounded_options(labels, values, "", None)
    assert len(first) == ui.OPTIONS_LIMIT and first[0] == {"label": "IND-0000 · Skikda", "value": "IND-0000"}
    found = ui.bounded_options(labels, values, "skikda", None)
    assert {o["value"] for o in found} == {f"IND-{i:04d}" for i in range(0, 700, 7)}
    assert ui.bounded_options(labels, values, "IND-0993", None) == [
        {"label": "IND-0993 · Mombasa", "value": "IND-0993"}]


def test_a_growing_dropdown_always_keeps_the_chosen_option() -> None:
    labels, values = _options(1000)
    kept = ui.bounded_options(labels, values, "", "IND-0999")
    assert len(kept) == ui.OPTIONS_LIMIT + 1 and kept[-1]["value"] == "IND-0999"
    assert [o["value"] for o in ui.bounded_options(labels, values, "nothing like this", "IND-0500")] == ["IND-0500"]

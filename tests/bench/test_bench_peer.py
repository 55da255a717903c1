"""The plain-pandas peer of the benchmark computes the same numbers as the DuckDB marts, or its speed ratio means
nothing: every mart it covers is compared row by row, column by column, on the demo sources."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bench import pandas_peer
from data_pipeline.store import open_read_only
from tests.paths import SAMPLE

TODAY = dt.date(2026, 11, 21)
KEYS = {
    "city_engagement": ["city_id"],
    "kpi_by_period": ["grain", "period_start", "region"],
    "grant_portfolio": ["grant_id"],
    "indicator_achievement": ["indicator_id", "period_end"],
    "regional_activity_quarterly": ["region", "quarter"],
}


@pytest.fixture(scope="module")
def marts(sample_db: Path) -> dict[str, pd.DataFrame]:
    """The marts of the session's database built from data/sample (tests/conftest.py)."""
    with open_read_only(sample_db) as con:
        return {name: con.execute(f"select * from {name}").df() for name in KEYS}


@pytest.fixture(scope="module")
def peer() -> dict[str, pd.DataFrame]:
    return pandas_peer.compute(SAMPLE, TODAY)


def _comparable(series: pd.Series) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(series) or (series.dtype == object and isinstance(
            series.dropna().iloc[0] if series.notna().any() else None, dt.date)):
        return pd.to_datetime(series).astype("datetime64[s]")
    if pd.api.types.is_bool_dtype(series):  # numpy or nullable booleans alike, NULL kept as None
        return series.astype("boolean").astype(object).where(series.notna(), None)
    if pd.api.types.is_numeric_dtype(series):
        return series.astype("float64")
    return series.astype(object).where(series.notna(), None)


def _sorted(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    frame = frame.assign(**{k: _comparable(frame[k]) for k in keys})
    return frame.sort_values(keys, na_position="last", kind="stable").reset_index(drop=True)


@pytest.mark.parametrize("mart", list(KEYS))
def test_pandas_peer_matches_duckdb_mart(mart: str, marts: dict, peer: dict) -> None:
    expected, actual = marts[mart], peer[mart]
    missing = set(expected.columns) - set(actual.columns)
    assert not missing, f"the peer's {mart} lacks {sorted(missing)}"
    assert len(actual) == len(expected), f"{mart}: {len(actual)} rows, DuckDB has {len(expected)}"
    assert len(expected) > 0
    keys = KEYS[mart]
    expected, actual = _sorted(expected, keys), _sorted(actual, keys)
    for column in expected.columns:
        want, got = _comparable(expected[column]), _comparable(actual[column])
        if pd.api.types.is_float_dtype(want):
            np.testing.assert_allclose(got.to_numpy(dtype=float), want.to_numpy(dtype=float), rtol=1e-9,
                                       atol=1e-9, equal_nan=True, err_msg=f"{mart}.{column}")
        else:
            mismatch = ~((want == got) | (want.isna() & got.isna()))
            assert not mismatch.any(), (
                f"{mart}.{column}: {mismatch.sum()} rows differ, e.g. DuckDB {want[mismatch].iloc[0]!r} "
                f"vs pandas {got[mismatch].iloc[0]!r} at {expected.loc[mismatch, keys].iloc[0].to_dict()}"
            )

"""The grant portfolio the exports publish, read from a published database.

Read with the SQL in `sql/standards/` through whatever runs a query: the command line's read-only connection, or
the dashboard's query layer, where the names resolve to the signed-in viewer's policy views (staging tables are
the data team's only, so anyone else reads an empty portfolio). The SQL is also where confidential member
cities are taken out, so no exporter can publish one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pandas as pd

from data_pipeline.store import open_read_only

SQL_DIR = Path(__file__).resolve().parent.parent / "sql" / "standards"
RunQuery = Callable[[str, dict], pd.DataFrame]
TABLES = ("grants", "disbursements", "indicators", "indicator_values")


@dataclass(frozen=True)
class Portfolio:
    """Grants with their payments, indicators and indicator values, as of the database's data date."""

    grants: pd.DataFrame
    disbursements: pd.DataFrame
    indicators: pd.DataFrame
    indicator_values: pd.DataFrame
    as_of: dt.date
    donor: str | None = None

    def payments_of(self, grant_id: str) -> list:
        return self._by("disbursements", "grant_id").get(grant_id, [])

    def indicators_of(self, grant_id: str) -> list:
        return self._by("indicators", "grant_id").get(grant_id, [])

    def values_of(self, indicator_id: str) -> list:
        return self._by("indicator_values", "indicator_id").get(indicator_id, [])

    @cached_property
    def _groups(self) -> dict[tuple[str, str], dict[str, list]]:
        return {}

    def _by(self, table: str, key: str) -> dict[str, list]:
        """The rows (named tuples, in order) of `table` per value of `key`, split once: filtering a DataFrame per
        grant and indicator made an export of the demo take seconds (bench/README.md)."""
        if (table, key) not in self._groups:
            groups: dict[str, list] = {}
            for row in getattr(self, table).itertuples(index=False):
                groups.setdefault(getattr(row, key), []).append(row)
            self._groups[(table, key)] = groups
        return self._groups[(table, key)]


def sql(name: str) -> str:
    """The query of one table; which grants it covers is the export_scope macro's (data_pipeline/sql/macros)."""
    return (SQL_DIR / f"standards_{name}.sql").read_text(encoding="utf-8")


def read_portfolio(run: RunQuery, *, donor: str | None = None) -> Portfolio:
    """The portfolio (of one donor when `donor` is given) through `run(sql, params)`."""
    frames = {name: run(sql(name), {"donor": donor}) for name in TABLES}
    as_of = run("select as_of from meta_build", {})
    for frame in frames.values():
        for column in frame.columns:
            if column in ("award_date", "start_date", "end_date", "paid_on", "period_start", "period_end"):
                frame[column] = pd.to_datetime(frame[column]).dt.date
    # missing values as None, not NaN (which is truthy): "no city" must read as no city
    frames = {name: frame.astype(object).where(frame.notna(), None) for name, frame in frames.items()}
    return Portfolio(**frames, as_of=pd.Timestamp(as_of.iloc[0, 0]).date() if len(as_of) else dt.date.today(),
                     donor=donor)


def from_database(db_path: Path, *, donor: str | None = None) -> Portfolio:
    """The portfolio read straight from a published database file (the command line; the data team's view)."""
    con = open_read_only(db_path)
    try:
        return read_portfolio(lambda text, params: con.execute(text, params).df(), donor=donor)
    finally:
        con.close()


def donors_in(run: RunQuery) -> pd.DataFrame:
    """Donor ids and names (for the command line's message when a donor is unknown)."""
    return run("select donor_id, donor_name from stg_donors order by donor_id", {})

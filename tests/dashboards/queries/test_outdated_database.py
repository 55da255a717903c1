"""A database built by an older pipeline is refused with words that say what to do, not DuckDB's error at start."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from dashboards import settings
from dashboards.queries import db
from data_pipeline.store import missing_from, open_read_only


@pytest.fixture
def older_db(sample_db: Path, tmp_path: Path) -> Path:
    """The sample database as an older pipeline would have left it: a column, a table and a macro fewer."""
    path = tmp_path / "older.duckdb"
    shutil.copy(sample_db, path)
    with duckdb.connect(str(path)) as con:
        con.execute("alter table city_engagement drop column last_activity_on").fetchall()
        con.execute("drop table steering_committee").fetchall()
        con.execute("drop macro period_length").fetchall()  # the file's own macros came later (b31f9a9)
    return path


def test_the_sample_database_fits_the_code(sample_db: Path) -> None:
    with open_read_only(sample_db) as con:
        assert missing_from(con) == []


def test_an_older_database_is_refused_naming_what_it_lacks(older_db: Path, monkeypatch) -> None:
    with open_read_only(older_db) as con:
        assert missing_from(con) == ["city_engagement.last_activity_on", "steering_committee", "macro period_length"]
    monkeypatch.setenv("SCN_DB", str(older_db))
    settings.get.cache_clear()
    try:
        db.warm()  # the app starts: the frame shows the notice instead of failing
        with pytest.raises(db.DatabaseOutdated, match=r"older version of the pipeline: it lacks "
                                                       r"city_engagement\.last_activity_on, steering_committee, "
                                                       r"macro period_length\. "
                                                       r"Rebuild it with `make data`"):
            db._connections.cursor(older_db, db.database_version())
    finally:
        settings.get.cache_clear()


def test_the_columns_checked_are_the_models_declared_ones() -> None:
    from data_pipeline.models import models, published_columns

    declared = {name: tuple(c.name for c in m.columns) for name, m in models().items() if m.published != "no"}
    assert published_columns() == declared and len(declared) >= 20

"""Queries of the Data quality page: what was built when, from which files, and what validation found.

Besides the database, the pipeline writes `<db without suffix>.report.json` after every attempt. When that
report is newer than the database and says the build was not published, the last attempt failed and the
page shows its problems: the served data is then older than the sources people think they loaded.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from dashboards import settings
from dashboards.queries import db
from dashboards.security.access import Viewer


def tables(*, viewer: Viewer | None = None) -> pd.DataFrame:
    """Row counts of every table of the published database."""
    return db.frame("select table_name, kind, rows from meta_tables order by table_name", viewer=viewer)


def sources(*, viewer: Viewer | None = None) -> pd.DataFrame:
    """Each source table's file, format, encoding, rows, checksum and the dates it covers."""
    return db.frame("select table_name, file, format, encoding, rows, min_date, max_date, sha256 from meta_sources "
                    "order by table_name", viewer=viewer)


def problems(*, viewer: Viewer | None = None) -> pd.DataFrame:
    """Validation problems of the published build (warnings: errors would have stopped it)."""
    return db.frame("select severity, file, line, \"column\", message from meta_problems "
                    "order by severity, file, try_cast(line as integer) nulls first, \"column\"", viewer=viewer)


def failed_attempt() -> dict | None:
    """The report of the last build attempt if it failed after the published database was made, else None.

    Returns the report's fields plus `problems` as a DataFrame (severity, file, line, column, message).
    """
    conf = settings.get()
    report_path = conf.report_path
    try:
        newer = report_path.stat().st_mtime > Path(conf.db_path).stat().st_mtime
        report = json.loads(report_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not newer or report.get("published") or report.get("ok"):
        return None
    found = pd.DataFrame(report.get("problems") or [], columns=["severity", "file", "line", "column", "message"])
    return {**report, "problems": found.reindex(columns=["severity", "file", "line", "column", "message"])}

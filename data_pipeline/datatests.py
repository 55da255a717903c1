"""Data tests run on every build before it is published, in the manner of dbt's schema tests.

Generic tests (unique, not null, accepted values, relationships) are declared below per built table; singular
tests are `sql/tests/*.sql` files, each a query that must return no rows. A failing test stops the publish:
the previous database keeps serving.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from data_pipeline.contract import (
    EVENT_TYPES,
    GENDERS,
    GRANT_STATUSES,
    MILESTONES,
    MODALITIES,
    REGIONS,
    VISIBILITIES,
)
from data_pipeline.staging import SQL_DIR
from data_pipeline.timing import Timings, timed

INDICATOR_STATUSES = ("on track", "off track", "awaiting data", "not due", "no target")
# Published tables whose rows carry `confidential` (their city, or the city they are attributed to, is a
# confidential member): the query layer folds such rows into regional totals for viewers who may not see them.
CONFIDENTIAL_FLAGGED = ("membership_monthly", "fct_attendance", "attendance_by_event", "fct_events",
                        "grant_portfolio", "fct_disbursements", "indicator_achievement")


@dataclass(frozen=True)
class DataTest:
    """One named test; `sql` returns the offending rows (none when the test passes)."""

    name: str
    sql: str


def unique(table: str, *columns: str) -> DataTest:
    cols = ", ".join(columns)
    return DataTest(f"unique {table}({cols})",
                    f"select {cols}, count(*) as n from {table} group by all having count(*) > 1")


def not_null(table: str, *columns: str) -> list[DataTest]:
    return [DataTest(f"not_null {table}.{c}", f"select * from {table} where {c} is null") for c in columns]


def accepted(table: str, column: str, values: tuple[str, ...]) -> DataTest:
    listed = ", ".join("'" + v.replace("'", "''") + "'" for v in values)
    return DataTest(f"accepted_values {table}.{column}",
                    f"select distinct {column} from {table} where {column} is not null and {column} not in ({listed})")


def boolean(table: str, column: str) -> DataTest:
    """Accepted values for a flag: the column exists and is BOOLEAN, so it holds true / false and nothing else
    (a text 'yes' or a missing column would make a filter on it silently keep or drop rows)."""
    return DataTest(
        f"accepted_values {table}.{column} (boolean)",
        f"select '{table}' as table_name where not exists (select 1 from information_schema.columns "
        f"where table_name = '{table}' and column_name = '{column}' and data_type = 'BOOLEAN')",
    )


def relationship(table: str, column: str, target: str, target_column: str) -> DataTest:
    return DataTest(
        f"relationships {table}.{column} -> {target}.{target_column}",
        f"select {column} from {table} where {column} is not null "
        f"and {column} not in (select {target_column} from {target})",
    )


GENERIC_TESTS: tuple[DataTest, ...] = (
    unique("city_engagement", "city_id"),
    unique("fct_events", "event_id"),
    # fct_attendance's key (event_id, participant_key) is tested as soon as it is built, while the source text is
    # still loaded to name the lines of a repeat (validate.PROVEN_BY_FACT): not again here
    unique("attendance_by_event", "event_id", "region", "country_iso3", "confidential"),
    unique("stg_participants", "participant_key"),  # the dashboard counts people by this key
    unique("grant_portfolio", "grant_id"),
    unique("indicator_achievement", "indicator_id", "period_end"),
    unique("membership_monthly", "month", "region", "country_iso3", "confidential"),
    unique("regional_activity_quarterly", "region", "quarter"),
    unique("kpi_by_period", "grain", "period_start", "region"),
    unique("city_milestones", "city_id", "milestone"),
    *not_null("city_engagement", "city_name", "region", "latitude", "longitude", "is_member", "dormant",
              "visibility"),
    *not_null("fct_attendance", "event_id", "participant_key", "start_date", "month", "hours", "completed"),
    *not_null("fct_events", "start_date", "event_type", "modality", "topic", "hours"),
    *not_null("grant_portfolio", "donor_name", "awarded_usd", "disbursed_usd", "status"),
    *not_null("fct_disbursements", "amount_usd"),
    *not_null("kpi_by_period", "members", "events"),
    # the query layer keeps confidential members' numbers inside regional totals by this flag: never unknown
    *[test for table in CONFIDENTIAL_FLAGGED for test in not_null(table, "confidential")],
    *[boolean(table, "confidential") for table in CONFIDENTIAL_FLAGGED],
    accepted("city_engagement", "region", REGIONS),
    accepted("city_engagement", "visibility", VISIBILITIES),
    accepted("fct_events", "event_type", EVENT_TYPES),
    accepted("fct_events", "modality", MODALITIES),
    accepted("fct_events", "region", REGIONS),
    accepted("stg_participants", "gender", GENDERS),
    accepted("grant_portfolio", "status", GRANT_STATUSES),
    accepted("city_milestones", "milestone", MILESTONES),
    accepted("indicator_achievement", "status", INDICATOR_STATUSES),
    accepted("kpi_by_period", "region", (*REGIONS, "All regions")),
    relationship("fct_attendance", "event_id", "fct_events", "event_id"),
    relationship("fct_attendance", "participant_city_id", "city_engagement", "city_id"),
    relationship("fct_events", "city_id", "city_engagement", "city_id"),
    relationship("grant_portfolio", "city_id", "city_engagement", "city_id"),
    relationship("fct_disbursements", "grant_id", "grant_portfolio", "grant_id"),
    relationship("indicator_achievement", "grant_id", "grant_portfolio", "grant_id"),
    relationship("steering_committee", "city_id", "city_engagement", "city_id"),
    relationship("city_engagement", "country_iso3", "ref_countries", "iso3"),
)


def singular_tests() -> list[DataTest]:
    """The `sql/tests/*.sql` files, each named after its file."""
    return [DataTest(path.stem, path.read_text(encoding="utf-8"))
            for path in sorted((SQL_DIR / "tests").glob("*.sql"))]


def run_data_tests(con: duckdb.DuckDBPyConnection,
                   timings: Timings | None = None) -> list[tuple[str, int, list[tuple]]]:
    """Run every data test; return (name, failing row count, first rows) for each test that failed.

    `timings`, when given, receives the wall time of each test as `test <name>`.
    """
    failures = []
    for test in (*GENERIC_TESTS, *singular_tests()):
        with timed(timings, f"test {test.name}"):
            rows = con.execute(f"select * from ({test.sql}) limit 5").fetchall()
        if rows:
            count = con.execute(f"select count(*) from ({test.sql})").fetchall()[0][0]
            failures.append((test.name, count, rows))
    return failures

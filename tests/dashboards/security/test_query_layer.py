"""The access views cannot be bypassed from the app's query path (issue #21, point 1).

Every statement the app runs goes through db.frame: whatever its SQL names, it reads the viewer's policy views or
nothing. Before, `select count(*) from scn.main.city_engagement` returned all 230 cities to a hub lead (31
through the view) and to the empty viewer.
"""

from __future__ import annotations

import pytest

from dashboards.queries import db
from dashboards.security.access import NOBODY, PUBLIC_VIEWER, Viewer

EVERY_VIEWER = [Viewer("a@x.org", "admin"), Viewer("pm@x.org", "programme_manager"),
                Viewer("sc@x.org", "steering_committee"), Viewer("hub@x.org", "hub_lead", regions=("MENA",)),
                Viewer("d@x.org", "donor", donor_id="DON-01"), PUBLIC_VIEWER, NOBODY]

AROUND_THE_VIEWS = [
    "select count(*) from scn.main.city_engagement",
    "select count(*) from scn.city_engagement",
    'select count(*) from "scn"."main"."city_engagement"',
    "select * from main.city_engagement",
    "select * from memory.policy_admin.city_engagement",
    "select * from policy_admin.grant_portfolio",
    "select * from memory.main.participant_sets",
    "select * from information_schema.tables",
    "select * from information_schema.columns",
    "select * from pg_catalog.pg_class",
    "select * from duckdb_tables()",
    "select * from duckdb_views()",
    "select * from duckdb_columns()",
    "select * from duckdb_settings()",
    "select * from duckdb_tables",
    "select * from read_csv('data/sample/cities.csv')",
    "select * from read_csv_auto('/etc/passwd')",
    "select * from read_parquet('x.parquet')",
    "select * from read_text('/etc/hostname')",
    "select * from 'data/sample/cities.csv'",
    "select * from glob('*')",
    "select * from query('select * from scn.main.city_engagement')",
    "select * from query_table('scn.main.city_engagement')",
    "select (select count(*) from scn.main.city_engagement)",
    "select * from city_engagement where city_id in (select city_id from scn.main.city_engagement)",
    "with c as (select * from scn.main.city_engagement) select * from c",
    "select * from city_engagement union all select * from scn.main.city_engagement",
    "summarize city_engagement",
    "describe city_engagement",
    "show tables",
    "attach 'data/build/scn.duckdb' as other",
    "copy (select 1) to '/tmp/scn-leak.csv'",
    "set search_path = 'memory.policy_admin'",
    "select 1; select * from scn.main.city_engagement",
    "pivot scn.main.city_engagement on region using count(*)",
    "create table memory.main.x as select * from scn.main.city_engagement",
]


@pytest.mark.parametrize("viewer", EVERY_VIEWER, ids=lambda v: v.role)
@pytest.mark.parametrize("sql", AROUND_THE_VIEWS)
def test_sql_naming_anything_but_the_viewers_views_is_refused(dashboard_db, viewer, sql):
    from dashboards.security import access
    if access.schema(viewer).split(".")[1] + "." in sql:  # the viewer's own views, qualified: allowed
        db.frame(sql, viewer=viewer)
        return
    with pytest.raises(db.QueryRefused):
        db.frame(sql, viewer=viewer)


@pytest.mark.parametrize("viewer", EVERY_VIEWER, ids=lambda v: v.role)
def test_the_views_themselves_and_the_apps_helpers_still_answer(dashboard_db, viewer):
    assert len(db.frame("with c as (select * from city_engagement) select count(*) as n from c "
                        "union all select count(*) from range(3)", viewer=viewer)) == 2
    db.frame("select * from people_split((select people_map(participant_key) from fct_attendance))", viewer=viewer)


def test_the_connection_reaches_no_file_and_cannot_be_reconfigured(dashboard_db):
    """Below the parser check: even a statement it let through could read no file."""
    cur = db._connections.cursor(dashboard_db, db.version(dashboard_db))
    try:
        for sql in ("select * from read_csv('data/sample/cities.csv')", "set enable_external_access = true",
                    "copy (select 1) to '/tmp/scn-leak.csv'", "set lock_configuration = false"):
            with pytest.raises(Exception, match=r"(?i)permission|configuration|disabled"):
                cur.execute(sql).fetchall()
    finally:
        cur.close()


def test_the_hub_lead_counts_31_cities_whatever_the_sql_says(dashboard_db):
    hub = EVERY_VIEWER[3]
    shown = db.frame("select count(*) as n from city_engagement", viewer=hub)["n"].iloc[0]
    assert 0 < shown < 230

"""Row and column limits of each role, enforced in the query layer (security/access.py + queries/db.py).

Every test queries the sample database built by the real pipeline through `db.frame`, the only way the app
reads data, and compares with what the source CSVs say each role may see.
"""

from __future__ import annotations

import pandas as pd
import pytest

from dashboards.queries import db
from dashboards.security import access
from dashboards.security.access import NOBODY, SYSTEM, Viewer
from data_pipeline.store import open_read_only
from tests.paths import SAMPLE

ADMIN = Viewer("admin@x.org", "admin")
MANAGER = Viewer("pm@x.org", "programme_manager")
STEERING = Viewer("sc@x.org", "steering_committee")
HUB = Viewer("hub@x.org", "hub_lead", regions=("MENA",))
DONOR = Viewer("donor@x.org", "donor", donor_id="DON-01")
PUBLIC = Viewer("public", "public")
LIMITED = (HUB, DONOR, PUBLIC)
EVERYONE = (ADMIN, MANAGER, STEERING, *LIMITED)


@pytest.fixture(scope="module")
def cities() -> pd.DataFrame:
    return pd.read_csv(SAMPLE / "cities.csv")


@pytest.fixture(scope="module")
def confidential(cities) -> pd.DataFrame:
    found = cities[cities["visibility"] == "confidential"]
    assert len(found) >= 3 and (found["region"] == "MENA").any()  # the demo has some, one in MENA
    return found


@pytest.fixture(scope="module")
def tables(sample_db) -> dict[str, list[str]]:
    con = open_read_only(sample_db)
    try:
        rows = con.execute("select table_name, list(column_name order by column_index) from duckdb_columns() "
                           "where database_name = 'scn' and schema_name = 'main' group by 1").fetchall()
    finally:
        con.close()
    return dict(rows)


def everything(table: str, viewer: Viewer) -> pd.DataFrame:
    return db.frame(f'select * from "{table}"', viewer=viewer)


def test_every_role_has_a_view_of_every_published_table_and_no_rule_is_stale(dashboard_db, tables):
    cur = db._connections.cursor(dashboard_db, db.version(dashboard_db))  # the catalog itself: not through frame
    try:
        shown = cur.execute("select schema_name, list(view_name) from duckdb_views() "
                            "where database_name = 'memory' group by 1").fetchall()
    finally:
        cur.close()
    views = {schema: set(names) for schema, names in shown}
    second_views = {name for name, rule in access.RULES.items() if rule.source}
    assert set(views) == {f"policy_{role}" for role in access.ROLES} | {"policy_none"}
    for schema, names in views.items():
        assert names == set(tables) | second_views, schema
    assert set(access.RULES) - second_views <= set(tables), "a rule names a table the pipeline no longer publishes"


@pytest.mark.parametrize("viewer", [NOBODY, Viewer("someone@x.org", "superuser"), Viewer("x@x.org", "")],
                         ids=["no session", "unknown role", "empty role"])
def test_a_missing_or_unknown_role_sees_no_row_of_any_table(dashboard_db, tables, viewer):
    for table in tables:
        assert everything(table, viewer).empty, table


def test_queries_without_a_viewer_outside_a_request_see_nothing(dashboard_db, tables):
    with db.acting_as(NOBODY):
        assert db.frame("select * from city_engagement").empty
        assert db.frame("select * from grant_portfolio").empty


def test_network_roles_see_every_row(dashboard_db, tables):
    for table in ("city_engagement", "grant_portfolio", "fct_attendance", "kpi_by_period"):
        full = len(everything(table, SYSTEM))
        assert full > 0
        for viewer in (ADMIN, MANAGER, STEERING):
            assert len(everything(table, viewer)) == full, (table, viewer.role)


def test_hub_lead_sees_only_their_region_in_every_regional_table(dashboard_db, tables):
    regional = [t for t, cols in tables.items() if "region" in cols and t in access.RULES
                and access.RULES[t].region == "region"]
    assert len(regional) >= 10
    for table in regional:
        rows = everything(table, HUB)
        assert set(rows["region"].dropna()) <= {"MENA"}, table
        assert rows["region"].notna().all(), f"{table}: rows without a region are not a hub's"


def test_hub_lead_city_list_is_their_region_without_confidential_members(dashboard_db, cities):
    shown = everything("city_engagement", HUB)
    expected = cities[(cities["region"] == "MENA") & (cities["visibility"] != "confidential")]
    assert sorted(shown["city_id"]) == sorted(expected["city_id"])


def test_donor_sees_only_their_own_grants_payments_and_indicators(dashboard_db):
    grants = pd.read_csv(SAMPLE / "grants.csv")
    own = set(grants.loc[grants["donor_id"] == "DON-01", "grant_id"])
    assert own and len(own) < len(grants)
    assert set(everything("grant_portfolio", DONOR)["grant_id"]) == own
    assert set(everything("fct_disbursements", DONOR)["grant_id"]) <= own
    indicators = everything("indicator_achievement", DONOR)
    assert not indicators.empty and set(indicators["grant_id"]) <= own


def test_donor_sees_no_member_list_event_list_or_network_tables(dashboard_db):
    for table in ("city_engagement", "steering_committee", "city_milestones", "fct_events", "city_counting",
                  "kpi_by_period", "regional_activity_quarterly", "meta_problems",
                  "meta_sources", "stg_participants"):
        assert everything(table, DONOR).empty, table


def test_donor_attendance_is_what_their_grants_reached_without_city_ids_or_scores(dashboard_db):
    mine = everything("fct_attendance", DONOR)
    everyone = everything("fct_attendance", SYSTEM)
    assert 0 < len(mine) < len(everyone)
    for column in ("event_city_id", "participant_city_id", "pre_score", "post_score", "satisfaction"):
        assert mine[column].isna().all(), column
    # Independent check: attendance at events hosted in a DON-01 grant's city while the grant ran.
    grants = everything("grant_portfolio", SYSTEM)
    own = grants[(grants["donor_id"] == "DON-01") & grants["city_id"].notna()]  # regional grants host nothing
    expected = everyone.merge(own[["city_id", "start_date", "end_date"]], left_on="event_city_id",
                              right_on="city_id", suffixes=("", "_g"))
    expected = expected[(expected["start_date"] >= expected["start_date_g"])
                        & (expected["start_date"] <= expected["end_date"].fillna(expected["start_date"]))]
    assert len(mine) == len(expected.drop_duplicates(["event_id", "participant_key"]))


@pytest.mark.parametrize("viewer", [DONOR, HUB, PUBLIC], ids=lambda v: v.role)
def test_attendance_by_event_holds_exactly_the_attendance_rows_the_viewer_sees(dashboard_db, viewer):
    """The learning measures read attendance_by_event: per event, a limited viewer's sums must be those of their
    own fct_attendance rows, with the same columns hidden (donors and the public get no scores)."""
    rows = everything("fct_attendance", viewer)
    summed = everything("attendance_by_event", viewer)
    assert 0 < len(rows) and len(summed) <= len(rows)
    per_event = summed.groupby("event_id")[["attendances", "completed"]].sum()
    expected = rows.groupby("event_id").agg(attendances=("event_id", "size"), completed=("completed", "sum"))
    pd.testing.assert_frame_equal(per_event.sort_index(), expected.sort_index(), check_dtype=False)
    assert set(summed["country_iso3"].dropna()) == set(rows["country_iso3"].dropna())
    if viewer is not HUB:
        for column in ("event_city_id", "scored", "gain_sum", "pre_sum", "post_sum", "rated", "satisfaction_sum"):
            assert summed[column].isna().all(), column


def test_data_team_tables_are_for_admins_and_programme_managers_only(dashboard_db, tables):
    for table in ("meta_problems", "meta_sources", "meta_tables", "stg_participants"):
        assert table in tables
        assert len(everything(table, ADMIN)) == len(everything(table, SYSTEM))
        for viewer in (STEERING, *LIMITED):
            assert everything(table, viewer).empty, (table, viewer.role)


def _text_of(frame: pd.DataFrame) -> str:
    return frame.to_csv(index=False) if not frame.empty else ""


@pytest.mark.parametrize("viewer", LIMITED, ids=lambda v: v.role)
def test_no_table_names_or_identifies_a_confidential_city_to_limited_roles(dashboard_db, tables, confidential,
                                                                          viewer):
    secrets = set(confidential["city_id"]) | set(confidential["city_name"])
    for table in tables:
        text = _text_of(everything(table, viewer))
        leaked = sorted(s for s in secrets if s in text)
        assert not leaked, f"{table} shows {leaked} to {viewer.role}"


def test_confidential_members_are_named_to_steering_committee_and_staff(dashboard_db, confidential):
    for viewer in (ADMIN, MANAGER, STEERING):
        shown = set(everything("city_engagement", viewer)["city_id"])
        assert set(confidential["city_id"]) <= shown


def test_confidential_members_still_count_in_their_region_totals(dashboard_db, confidential):
    sql = "select region, count_if(is_member) as members from city_counting group by region"
    staff = db.frame(sql, viewer=ADMIN).set_index("region")["members"]
    hub = db.frame(sql, viewer=HUB).set_index("region")["members"]
    assert hub["MENA"] == staff["MENA"]
    countries = db.frame("select country_iso3, count_if(is_member) as members from city_counting group by 1",
                         viewer=HUB)
    # Skikda (DZA) is confidential: Algeria's row does not count it; the unattributed row does.
    skikda = confidential[confidential["city_name"] == "Skikda"]
    assert not skikda.empty
    assert countries["country_iso3"].isna().any()


def test_member_counts_include_confidential_members_but_city_lists_do_not(dashboard_db, confidential):
    mena = confidential[confidential["region"] == "MENA"]
    counted = db.frame("select count(*) as n from city_counting", viewer=HUB)["n"].iloc[0]
    listed = db.frame("select count(*) as n from city_engagement", viewer=HUB)["n"].iloc[0]
    staff = db.frame("select count(*) as n from city_engagement where region = 'MENA'", viewer=ADMIN)["n"].iloc[0]
    assert counted == staff == listed + len(mena)


def test_confidential_grants_keep_their_money_but_lose_their_city(dashboard_db, confidential):
    admin = everything("grant_portfolio", ADMIN)
    hidden = admin[admin["city_id"].isin(confidential["city_id"])]
    assert not hidden.empty, "the demo funds at least one confidential city"
    shown = everything("grant_portfolio", PUBLIC).set_index("grant_id").loc[hidden["grant_id"]]
    assert shown["city_name"].eq(access.CONFIDENTIAL_LABEL).all()
    assert shown["title"].eq(access.CONFIDENTIAL_LABEL).all()
    assert shown["country_iso3"].isna().all()
    assert shown["awarded_usd"].sum() == pytest.approx(hidden["awarded_usd"].sum())
    # Each confidential city keeps one stand-in id, so "cities reached" still counts it once.
    assert shown["city_id"].nunique() == hidden["city_id"].nunique()
    assert not set(shown["city_id"]) & set(confidential["city_id"])


def test_user_values_reach_duckdb_only_as_parameters(dashboard_db):
    injected = "MENA') or true or ('"
    rows = db.frame("select * from city_engagement where region = $r", {"r": injected}, viewer=ADMIN)
    assert rows.empty
    assert len(everything("city_engagement", HUB)) == len(
        db.frame("select * from city_engagement where region = $r or true", {"r": injected}, viewer=HUB))


def test_cache_never_serves_one_viewers_rows_to_another(dashboard_db):
    import flask

    app = flask.Flask("t")
    db.init_cache(app)
    with app.app_context():
        full = db.frame("select * from city_engagement", viewer=ADMIN)
        limited = db.frame("select * from city_engagement", viewer=HUB)
    assert len(limited) < len(full)


def test_values_computed_first_are_the_viewers_own_and_part_of_the_cache_key(dashboard_db):
    """`frame(first=...)` runs its queries on the viewer's cursor before the main one: they see only the viewer's
    rows, a cached answer is never served for other `first` queries, and the viewer's own variable cannot be
    overwritten through them."""
    import flask

    count = "select count(*) from city_engagement"
    read = "select getvariable('n') as n"
    app = flask.Flask("t")
    db.init_cache(app)
    with app.app_context():
        admin = db.frame(read, viewer=ADMIN, first={"n": count})["n"].iloc[0]
        hub = db.frame(read, viewer=HUB, first={"n": count})["n"].iloc[0]
        mena = db.frame(read, viewer=ADMIN, first={"n": count + " where region = 'MENA'"})
    assert admin == len(everything("city_engagement", ADMIN))
    assert hub == len(everything("city_engagement", HUB)) < admin
    assert mena["n"].iloc[0] == (everything("city_engagement", ADMIN)["region"] == "MENA").sum() != admin
    with pytest.raises(ValueError, match="scn_viewer"):
        db.frame(read, viewer=HUB, first={"scn_viewer": "select 'admin'"})


@pytest.mark.parametrize("viewer", [DONOR, HUB, PUBLIC, NOBODY], ids=["donor", "hub lead", "public", "no session"])
def test_a_cursor_pointed_at_another_roles_views_sees_nothing(dashboard_db, viewer):
    """The search path picks a role's views, the variable says who is asking: when they disagree (a bug, or
    SQL that names another role's schema), every view answers no row."""
    cur = db._connections.cursor(dashboard_db, db.version(dashboard_db))
    try:
        access.enter(cur, viewer)
        for table in ("city_engagement", "grant_portfolio", "fct_attendance", "meta_build"):
            assert cur.execute(f"select count(*) from memory.policy_admin.{table}").fetchone() == (0,), table
        cur.execute("set search_path = 'memory.policy_admin'").fetchall()
        assert cur.execute("select count(*) from grant_portfolio").fetchone() == (0,)
    finally:
        cur.close()


@pytest.mark.parametrize("viewer", [HUB, DONOR], ids=lambda v: v.role)
def test_people_split_by_sex_age_and_role_counts_only_the_viewers_own_rows(dashboard_db, viewer):
    """people_split() ANDs the viewer's bitmap with sets made from every participant: the counts must still be
    those of the rows the viewer may see, never the network's."""
    from dashboards.filters import Filters
    from dashboards.queries import overview, training

    seen = everything("fct_attendance", viewer)
    assert 0 < seen["participant_key"].nunique() < everything("fct_attendance", ADMIN)["participant_key"].nunique()
    attributes = everything("stg_participants", ADMIN)[["participant_key", "gender", "age_band", "role"]]
    seen = seen.merge(attributes, on="participant_key", how="left", validate="many_to_one")
    expected = {(dim, value): n for dim in ("gender", "age_band", "role")
                for value, n in seen.groupby(dim)["participant_key"].nunique().items()}
    with db.acting_as(viewer):
        got = training.people(Filters(period="all"))
        kpis = overview.kpis(Filters(period="all"))
    assert dict(zip(zip(got["dimension"], got["value"], strict=True), got["participants"], strict=True)) == expected
    known = seen[seen["gender"].isin(["female", "male", "non-binary"])]
    women = known.loc[known["gender"] == "female", "participant_key"].nunique()
    assert kpis.loc[0, "women_share"] == pytest.approx(women / known["participant_key"].nunique())


def test_hub_lead_member_map_counts_people_from_their_own_rows(dashboard_db):
    """people_by_city() looks participants' cities up in the staging table: the counts must equal those of the
    attendance rows the hub lead sees, for the cities they may see."""
    from dashboards.filters import Filters
    from dashboards.queries import membership

    seen = everything("fct_attendance", HUB)
    reach = seen.dropna(subset=["participant_city_id"]).groupby("participant_city_id")["participant_key"].nunique()
    with db.acting_as(HUB):
        shown = membership.member_map(Filters(period="all"))
    assert len(shown) > 3 and set(shown["region"]) == {"MENA"}
    assert shown["participants"].sum() > 0
    assert dict(zip(shown["city_id"], shown["participants"], strict=True)) == {
        c: reach.get(c, 0) for c in shown["city_id"]}

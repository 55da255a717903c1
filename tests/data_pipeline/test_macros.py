"""The shared SQL steps (data_pipeline/sql/macros) say what their comments say, follow the contract, and are the
same definitions in the build's file and in every role's schema of the app's connection."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import duckdb
import pytest

from dashboards.filters import period_bounds
from dashboards.queries import db
from dashboards.security import access
from data_pipeline import macros
from data_pipeline.contract import GENDERS
from data_pipeline.store import open_read_only


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    with duckdb.connect(":memory:") as connection:
        macros.create_macros(connection)
        yield connection


def test_every_gender_of_the_contract_is_either_stated_or_undisclosed(con) -> None:
    rows = con.execute("select g, is_woman(g), gender_stated(g) from unnest($g) as t(g)", {"g": list(GENDERS)})
    judged = {g: (woman, stated) for g, woman, stated in rows.fetchall()}
    assert judged == {"female": (True, True), "male": (False, True), "non-binary": (False, True),
                      "undisclosed": (False, False)}, "a new gender in the contract needs its place in gender.sql"


def test_the_womens_share_is_of_those_who_stated_a_gender(con) -> None:
    share = con.execute("""select women_share(count_if(is_woman(g)), count_if(gender_stated(g)))
                           from unnest(['female', 'female', 'male', 'undisclosed', null]) as t(g)""").fetchall()
    assert share == [(pytest.approx(2 / 3),)]
    assert con.execute("select women_share(0, 0)").fetchall() == [(None,)]


@pytest.mark.parametrize(("joined", "left", "day", "member"), [
    ("2020-01-01", None, "2020-01-01", True),  # joined that day
    ("2020-01-02", None, "2020-01-01", False),
    ("2020-01-01", "2021-06-30", "2021-06-29", True),
    ("2020-01-01", "2021-06-30", "2021-06-30", False),  # left that day
])
def test_a_city_is_a_member_from_the_day_it_joins_until_the_day_it_leaves(con, joined, left, day, member) -> None:
    assert con.execute("select is_member_on($j::date, $l::date, $d::date)",
                       {"j": joined, "l": left, "d": day}).fetchall() == [(member,)]


@pytest.mark.parametrize("grain", ["month", "quarter", "year"])
def test_the_date_spine_covers_every_period_whole_but_the_last_one_cut_at_the_last_day(con, grain) -> None:
    first, last = dt.date(2019, 11, 17), dt.date(2022, 2, 10)
    rows = con.execute("select period_start, period_end from date_spine($g, $f, $l) order by 1",
                       {"g": grain, "f": first, "l": last}).fetchall()
    assert rows[0][0] <= first <= period_bounds(rows[0][0], grain)[1]
    assert rows[-1] == (rows[-1][0], last) and rows[-1][0] <= last
    for (start, end), (following, _end) in itertools.pairwise(rows):
        assert (start, end) == period_bounds(start, grain)  # the filter bar's idea of the same period
        assert following == end + dt.timedelta(days=1)  # no gap, no overlap
    assert all(con.execute("select period_start($g, $d) = $s", {"g": grain, "d": end, "s": start}).fetchall()[0][0]
               for start, end in rows)


def test_a_macro_file_holds_macros_only_each_defined_once(tmp_path: Path) -> None:
    (tmp_path / "a.sql").write_text("-- fine\ncreate or replace macro twice(x) as x * 2;\n")
    (tmp_path / "b.sql").write_text("create or replace macro twice(x) as x + x;\n")
    with pytest.raises(ValueError, match=r"macro twice is already defined in a\.sql"):
        macros.macros(tmp_path)
    (tmp_path / "b.sql").write_text("create table t as select 1;\n")
    with pytest.raises(ValueError, match=r"b.sql: every statement must be `create or replace macro"):
        macros.macros(tmp_path)


def test_the_built_file_and_every_role_of_the_app_have_the_same_macros(dashboard_db: Path) -> None:
    names = sorted(m.name for m in macros.macros())
    with open_read_only(dashboard_db) as con:
        built = con.execute("select macro_definition from duckdb_functions() where database_name = 'scn' "
                            "and function_name = 'date_spine'").fetchall()
        assert sorted({r[0] for r in con.execute(
            "select function_name from duckdb_functions() where database_name = 'scn' "
            "and list_contains($n, function_name)", {"n": names}).fetchall()}) == names
    cur = db._connections.cursor(dashboard_db, db.version(dashboard_db))
    try:
        for schema in access.schemas():
            catalog, name = schema.split(".")
            found = cur.execute("select function_name, macro_definition from duckdb_functions() "
                                "where database_name = $c and schema_name = $s and list_contains($n, function_name)",
                                {"c": catalog, "s": name, "n": names}).fetchall()
            assert sorted({f for f, _ in found}) == names, schema
            assert {d for f, d in found if f == "date_spine"} == {r[0] for r in built}, schema
    finally:
        cur.close()

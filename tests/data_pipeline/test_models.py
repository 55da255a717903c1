"""The models declare their order and their tests: the build order comes from what each model's SQL reads, each
declaration matches the table built, every published mart has an access rule, docs/marts.md is generated from the
declarations, and adding a mart is adding its SQL and its declaration (shown with a throwaway mart)."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from dashboards.security import access
from data_pipeline import models_doc
from data_pipeline.build import build
from data_pipeline.models import (
    BUILD_PARAMS,
    REFERENCE,
    SQL_DIR,
    ModelError,
    build_order,
    models,
    references,
)

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "sample"
# Published tables the build writes from code, not from a model.
CODE_TABLES = {"build_params", "meta_build", "meta_tables", "meta_sources", "meta_problems", "meta_activity"}


def _copy_models(tmp_path: Path) -> Path:
    folder = tmp_path / "sql"
    shutil.copytree(SQL_DIR, folder)
    return folder


def _add(folder: Path, layer: str, name: str, sql: str, declaration: str) -> None:
    (folder / layer / f"{name}.sql").write_text(sql, encoding="utf-8")
    (folder / layer / f"{name}.yml").write_text(declaration, encoding="utf-8")


def test_build_order_builds_every_model_after_the_models_it_reads() -> None:
    found = models()
    with_sources, after_sources = build_order(found)
    order = with_sources + after_sources
    assert sorted(order) == sorted(found)
    for name in order:
        for read in found[name].reads & set(found):
            assert order.index(read) < order.index(name), f"{name} is built before {read}, which it reads"
    # the fact read from the raw source through its unpublished view is built while the sources are loaded,
    # and nothing reading the data's date is
    assert "fct_attendance" in with_sources and "stg_attendance" in with_sources
    assert not [n for n in with_sources if BUILD_PARAMS in found[n].reads]


def test_references_are_read_by_duckdbs_parser_without_the_models_own_ctes() -> None:
    sql = """with events as (select * from stg_events), x as (select 1)
             select * from events join fct_attendance using (event_id)
             where region in (select region from ref_regions) and exists (select 1 from x)"""
    assert references(sql) == {"stg_events", "fct_attendance", "ref_regions"}


def test_a_cycle_between_models_is_refused_naming_it(tmp_path: Path) -> None:
    folder = _copy_models(tmp_path)
    declaration = "grain: one row\npublished: table\naccess: rule\ncolumns:\n  n:\n"
    _add(folder, "marts", "first_loop", "select n from second_loop", declaration)
    _add(folder, "marts", "second_loop", "select n from first_loop", declaration)
    with pytest.raises(ModelError, match="cycle: first_loop -> second_loop -> first_loop"):
        build_order(models(folder))


def test_a_model_reading_a_table_no_model_builds_is_refused(tmp_path: Path) -> None:
    folder = _copy_models(tmp_path)
    _add(folder, "marts", "orphan", "select * from fct_event", "grain: x\npublished: table\naccess: rule\n"
                                                                 "columns:\n  n:\n")
    with pytest.raises(ModelError, match=r"orphan.sql reads fct_event: no model or source has that name"):
        build_order(models(folder))


@pytest.mark.parametrize(("sql", "declaration", "message"), [
    ("select 1 as n", None, "has no declaration: add lonely.yml beside it"),
    ("select 1 as n", "grain: x\npublished: sometimes\naccess: rule\ncolumns:\n  n:\n",
     "`published` must be one of table, view, no, not 'sometimes'"),
    ("select 1 as n", "grain: x\npublished: table\naccess: rule\ncolumns:\n  n: {tests: [positive]}\n",
     "column n: unknown test 'positive'"),
    ("select 1 as n", "grain: x\npublished: table\naccess: rule\ncolumns:\n  n:\ntests:\n  - unique: [m]\n",
     "`unique` names undeclared column"),
    ("select 1 as n", "grain: x\npublished: table\naccess: rule\ncolumns:\n  n:\n"
                      "    tests: [{accepted_values: {contract: COLOURS}}]\n", "names contract.COLOURS"),
    ("select 1 as n; select 2 as n", "grain: x\npublished: table\naccess: rule\ncolumns:\n  n:\n",
     "is not one SELECT statement"),
])
def test_a_wrong_declaration_is_refused_naming_its_file(tmp_path: Path, sql: str, declaration: str | None,
                                                       message: str) -> None:
    folder = _copy_models(tmp_path)
    (folder / "marts" / "lonely.sql").write_text(sql, encoding="utf-8")
    if declaration is not None:
        (folder / "marts" / "lonely.yml").write_text(declaration, encoding="utf-8")
    with pytest.raises(ModelError, match="lonely") as refused:
        models(folder)
    assert message in str(refused.value)


def test_a_declaration_without_its_sql_is_refused(tmp_path: Path) -> None:
    folder = _copy_models(tmp_path)
    (folder / "marts" / "ghost.yml").write_text("grain: x\npublished: table\naccess: rule\ncolumns:\n  n:\n")
    with pytest.raises(ModelError, match=r"ghost\.yml declares a model with no SQL"):
        models(folder)


def test_each_declaration_lists_the_columns_of_its_built_table_in_order(sample_db: Path) -> None:
    with duckdb.connect(str(sample_db), read_only=True) as con:
        built = dict(con.execute("select table_name, list(column_name order by column_index) from duckdb_columns() "
                                 "where schema_name = 'main' group by 1").fetchall())
    for name, model in models().items():
        if model.published == "no":
            assert name not in built, f"{name} is declared unpublished but is in the file"
            continue
        assert built.get(name) == [c.name for c in model.columns], f"{model.path.with_suffix('.yml')}"


def test_the_published_file_holds_models_reference_and_build_tables_only(sample_db: Path) -> None:
    with duckdb.connect(str(sample_db), read_only=True) as con:
        tables = {r[0] for r in con.execute("select table_name from information_schema.tables "
                                            "where table_schema = 'main'").fetchall()}
    published = {n for n, m in models().items() if m.published != "no"}
    assert tables == published | REFERENCE | CODE_TABLES


def _without_rules(found) -> list[str]:
    """Published models with no rule in dashboards/access.py but for staging tables declared for the data team."""
    return sorted(name for name, m in found.items() if m.published != "no" and name not in access.RULES
                  and not (m.layer == "staging" and m.access == "data team"))


def test_every_published_model_has_an_access_rule_or_is_the_data_teams_staging_table() -> None:
    found = models()
    assert _without_rules(found) == [], "give each a rule in dashboards/access.py (RULES)"
    for name, model in found.items():
        assert (model.access == "rule") == (name in access.RULES), (
            f"{model.path.with_suffix('.yml')} says access: {model.access}, but access.RULES "
            f"{'has' if name in access.RULES else 'has no'} rule for {name}")
    assert {n for n, r in access.RULES.items() if not r.source} <= set(found) | REFERENCE | CODE_TABLES, (
        "a rule names a table nothing publishes")


def test_docs_marts_is_generated_from_the_declarations() -> None:
    assert (ROOT / "docs" / "marts.md").read_text(encoding="utf-8") == models_doc.render(), (
        "docs/marts.md is stale: run `make docs`")


THROWAWAY_SQL = """-- Events per topic and region: a mart added for the test.
with events as (
    select * from fct_events
),

final as (
    select topic, region, count(*) as events
    from events
    group by topic, region
)

select * from final
"""
THROWAWAY_DECLARATION = """grain: topic x region
published: {published}
access: rule
tests:
  - unique: [topic, region]
columns:
  topic: {{tests: [not_null]}}
  region: the event's region
  events: {{description: events held, tests: [{events_test}]}}
"""


def test_adding_a_mart_is_adding_its_sql_and_its_declaration(tmp_path: Path) -> None:
    folder = _copy_models(tmp_path)
    _add(folder, "marts", "events_by_topic", THROWAWAY_SQL,
         THROWAWAY_DECLARATION.format(published="view", events_test="not_null"))
    found = models(folder)
    assert found["events_by_topic"].reads == {"fct_events"}
    result = build(SAMPLE, tmp_path / "scn.duckdb", sql_dir=folder)
    assert result.ok, [str(p) for p in result.errors]
    with duckdb.connect(str(tmp_path / "scn.duckdb"), read_only=True) as con:
        total = con.execute("select sum(events) from events_by_topic").fetchall()[0][0]
        assert total == con.execute("select count(*) from fct_events").fetchall()[0][0]
        # a view is marked as one and left uncounted (counting would compute it)
        assert con.execute("select kind, rows from meta_tables where table_name = 'events_by_topic'").fetchall() \
            == [("view", None)]
    assert "| `events_by_topic` | topic x region (a view, computed when read) | topic, region (the event's region)" \
        in models_doc.render(folder)
    # the access check names it until dashboards/access.py has its rule
    assert _without_rules(found) == ["events_by_topic"]


def test_a_new_marts_declared_tests_run_before_publishing(tmp_path: Path) -> None:
    folder = _copy_models(tmp_path)
    failing = THROWAWAY_DECLARATION.format(published="table", events_test="{accepted_values: [1, 2]}")
    _add(folder, "marts", "events_by_topic", THROWAWAY_SQL, failing)
    result = build(SAMPLE, tmp_path / "scn.duckdb", sql_dir=folder)
    assert not result.ok and not (tmp_path / "scn.duckdb").exists()
    assert [p.column for p in result.errors] == ["accepted_values events_by_topic.events"]


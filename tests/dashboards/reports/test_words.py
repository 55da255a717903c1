"""The words a donor or the steering committee reads: numbers agree with their nouns, periods are named by their
dates, comparisons say what they compare, donors are named, and money awarded in another currency says so."""

from __future__ import annotations

import ast
import dataclasses
import datetime as dt
import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from dashboards import filters, notes, settings
from dashboards import formatting as fmt
from dashboards.i18n import _, ngettext, using
from dashboards.queries import db, impact
from dashboards.queries import grants as grants_q
from dashboards.queries.impact_data import ImpactData
from dashboards.reports.words import summary_sentences
from dashboards.security import access, users
from data_pipeline.build import build
from tests.paths import GOOD, ROOT
from tools import users as users_cli


def test_count_words_agree_in_number() -> None:
    assert notes.based_on(1, ngettext("grant whose work overlaps the period", "grants whose work overlaps the period",
                                      1)) == "Based on 1 grant whose work overlaps the period."
    assert notes.based_on(2, ngettext("grant", "grants", 2), left_out=1, why="without a region") == (
        "Based on 2 grants; 1 without a region is left out.")
    assert (fmt.counted(1, "event"), fmt.counted(1204, "city", "cities")) == ("1 event", "1,204 cities")


def test_a_note_under_a_chart_is_in_the_readers_language() -> None:
    """A page's counted things and its sentences go through the catalogs: the French note of the training page's
    training chart reads French, in the right number."""
    with using("fr"):
        assert notes.based_on(1, ngettext("attendance", "attendances", 1)) == "Sur la base de 1 participation."
        assert notes.based_on(3, ngettext("event", "events", 3), left_out=2, why=_("without a region")) == (
            "Sur la base de 3 événements ; 2 sans région sont laissés de côté.")
        assert ngettext("{n} did not disclose their gender.", "{n} did not disclose their gender.", 2).format(
            n=2) == "2 n’ont pas indiqué leur genre."
    with using("ar"):
        assert "فعاليتين" in notes.based_on(2, ngettext("event", "events", 2))


def test_every_note_under_a_chart_is_translated() -> None:
    """A note's count may be 1 on any filter and its reader may read French or Arabic: each call of
    notes.based_on passes what it counts through ngettext (or a name holding it) and no English literal as its
    `extra` or `why`."""
    untranslated = []
    for path in sorted((ROOT / "dashboards").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "based_on"):
                continue
            things = node.args[1]
            words = [things] + [k.value for k in node.keywords if k.arg in ("why", "extra")]
            literal = any(isinstance(w, ast.JoinedStr) or (isinstance(w, ast.Constant) and w.value) for w in words)
            counted = isinstance(things, ast.Name) or (getattr(things, "func", None) is not None and getattr(
                things.func, "id", getattr(things.func, "attr", "")) in ("ngettext", "format"))
            if literal or not counted or any(k.arg == "one" for k in node.keywords):
                untranslated.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not untranslated, f"notes.based_on with English words: {untranslated}"


def _impact(**changes) -> ImpactData:
    base = ImpactData(audience="Donor", period_label="Last 12 months (1 Nov 2025 – 30 Oct 2026)",
                      filters_text="No filters", built_at=dt.datetime(2026, 11, 1, 6), as_of=dt.date(2026, 10, 30),
                      is_demo=False, awarded_usd=100_000.0, disbursed_usd=0.0, grants=1, grants_active=1, cities=1,
                      countries=1, participants_total=0)
    return dataclasses.replace(base, **changes)


def test_summary_opens_with_the_period_dates_not_its_name() -> None:
    # from the dates: a period running to the data's date is "since", in the present perfect
    running = summary_sentences(_impact(period_start=dt.date(2025, 11, 1), period_end=dt.date(2026, 10, 30)))[0]
    assert running.startswith("Since 1 Nov 2025, you have funded 1 grant worth")
    ended = summary_sentences(_impact(period_start=dt.date(2025, 1, 1), period_end=dt.date(2025, 12, 31)))[0]
    assert ended.startswith("In 2025, you funded")
    between = summary_sentences(_impact(period_start=dt.date(2025, 3, 1), period_end=dt.date(2025, 6, 30)))[0]
    assert between.startswith("Between 1 Mar 2025 and 30 Jun 2025, you funded")
    # from a label alone, the dates in it, never its name
    assert summary_sentences(_impact())[0].startswith("Between 1 Nov 2025 and 30 Oct 2026, you funded")


@pytest.fixture
def demo(dashboard_db: Path) -> Path:
    return dashboard_db


def test_the_default_impact_summary_speaks_of_its_dates(demo: Path) -> None:
    data = impact.report(filters.make(None))
    first = summary_sentences(data)[0]
    assert first.startswith(f"Since {fmt.day(data.period_start)}, donors to the network have funded")
    assert "Last 12 months" not in first


@pytest.fixture
def without_grants(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The good source set with one more donor, who has no grant yet."""
    source = tmp_path / "src"
    shutil.copytree(GOOD, source)
    with (source / "donors.csv").open("a", encoding="utf-8") as f:
        f.write("D-003,Fondation Sans Subvention,foundation\n")
    path = tmp_path / "scn.duckdb"
    assert build(source, path, today=dt.date(2026, 11, 1)).ok
    monkeypatch.setenv("SCN_DB", str(path))
    settings.get.cache_clear()
    yield path
    settings.get.cache_clear()


def test_a_donor_without_grants_is_named_not_shown_by_id(without_grants: Path) -> None:
    donor = access.Viewer("fss@example.org", "donor", donor_id="D-003")
    with db.acting_as(donor):
        data = impact.report(filters.make("all"))
    assert data.audience == "Fondation Sans Subvention" and data.grants == 0


def test_adding_a_donor_account_checks_the_donor_exists(without_grants: Path, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCN_USERS", str(tmp_path / "users.sqlite"))
    monkeypatch.setenv("SCN_AUDIT_LOG", str(tmp_path / "audit.jsonl"))
    settings.get.cache_clear()
    runner = CliRunner()
    refused = runner.invoke(users_cli.cli, ["add", "x@example.org", "--role", "donor", "--donor", "D-999",
                                        "--password", "a long enough password"])
    assert refused.exit_code == 1
    assert "no donor 'D-999'" in " ".join(refused.output.split()) and users.get("x@example.org") is None
    added = runner.invoke(users_cli.cli, ["add", "x@example.org", "--role", "donor", "--donor", "D-003",
                                      "--password", "a long enough password"])
    assert added.exit_code == 0, added.output
    assert users.get("x@example.org").donor_id == "D-003"


@pytest.fixture
def real(real_dashboard_db: Path) -> Path:
    return real_dashboard_db


def test_grants_awarded_in_another_currency_show_it_beside_usd(real: Path) -> None:
    listed = grants_q.grants(filters.make("all"))
    gbp = listed[listed["currency"] == "GBP"]
    assert len(gbp) and gbp["awarded_original"].str.match(r"^GBP \d{1,3}(,\d{3})*$").all()
    assert (listed.loc[listed["currency"] == "USD", "awarded_original"] == "").all()
    by_donor = grants_q.portfolio(filters.make("all"))
    nominet = by_donor[(by_donor["dimension"] == "donor_name") & (by_donor["value"] == "Nominet Trust")]
    assert nominet["awarded_original"].iloc[0].startswith("GBP ")
    # the donor's summary says what the grants were awarded in
    donor = access.Viewer("donor@nominet", "donor", donor_id="360G-nominettrust")
    data = impact.report(filters.make("all"), viewer=donor)
    assert "(awarded as GBP " in summary_sentences(data)[0]
    mixed = impact.report(filters.make("all"))
    assert "each converted at its award date's rate" in summary_sentences(mixed)[0]
    assert pd.Series(mixed.awarded_by_currency).gt(0).sum() > 1

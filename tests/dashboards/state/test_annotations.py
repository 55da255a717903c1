"""Notes on the numbers: who writes them, who reads them (never donors or the public unless marked for them),
which period and region they belong to, and that they live outside the analytics database."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest

from dashboards import settings
from dashboards.filters import Filters, Window
from dashboards.filters import from_query as parse
from dashboards.i18n import using
from dashboards.state import annotations as notes
from tests.dashboards.reports.helpers import ADMIN, DONOR, HUB, HUB_EUROPE, MANAGER, PUBLIC, STEERING

Q3 = Window(dt.date(2026, 7, 1), dt.date(2026, 9, 30), "2026 Q3")
EVERYONE = {"admin": ADMIN, "manager": MANAGER, "steering": STEERING, "hub MENA": HUB, "hub Europe": HUB_EUROPE,
            "donor": DONOR, "public": PUBLIC}


def _readers(chart: str, text: str) -> set[str]:
    return {name for name, viewer in EVERYONE.items()
            if any(n.text == text for n in notes.for_chart(viewer, chart, window=Q3))}


def test_who_reads_a_note_depends_on_its_audience_region_and_page(pack_env) -> None:
    notes.add(MANAGER, "training/events", "2026-Q3", "Network note for staff")
    notes.add(MANAGER, "training/events", "2026-Q3", "MENA note for staff", region="MENA")
    notes.add(HUB, "training/events", "2026-09", "Hub lead's own note")
    notes.add(MANAGER, "training/events", "2026-Q3", "Training note marked public", "public")
    notes.add(ADMIN, "impact/gender", "2026-Q3", "Impact note for staff")
    notes.add(ADMIN, "impact/gender", "2026-Q3", "Impact note for donors", "donors")
    notes.add(ADMIN, "impact/gender", "2026-Q3", "Impact note for the public", "public")
    staff = {"admin", "manager", "steering"}
    assert _readers("training/events", "Network note for staff") == staff
    assert _readers("training/events", "MENA note for staff") == staff | {"hub MENA"}
    assert _readers("training/events", "Hub lead's own note") == staff | {"hub MENA"}
    # marked public, but donors and the public may not open the training page at all
    assert _readers("training/events", "Training note marked public") == staff | {"hub MENA", "hub Europe"}
    assert _readers("impact/gender", "Impact note for staff") == staff
    assert _readers("impact/gender", "Impact note for donors") == staff | {"hub MENA", "hub Europe", "donor"}
    assert _readers("impact/gender", "Impact note for the public") == set(EVERYONE)


def test_who_may_write_a_note(pack_env) -> None:
    for viewer, says in ((STEERING, "only administrators, programme managers and hub leads"),
                         (DONOR, "only administrators"), (PUBLIC, "only administrators")):
        with pytest.raises(notes.NoteRefused, match=says):
            notes.add(viewer, "impact/gender", "2026-Q3", "not theirs to write")
    with pytest.raises(notes.NoteRefused, match="one of their regions"):
        notes.add(HUB, "training/events", "2026-Q3", "about Europe", region="Europe")
    with pytest.raises(notes.NoteRefused, match="hub leads write notes for staff only"):
        notes.add(HUB, "training/events", "2026-Q3", "for everyone", "public")
    assert notes.add(HUB, "training/events", "2026-Q3", "the default region is theirs").region == "MENA"


@pytest.mark.parametrize(("kwargs", "says"), [
    ({"chart_id": "overview/nope"}, "there is no chart"),
    ({"period": "2026-Q5"}, "is not a quarter"),
    ({"period": "Q3"}, "is not a quarter"),
    ({"period": "2026-13"}, "is not a quarter"),
    ({"text": "ok"}, "at least 3 characters"),
    ({"text": "x" * 501}, "at most 500 characters"),
    ({"text": "bell \x07 inside"}, "control characters"),
    ({"audience": "everyone"}, "audience 'everyone' is not one of"),
    ({"region": "Atlantis"}, "unknown region"),
])
def test_a_note_that_is_not_one_is_refused(pack_env, kwargs: dict, says: str) -> None:
    given = {"chart_id": "training/events", "period": "2026-Q3", "text": "Q3 dip: elections", "audience": "staff"}
    given |= kwargs
    region = given.pop("region", None)
    with pytest.raises(notes.NoteRefused, match=says):
        notes.add(MANAGER, **given, region=region)


def test_periods_of_notes() -> None:
    assert notes.parse_period("2026-Q3") == (dt.date(2026, 7, 1), dt.date(2026, 9, 30), "Q3 2026")
    assert notes.parse_period("2024-02") == (dt.date(2024, 2, 1), dt.date(2024, 2, 29), "Feb 2024")
    assert notes.parse_period("2025")[:2] == (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    assert notes.parse_period("2026-09-30..2026-07-01")[:2] == (dt.date(2026, 7, 1), dt.date(2026, 9, 30))


def test_a_chart_shows_the_notes_of_its_period_and_regions(pack_env) -> None:
    notes.add(MANAGER, "training/events", "2026-Q3", "Q3 dip: elections in two hub countries")
    notes.add(MANAGER, "training/events", "2025-Q1", "An old quarter")
    notes.add(MANAGER, "training/events", "2026-08", "Europe in August", region="Europe")

    def shown(viewer, query: str) -> list[str]:  # the window is the filters' period in the sample database
        return [n.text for n in notes.for_chart(viewer, "training/events", _as(viewer, query))]

    assert shown(MANAGER, "?period=2026-Q3") == ["Q3 dip: elections in two hub countries", "Europe in August"]
    assert shown(MANAGER, "?period=2026-Q3&region=mena") == ["Q3 dip: elections in two hub countries"]
    assert shown(MANAGER, "?period=all") == ["An old quarter", "Q3 dip: elections in two hub countries",
                                             "Europe in August"]
    assert shown(MANAGER, "?period=last-year") == ["An old quarter"]  # the data's last year: 2025
    assert shown(HUB_EUROPE, "?period=2026-Q3") == ["Europe in August"]
    assert notes.for_chart(MANAGER, "training/topics", Filters(), window=Q3) == []


def _as(viewer, query: str) -> Filters:
    from dashboards.queries import db

    with db.acting_as(viewer):
        return parse(query)


def test_only_its_author_or_an_administrator_removes_a_note(pack_env) -> None:
    from dashboards.security.access import Viewer

    note = notes.add(MANAGER, "training/events", "2026-Q3", "to be removed", region="MENA")
    for reader in (Viewer("other-manager@test.scn", "programme_manager"), STEERING, HUB):
        with pytest.raises(notes.NoteRefused, match="only its author or an administrator"):
            notes.remove(reader, note.id)
    assert notes.remove(HUB_EUROPE, note.id) is False  # one they cannot read is, to them, not there
    assert notes.remove(ADMIN, note.id) is True
    assert notes.for_chart(MANAGER, "training/events", window=Q3) == []
    assert notes.remove(ADMIN, note.id) is False


def test_the_remove_button_follows_the_stores_rule(pack_env) -> None:
    from dashboards.security.access import Viewer

    note = notes.add(MANAGER, "training/events", "2026-Q3", "whose to remove", region="MENA")
    assert notes.removable(MANAGER, note) and notes.removable(ADMIN, note)  # its author; an administrator
    others = (Viewer("other-manager@test.scn", "programme_manager"), STEERING, HUB, HUB_EUROPE, DONOR, PUBLIC)
    assert not any(notes.removable(viewer, note) for viewer in others)


def test_notes_survive_a_rebuild_of_the_database(pack_env, sample_db, tmp_path, monkeypatch) -> None:
    from data_pipeline.build import build
    from tests.paths import SAMPLE

    served = tmp_path / "served" / "scn.duckdb"
    served.parent.mkdir()
    shutil.copy(sample_db, served)
    monkeypatch.setenv("SCN_DB", str(served))
    settings.get.cache_clear()
    notes.add(MANAGER, "training/events", "2026-Q3", "kept across rebuilds")
    before = served.stat().st_ino
    assert build(SAMPLE, served).ok
    assert served.stat().st_ino != before  # a new file was swapped in
    assert not str(settings.get().state_path).startswith(str(served.parent))
    assert [n.text for n in notes.for_chart(MANAGER, "training/events", window=Q3)] == ["kept across rebuilds"]


def test_a_note_names_its_period_in_its_readers_language_whoever_wrote_it(pack_env) -> None:
    """The label stored with a note is its writer's ("T3 2026" from a French writer); readers see the period in
    their own language, built from the note's dates, so notes stored before this read the same way."""
    from dashboards.components.chart_notes import notes_block

    with using("fr"):
        written = notes.add(MANAGER, "training/events", "2026-Q3", "Baisse au T3 : élections")
    assert written.period_label == "T3 2026"  # as stored: the writer's words
    with using("en"):
        (note,) = notes.for_chart(MANAGER, "training/events", window=Q3)
        assert note.period_name == "Q3 2026"
        assert "T3" not in note.dated
        assert "Q3 2026" in str(notes_block([note])[1].to_plotly_json())
    with using("ar"):
        assert note.period_name == "الربع الثالث 2026"
    with using("fr"):
        assert note.period_name == "T3 2026"


def test_a_notes_period_is_named_by_its_grain_or_as_dates() -> None:
    with using("en"):
        assert notes.period_name_of(dt.date(2026, 7, 1), dt.date(2026, 9, 30)) == "Q3 2026"
        assert notes.period_name_of(dt.date(2024, 2, 1), dt.date(2024, 2, 29)) == "Feb 2024"
        assert notes.period_name_of(dt.date(2025, 1, 1), dt.date(2025, 12, 31)) == "2025"
        assert notes.period_name_of(dt.date(2026, 7, 2), dt.date(2026, 9, 30)) == "2 Jul 2026 – 30 Sep 2026"
        assert notes.period_name_of(dt.date(2026, 8, 1), dt.date(2026, 10, 31)) == "1 Aug 2026 – 31 Oct 2026"


def test_a_refusal_is_worded_in_the_language_of_whoever_reads_it(pack_env) -> None:
    with pytest.raises(notes.NoteRefused) as refused:
        notes.add(DONOR, "overview/regions", "2026-Q3", "A donor may not write here.")
    assert str(refused.value) == notes.TEXT["not_writer"]
    with using("fr"):
        assert str(refused.value).startswith("seuls les administrateurs")
    with using("ar"):
        assert str(refused.value).startswith("لا يكتب الملاحظات")

"""A title that names a confidential member other than its own city is shown without that name to roles that may
not see confidential members: hub leads, donors and the public read `title_public`, built at build time; staff
who may see them read the title as written. Queried through the app's own access views (db.frame)."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from pathlib import Path

import duckdb
import pytest

from dashboards import settings
from dashboards.queries import db
from dashboards.security.access import Viewer
from data_pipeline.build import build
from data_pipeline.staging import create_mask_macro
from tests.paths import GOOD

HUB = Viewer("hub@x.org", "hub_lead", regions=("East & Southern Africa",))
DONOR = Viewer("donor@x.org", "donor", donor_id="D-001")
PUBLIC = Viewer("public", "public")
STEERING = Viewer("sc@x.org", "steering_committee")
ADMIN = Viewer("admin@x.org", "admin")
MASKED = "Mombasa and [confidential member] city exchange"


def set_cell(path: Path, key: str, column: str, value: str) -> None:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    for row in rows[1:]:
        if row[0] == key:
            row[rows[0].index(column)] = value
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """good/ (Beirut is confidential; EV-0004, hosted by Mombasa, is the 'Mombasa and Beirut city exchange'), with
    grant G-001 (D-001's, in Mombasa) naming BEIRUT in capitals and Malmö (made confidential) without its accent,
    and the grant's indicator naming Beirut."""
    source = tmp_path_factory.mktemp("src") / "src"
    shutil.copytree(GOOD, source)
    set_cell(source / "grants.csv", "G-001", "title", "Youth resilience in Mombasa, with peers from BEIRUT and Malmo")
    set_cell(source / "indicators.csv", "I-001", "title", "Young people of Beirut completing resilience training")
    set_cell(source / "cities.csv", "SCN-0005", "visibility", "confidential")
    set_cell(source / "cities.csv", "SCN-0005", "left_on", "")
    db_path = tmp_path_factory.mktemp("db") / "scn.duckdb"
    result = build(source, db_path, today=dt.date(2026, 11, 1))
    assert result.ok, [str(p) for p in result.problems]
    return db_path


@pytest.fixture
def served(built: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("SCN_DB", str(built))
    settings.get.cache_clear()
    yield built
    settings.get.cache_clear()


def event_title(viewer: Viewer) -> list[str]:
    return db.frame("select title from fct_events where event_id = 'EV-0004'", viewer=viewer)["title"].tolist()


def grant_titles(viewer: Viewer) -> list[str]:
    frame = db.frame("select g.title, i.title as indicator from grant_portfolio g "
                     "join indicator_achievement i using (grant_id) where g.grant_id = 'G-001' limit 1", viewer=viewer)
    return [*frame["title"], *frame["indicator"]]


@pytest.mark.parametrize("viewer", [HUB, PUBLIC], ids=["hub lead", "public"])
def test_an_event_title_naming_a_confidential_guest_is_masked_for_limited_roles(served, viewer: Viewer) -> None:
    assert event_title(viewer) == [MASKED]


def test_a_donors_grant_and_indicator_titles_are_masked_for_the_donor(served) -> None:
    assert grant_titles(DONOR) == [
        "Youth resilience in Mombasa, with peers from [confidential member] and [confidential member]",
        "Young people of [confidential member] completing resilience training"]


@pytest.mark.parametrize("viewer", [STEERING, ADMIN], ids=["steering committee", "administrator"])
def test_roles_that_may_see_confidential_members_read_titles_as_written(served, viewer: Viewer) -> None:
    assert event_title(viewer) == ["Mombasa and Beirut city exchange"]
    assert grant_titles(viewer) == ["Youth resilience in Mombasa, with peers from BEIRUT and Malmo",
                                    "Young people of Beirut completing resilience training"]


@pytest.mark.parametrize(("title", "shown"), [
    ("Beirut/Tripoli exchange", "[confidential member]/[confidential member] exchange"),
    ("Tripolitania heritage walk", "Tripolitania heritage walk"),  # a longer word, not the city
    ("Visite de Malmö", "Visite de [confidential member]"),
    ("Visit to MALMO", "Visit to [confidential member]"),
    (None, None),
])
def test_the_mask_replaces_whole_names_only(title: str | None, shown: str | None) -> None:
    con = duckdb.connect()
    con.execute("create temp table typed_cities as select * from (values ('Beirut', 'confidential'), "
                "('Tripoli', 'confidential'), ('Malmö', 'confidential'), ('Oslo', 'public')) t(city_name, visibility)")
    create_mask_macro(con)

    assert con.execute("select scn_mask_confidential(?)", [title]).fetchall()[0][0] == shown

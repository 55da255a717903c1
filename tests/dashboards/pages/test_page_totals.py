"""Every figure on a page agrees with the others, or its note says why in plain words: each page's callbacks run
as the app runs them (the real app, the demo database), as an administrator, a hub lead and a donor, for the
default period, a running quarter and all time; the key figures are read off the cards and compared with the
charts, tables and notes beside them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dashboards import filters, settings
from dashboards import formatting as fmt
from dashboards.queries import db
from dashboards.queries import membership as mq
from dashboards.security import access

ADMIN = access.SYSTEM
HUB = access.Viewer("hub@demo.scn", "hub_lead", regions=("MENA",))
DONOR = access.Viewer("donor@demo.scn", "donor", donor_id="DON-01")
STAFF = {"admin": ADMIN, "hub_lead": HUB}
SEARCHES = ["", "?period=2026-Q4", "?period=all"]


@pytest.fixture(scope="module")
def private(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("totals")


@pytest.fixture
def pages(use_app_environment, private: Path):
    use_app_environment(private)
    import app  # noqa: F401  (registers the pages and their callbacks)
    from dashboards.pages import city, grants, impact, membership, overview, regions, training

    yield {"overview": overview, "membership": membership, "training": training, "grants": grants,
           "regions": regions, "city": city, "impact": impact}
    settings.get.cache_clear()


def _texts(component) -> list[str]:
    """Every string in a Dash component tree, in order."""
    if component is None:
        return []
    if isinstance(component, str):
        return [component]
    if isinstance(component, (list, tuple)):
        return [t for c in component for t in _texts(c)]
    return _texts(getattr(component, "children", None))


def _kpis(cards) -> dict[str, str]:
    """{label: value} of a row of KPI cards (components.kpi_card: label, value, ... in that order)."""
    found = {}
    for col in cards:
        card_texts = _texts(col)
        found[card_texts[0]] = card_texts[1]
    return found


def _int(text: str) -> int:
    return int(text.replace(",", ""))


def _number_before(note: str, words: str) -> int:
    """The count written just before `words` in a note: "... 31 member cities at ..." -> 31."""
    match = re.search(r"([\d,]+) " + re.escape(words), note)
    assert match, f"no count before {words!r} in: {note}"
    return _int(match.group(1))


def _hidden(note: str) -> int:
    match = re.search(r"([\d,]+) confidential members? (?:is|are) counted in the totals but not named or placed",
                      note)
    return _int(match.group(1)) if match else 0


@pytest.mark.parametrize("role", list(STAFF))
@pytest.mark.parametrize("search", SEARCHES)
def test_overview_figures_agree(pages, role: str, search: str) -> None:
    page = pages["overview"]
    with db.acting_as(STAFF[role]):
        kpis = _kpis(page.show_kpis(search))
        _map, map_note = page.show_map(search)
        _bars, people_note = page.show_regions(search, "participants")
        _bars, events_note = page.show_regions(search, "events")
        _trend, trend_note = page.show_trend(search)
    members = _int(kpis["Member cities"])
    # the map places every member it may name; the note counts the others (confidential, for a hub lead)
    assert _number_before(map_note, "member cit") + _hidden(map_note) == members
    # people: the bars count each person in every region; the note gives the KPI's number of different people
    assert _number_before(people_note, "different") == _int(kpis["Unique participants"])
    # events: drawn + without a region = the KPI, said in the note
    drawn = _number_before(events_note, "event")
    unplaced = re.search(r"([\d,]+) without a region", events_note)
    assert drawn + (_int(unplaced.group(1)) if unplaced else 0) == _int(kpis["Events"])
    assert _number_before(trend_note, "event") == _int(kpis["Events"])
    assert _number_before(trend_note, "new member") == _int(kpis["New members"])


@pytest.mark.parametrize("role", list(STAFF))
@pytest.mark.parametrize("search", SEARCHES)
def test_membership_figures_agree_with_the_key_figures(pages, role: str, search: str) -> None:
    with db.acting_as(STAFF[role]):
        members = _int(_kpis(pages["overview"].show_kpis(search))["Member cities"])
        growth = pages["membership"].show_growth(search)
        _map, map_note = pages["membership"].show_map(search, "region")
        _ladder, ladder_note = pages["membership"].show_ladder(search)
    assert _number_before(growth[1], "member cit") == members
    assert _number_before(map_note, "member cit") + _hidden(map_note) == members
    assert _number_before(ladder_note, "member cit") + _hidden(ladder_note) == members
    if role == "hub_lead":  # the demo's MENA hub has a confidential member: the words must say so
        assert _hidden(map_note) > 0 and _hidden(ladder_note) == _hidden(map_note)


@pytest.mark.parametrize("role", list(STAFF))
@pytest.mark.parametrize("search", SEARCHES)
def test_training_figures_agree(pages, role: str, search: str) -> None:
    page = pages["training"]
    with db.acting_as(STAFF[role]):
        kpis = _kpis(page.show_kpis(search))
        _events, events_note = page.show_events(search, "event_type")
        _people, people_note = page.show_people(search)
        _who, who_note = page.show_who(search)
        _learning, learning_note = page.show_learning(search)
        _topics, topics_note = page.show_topics(search)
        _regions, regions_note = page.show_regions(search)
    attendances = _int(kpis["Attendances"])
    assert _number_before(people_note, "attendance") == attendances
    assert _number_before(learning_note, "attendance") == attendances
    assert _number_before(who_note, "unique participant") == _int(kpis["Unique participants"])
    assert _number_before(regions_note, "different") == _int(kpis["Unique participants"])
    assert _number_before(topics_note, "event") == _number_before(events_note, "event")


@pytest.mark.parametrize("role", list(STAFF))
@pytest.mark.parametrize("search", SEARCHES)
def test_grants_figures_agree(pages, role: str, search: str) -> None:
    page = pages["grants"]
    with db.acting_as(STAFF[role]):
        cards, _portfolio, portfolio_note = page.show_portfolio(search, "donor_name")
        _timeline, _style, timeline_note, rows, grid_note = page.show_grants(search)
    kpis = _kpis(cards)
    count = _int(kpis["Grants active"])
    assert _number_before(portfolio_note, "grant") == count
    assert _number_before(timeline_note, "grant") == count == _number_before(grid_note, "grant")
    if count <= len(rows):  # the grid holds them all: its money adds up to the key figure
        assert fmt.usd(sum(r["awarded_usd"] for r in rows)) == kpis["Awarded"]


@pytest.mark.parametrize("role", list(STAFF))
@pytest.mark.parametrize("search", SEARCHES)
def test_regions_figures_agree_with_the_key_figures(pages, role: str, search: str) -> None:
    with db.acting_as(STAFF[role]):
        kpis = _kpis(pages["overview"].show_kpis(search))
        rows, summary_note = pages["regions"].show_summary(search)
        region = "MENA"
        city_rows, cities_note = pages["regions"].show_cities(search, region)
    assert sum(r["members"] for r in rows) == _int(kpis["Member cities"])
    # with its "No region" row, the table's events add up to the network's
    assert sum(r["events"] for r in rows) == _int(kpis["Events"])
    if any(r["region"] == "No region" for r in rows):
        assert "“No region”" in summary_note
    mena = next(r for r in rows if r["region"] == region)
    assert _number_before(cities_note, "member") + _hidden(cities_note) == mena["members"]
    assert sum(1 for r in city_rows if r["member_at_end"]) == _number_before(cities_note, "member")


@pytest.mark.parametrize("role", list(STAFF))
def test_city_figures_agree(pages, role: str) -> None:
    page = pages["city"]
    with db.acting_as(STAFF[role]):
        listed = mq.member_map(filters.from_query("?period=all"))
        city_id = listed.sort_values("events_hosted", ascending=False)["city_id"].iloc[0]
        for search in SEARCHES:
            kpis = _kpis(page.show_kpis(search, city_id))
            _activity, activity_note = page.show_activity(search, city_id)
            _events, events_note, *_rest = page.show_tables(search, city_id)
            hosted = _int(kpis["Events hosted"])
            assert _number_before(activity_note, "event") == hosted
            if hosted or _int(kpis["Events attended"]):
                assert _number_before(events_note, "hosted and") == hosted
                more = re.search(r"([\d,]+) more events? attended by people from the city, held outside the "
                                 r"regions you cover", events_note)
                assert _number_before(events_note, "attended by people") + (
                    _int(more.group(1)) if more else 0) == _int(kpis["Events attended"])


@pytest.mark.parametrize("role", ["admin", "hub_lead", "donor"])
@pytest.mark.parametrize("search", SEARCHES)
def test_impact_figures_agree(pages, role: str, search: str) -> None:
    viewer = {"admin": ADMIN, "hub_lead": HUB, "donor": DONOR}[role]
    with db.acting_as(viewer):
        (_audience, cards, _summary, _map, country_rows, _gender, _role, _indicators) = pages["impact"].show(
            search, None)
    kpis = _kpis(cards)
    assert sum(r["grants"] for r in country_rows) == _int(kpis["Grants"])
    assert len({r["country"] for r in country_rows if r.get("country") != "Not attributed to a country"}) == _int(
        kpis["Countries"])
    assert sum(r["cities"] for r in country_rows) == _int(kpis["Cities reached"])

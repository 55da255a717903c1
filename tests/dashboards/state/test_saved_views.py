"""Saved views: a URL of a known page with the filter bar's keys, checked per viewer before it is stored, found
again, shared by staff with roles that may open its page, and narrowed with a notice when opened by a hub lead."""

from __future__ import annotations

import threading

import pytest

from dashboards.state import saved_views as views
from tests.dashboards.reports.helpers import ADMIN, DONOR, HUB, HUB_EUROPE, MANAGER, PUBLIC, STEERING


def test_a_view_is_saved_in_canonical_form_and_found_again(pack_env) -> None:
    saved = views.save(MANAGER, "  MENA,  this year, trainings ",
                       "/training?region=mena&period=this-year&event=workshop")
    assert saved.name == "MENA, this year, trainings"
    assert saved.url == "/training?period=this-year&region=mena&event=workshop"
    assert saved.page == "training"
    assert [v.id for v in views.list_for(MANAGER)] == [saved.id]
    assert views.open_view(MANAGER, saved.id) == views.Opened(saved.url, None)
    # a full URL of this very site is the same view; the name is the person's own, once
    same = views.save(MANAGER, "again", "https://dash.example.org/training?event=workshop&period=this-year"
                                        "&region=mena")
    assert same.url == saved.url
    with pytest.raises(views.ViewRefused, match="already have a view named"):
        views.save(MANAGER, "mena, THIS year, trainings", "/")


@pytest.mark.parametrize(("url", "says"), [
    ("https://evil.example.org/training", "not a page of this dashboard"),
    ("//evil.example.org/", "not a page of this dashboard"),
    ("javascript:alert(1)", "not a page of this dashboard"),
    ("/admin", "not a page of this dashboard"),
    ("/training/../data", "not a page of this dashboard"),
    ("/?utm_source=mail", "'utm_source' is not a filter"),
    ("/?period=forever", "period='forever'"),
    ("/?period=quarter", "period='quarter'"),
    ("/?period=2026-Q5", "period='2026-Q5'"),
    ("/?period=custom", "period='custom'"),
    ("/?from=2026-01-01", "only used with period=custom"),
    ("/?period=custom&from=yesterday", "from='yesterday'"),
    ("/?region=atlantis", "region='atlantis'"),
    ("/?country=FRANCE", "country='FRANCE'"),
    ("/?event=party", "event='party'"),
    ("/?topic=" + "x" * 81, "topic="),
    ("/?period=all&period=this-year", "period="),
    ("/training#kpis", "#fragment"),
    ("/city/NOT-A-CITY", "not a page of this dashboard"),
])
def test_a_view_must_be_a_page_of_this_site_with_the_filter_bars_values(pack_env, url: str, says: str) -> None:
    with pytest.raises(views.ViewRefused, match=says.replace("?", r"\?").replace("(", r"\(")):
        views.save(ADMIN, "bad", url)
    assert views.list_for(ADMIN) == []


def test_a_view_is_limited_to_what_its_author_may_open_and_choose(pack_env) -> None:
    with pytest.raises(views.ViewRefused, match="may not open /data"):
        views.save(HUB, "quality", "/data")
    with pytest.raises(views.ViewRefused, match="region='europe'"):
        views.save(HUB, "not my region", "/?region=europe")
    with pytest.raises(views.ViewRefused, match="may not open /"):
        views.save(DONOR, "overview", "/")
    with pytest.raises(views.ViewRefused, match="only people who sign in"):
        views.save(PUBLIC, "public", "/impact")
    assert views.save(HUB, "mine", "/?region=mena").url == "/?region=mena"
    assert views.save(DONOR, "my summary", "/impact?period=all").page == "impact"


def test_a_city_profile_is_a_view_only_of_a_city_the_viewer_may_see(pack_env) -> None:
    from dashboards.queries import city, db

    with db.acting_as(ADMIN):
        shown = db.frame("select city_id, visibility, region from city_engagement order by city_id")
    public = shown[(shown["visibility"] != "confidential") & (shown["region"] == "MENA")]["city_id"].iloc[0]
    hidden = shown[shown["visibility"] == "confidential"]["city_id"].iloc[0]
    assert views.save(ADMIN, "a city", f"/city/{public}?period=all").page == "city"
    assert views.save(ADMIN, "a confidential city", f"/city/{hidden}").page == "city"
    assert city.profile(hidden, viewer=HUB).empty  # the hub lead's policy hides it, so the view is refused
    with pytest.raises(views.ViewRefused, match="not a page"):
        views.save(HUB, "a confidential city", f"/city/{hidden}")


def test_staff_share_views_only_with_roles_that_may_open_the_page(pack_env) -> None:
    overview = views.save(MANAGER, "Europe this year", "/?period=this-year&region=europe")
    impact = views.save(MANAGER, "Impact all time", "/impact?period=all")
    views.share(MANAGER, overview.id, "hub_lead")
    views.share(MANAGER, impact.id, "donor")
    with pytest.raises(views.ViewRefused, match="donor role may not open /"):
        views.share(MANAGER, overview.id, "donor")
    with pytest.raises(views.ViewRefused, match="not one a view can be shared with"):
        views.share(MANAGER, impact.id, "public")
    hubs = views.save(HUB, "hub view", "/?region=mena")
    with pytest.raises(views.ViewRefused, match="only administrators and programme managers share"):
        views.share(HUB, hubs.id, "hub_lead")
    # what each role lists: its own, and what was shared with its role, of pages it may open
    assert {v.name for v in views.list_for(HUB)} == {"hub view", "Europe this year"}
    assert {v.name for v in views.list_for(HUB_EUROPE)} == {"Europe this year"}
    assert {v.name for v in views.list_for(DONOR)} == {"Impact all time"}
    assert views.list_for(STEERING) == [] and views.list_for(PUBLIC) == []
    assert views.get(MANAGER, overview.id).shared_with == ("hub_lead",)
    # nobody but the owner changes a view; one not shared with you is "not found", as one that does not exist
    with pytest.raises(views.ViewRefused, match="only the owner"):
        views.remove(HUB, overview.id)
    with pytest.raises(views.ViewRefused, match="no view"):
        views.remove(STEERING, overview.id)
    with pytest.raises(views.ViewRefused, match="no view"):
        views.get(STEERING, overview.id)
    views.unshare(MANAGER, overview.id, "hub_lead")
    assert {v.name for v in views.list_for(HUB)} == {"hub view"}


def test_a_shared_view_of_another_region_opens_as_the_hub_leads_own_with_a_notice(pack_env) -> None:
    europe = views.save(ADMIN, "Europe", "/training?region=europe&period=all")
    views.share(ADMIN, europe.id, "hub_lead")
    opened = views.open_view(HUB, europe.id)
    assert opened.url == "/training?period=all&region=europe"  # the URL as shared: the page narrows it
    assert opened.notice == "Not in your view: Europe. Showing MENA."
    assert views.open_view(HUB_EUROPE, europe.id).notice is None
    assert views.open_view(ADMIN, europe.id).notice is None


def test_views_are_saved_by_many_at_once(pack_env) -> None:
    errors = []

    def save_some(n: int) -> None:
        try:
            for i in range(5):
                views.save(MANAGER if n % 2 else ADMIN, f"view {n}-{i}", f"/?period=20{20 + i}-Q{1 + n % 4}")
        except Exception as exc:  # collected, to fail the test with it
            errors.append(exc)

    threads = [threading.Thread(target=save_some, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(views.list_for(MANAGER)) + len(views.list_for(ADMIN)) == 40


def test_page_paths_are_the_pages_registered(pack_env) -> None:
    import dash

    registered = {p["path"]: p["module"].rsplit(".", 1)[-1] for p in dash.page_registry.values()
                  if not p.get("path_template") and p["path"] != "/404"}
    assert views.PAGE_PATHS == registered
    templates = [p["path_template"] for p in dash.page_registry.values() if p.get("path_template")]
    assert templates == ["/city/<city_id>"]


def test_a_refusal_and_a_notice_speak_the_language_of_whoever_reads_them(pack_env) -> None:
    from dashboards.i18n import using

    saved = views.save(HUB, "mine", "/")
    with pytest.raises(views.ViewRefused) as refused:
        views.remove(MANAGER, saved.id)
    with using("fr"):
        assert str(refused.value) == f"il n’y a pas de vue {saved.id} à vous ou partagée avec votre rôle"
    with using("ar"):
        assert str(refused.value) == f"لا يوجد عرض {saved.id} خاص بكم أو مشارَك مع دوركم"
    assert str(refused.value) == f"there is no view {saved.id} of yours or shared with your role"
    with using("fr"):
        assert views.region_notice(HUB, "?region=europe").startswith("Hors de votre périmètre : Europe.")

"""Crafted requests that bypass the UI: every role, every callback, hostile values, no session, big bodies.

The real app (app.py) runs in this process behind Flask's test client, signed in through the real login form
with the demo accounts, against the sample database. Nothing here goes through a browser: these are the
requests someone with a session cookie and curl could send.
"""

from __future__ import annotations

import copy
import json
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from dashboards import ids, settings
from dashboards.security import users
from tests.dashboards.security.crafted import _concrete, csrf, dependencies, outputs_of, sign_in
from tests.paths import ROOT

CALLBACK = "/_dash-update-component"
ROLES = {"admin": "admin@demo.scn", "programme_manager": "manager@demo.scn", "steering_committee": "steering@demo.scn",
         "hub_lead": "hub@demo.scn", "donor": "donor@demo.scn"}
HOSTILE = ["'; drop table city_engagement; --", "?region=mena') or true or ('&country=DZA'--&period=../../etc",
           "x" * 20_000, {"$ne": 1}, [1, 2, {"a": None}], -1e308]


@pytest.fixture(scope="module")
def private(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("private")


@pytest.fixture
def env(use_app_environment, private: Path):
    use_app_environment(private)
    yield private
    settings.get.cache_clear()


@pytest.fixture
def app(env):
    import app as dashboard  # builds the Dash app once per process, with this environment

    dashboard.server.config["TESTING"] = True
    users.ensure_demo_accounts()
    return dashboard


def signed_in(app, role: str):
    return sign_in(app, role)


def body(dep: dict, value, filler="map") -> dict:
    """The JSON Dash's renderer posts for `dep`, every input and state set to `value`."""
    def item(d):
        return {"id": _concrete(d["id"], filler), "property": d["property"], "value": copy.deepcopy(value)}

    outputs = outputs_of(dep["output"], filler)
    return {"output": dep["output"], "outputs": outputs if len(outputs) > 1 else outputs[0],
            "inputs": [item(d) for d in dep["inputs"]], "state": [item(d) for d in dep.get("state", [])],
            "changedPropIds": [f"{json.dumps(item(d)['id']) if isinstance(item(d)['id'], dict) else item(d)['id']}"
                               f".{d['property']}" for d in dep["inputs"][:1]]}


def page_of(app, dep: dict) -> str | None:
    from dashboards.security import auth
    return auth.callback_page(dep["output"], auth._page_prefixes())


def overview_kpis(search: str) -> dict:
    return {"output": "overview-kpis.children", "outputs": {"id": "overview-kpis", "property": "children"},
            "inputs": [{"id": "url", "property": "search", "value": search}], "changedPropIds": ["url.search"]}


# --- no session ------------------------------------------------------------------------------------------------

def test_without_a_session_pages_redirect_to_sign_in_and_everything_else_is_401(app):
    client = app.server.test_client()
    for path in ("/", "/membership", "/city/SCN-0001", "/impact", "/data", "/no-such-page"):
        reply = client.get(path)
        assert reply.status_code == 302 and reply.headers["Location"].startswith("/login?next="), path
    for path in ("/_dash-layout", "/_dash-dependencies", "/_reload-hash"):
        assert client.get(path).status_code == 401, path
    assert client.post(CALLBACK, json=overview_kpis("")).status_code == 401
    assert client.get("/login").status_code == 200
    assert client.get("/assets/style.css").status_code == 200


def test_a_forged_or_stale_session_cookie_is_no_session(app):
    client = app.server.test_client()
    client.set_cookie("scn_session", "eyJfdXNlcl9pZCI6IjE6YWRtaW5AZGVtby5zY24ifQ.forged.signature")
    assert client.post(CALLBACK, json=overview_kpis("")).status_code == 401
    signed = signed_in(app, "programme_manager")
    users.set_password("manager@demo.scn", "a-new-password-for-the-test")  # signs out existing sessions
    try:
        assert signed.post(CALLBACK, json=overview_kpis("")).status_code == 401
    finally:
        users.ensure_demo_accounts()
        users.set_password("manager@demo.scn", users.DEMO_PASSWORD)


# --- sign-in ---------------------------------------------------------------------------------------------------

def test_session_cookie_is_http_only_and_same_site(app):
    client = app.server.test_client()
    reply = client.post("/login", data={"email": ROLES["admin"], "password": users.DEMO_PASSWORD,
                                        "csrf_token": csrf(client)})
    cookie = reply.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_sign_in_needs_the_form_token_and_refuses_other_sites_as_next(app):
    client = app.server.test_client()
    assert client.post("/login", data={"email": ROLES["admin"], "password": users.DEMO_PASSWORD}).status_code == 400
    reply = client.post("/login?next=https://evil.example/x", data={
        "email": ROLES["admin"], "password": users.DEMO_PASSWORD, "csrf_token": csrf(client)})
    assert reply.status_code == 302 and reply.headers["Location"] == "/"
    reply = client.post("/login?next=//evil.example", data={
        "email": ROLES["admin"], "password": users.DEMO_PASSWORD, "csrf_token": csrf(client)})
    assert reply.headers["Location"] == "/"


def test_wrong_passwords_lock_the_account_and_are_audited(app, env):
    users.add("locked@x.org", "right-password-123", "steering_committee", replace=True)
    client = app.server.test_client()
    for _ in range(users.MAX_FAILURES):
        reply = client.post("/login", data={"email": "locked@x.org", "password": "wrong", "csrf_token": csrf(client)})
        assert reply.status_code == 401
    reply = client.post("/login", data={"email": "locked@x.org", "password": "right-password-123",
                                        "csrf_token": csrf(client)})
    assert reply.status_code == 401 and "locked" in reply.get_data(as_text=True)
    log = [json.loads(line) for line in (env / "audit.jsonl").read_text().splitlines()]
    failures = [e for e in log if e["event"] == "sign_in_failed" and e["actor"] == "locked@x.org"]
    assert len(failures) == users.MAX_FAILURES + 1
    assert all("right-password" not in json.dumps(e) and "wrong" not in json.dumps(e["details"]) for e in log)


def test_sign_in_and_sign_out_are_audited_with_who_and_when(app, env):
    client = signed_in(app, "hub_lead")
    client.post("/logout", data={"csrf_token": csrf(client)})
    log = [json.loads(line) for line in (env / "audit.jsonl").read_text().splitlines()]
    mine = [e for e in log if e["actor"] == "hub@demo.scn"]
    assert [e["event"] for e in mine[-2:]] == ["sign_in", "sign_out"]
    assert all(e["time"].endswith("Z") and e["role"] == "hub_lead" for e in mine[-2:])
    assert client.post(CALLBACK, json=overview_kpis("")).status_code == 401  # signed out


# --- every role, every callback ------------------------------------------------------------------------------

@pytest.mark.parametrize("role", list(ROLES))
def test_every_callback_answers_each_role_with_data_or_403_never_a_server_error(app, role):
    client = signed_in(app, role)
    from dashboards.security.access import ROLES as KINDS

    checked = 0
    for dep in dependencies(app):
        page = page_of(app, dep)
        for value in (None, "", HOSTILE[1]):
            reply = client.post(CALLBACK, json=body(dep, value))
            assert reply.status_code < 500, (role, dep["output"], value, reply.get_data(as_text=True)[:500])
            if page and page not in KINDS[role].pages:
                assert reply.status_code == 403, (role, dep["output"])
            checked += 1
    assert checked > 60


def test_the_frame_comes_with_the_page_its_referer_names_only_for_a_role_that_may_open_it(app):
    def frame(client, referer: str) -> str:
        reply = client.get("/_dash-layout", headers={"Referer": referer})
        assert reply.status_code == 200
        return reply.get_data(as_text=True)

    admin, donor = signed_in(app, "admin"), signed_in(app, "donor")
    page = frame(admin, "http://localhost/membership?region=europe")
    assert "membership-growth-graph" in page and '"search":"?region=europe"' in page.replace(" ", "")
    refused = frame(donor, "http://localhost/membership")
    assert "membership-growth-graph" not in refused and "not available to your role" in refused
    assert "Page not found" in frame(admin, "http://localhost/no-such-page")
    # another site's address, or none: the page is left to the router, as without this
    for referer in ("http://elsewhere.example/membership", ""):
        assert "membership-growth-graph" not in frame(admin, referer)


def test_hostile_values_in_every_input_never_cause_a_server_error(app):
    client = signed_in(app, "admin")
    for dep in dependencies(app):
        for value in HOSTILE:
            reply = client.post(CALLBACK, json=body(dep, value))
            assert reply.status_code < 500, (dep["output"], str(value)[:40], reply.get_data(as_text=True)[:500])


def test_unknown_callbacks_and_malformed_bodies_are_400(app):
    client = signed_in(app, "admin")
    for sent in ({"output": "nope.children"}, {"output": 42}, [1, 2], "not json"):
        reply = client.post(CALLBACK, json=sent)
        assert reply.status_code == 400, sent
    assert client.post(CALLBACK, data=b"{", content_type="application/json").status_code == 400
    mismatched = overview_kpis("") | {"outputs": [{"id": "overview-map-graph", "property": "figure"},
                                                  {"id": "x", "property": "y"}]}
    assert client.post(CALLBACK, json=mismatched).status_code == 400
    assert client.post(CALLBACK, json=overview_kpis("") | {"inputs": []}).status_code == 400


def test_an_oversized_request_is_refused_before_it_is_read(app):
    client = signed_in(app, "admin")
    limit = app.server.config["MAX_CONTENT_LENGTH"]
    reply = client.post(CALLBACK, data=b"x" * (limit + 1), content_type="application/json")
    assert reply.status_code == 413


# --- rows beyond the role ------------------------------------------------------------------------------------

def test_hub_lead_asking_for_another_region_gets_their_own(app):
    hub, admin = signed_in(app, "hub_lead"), signed_in(app, "admin")
    own = hub.post(CALLBACK, json=overview_kpis("?period=all")).get_json()
    asked = hub.post(CALLBACK, json=overview_kpis("?period=all&region=europe")).get_json()
    europe = admin.post(CALLBACK, json=overview_kpis("?period=all&region=europe")).get_json()
    mena = admin.post(CALLBACK, json=overview_kpis("?period=all&region=mena")).get_json()
    assert asked == own
    assert json.dumps(asked) != json.dumps(europe)
    assert _numbers(asked)[:1] == _numbers(mena)[:1]  # the first card (member cities) counts MENA's members


def _numbers(reply: dict) -> list[str]:
    return re.findall(r"\d[\d,.]*", json.dumps(reply))


def test_confidential_city_profile_is_not_found_for_a_hub_lead_and_shown_to_staff(app):
    router = next(d for d in dependencies(app) if "_pages_content" in d["output"])

    def profile(client, city):
        sent = body(router, None)
        for item in sent["inputs"]:
            item["value"] = {"pathname": f"/city/{city}", "search": ""}.get(item["property"], None)
        return json.dumps(client.post(CALLBACK, json=sent).get_json())

    hub, steering = signed_in(app, "hub_lead"), signed_in(app, "steering_committee")
    assert "Skikda" in profile(steering, "SCN-0195")
    hidden = profile(hub, "SCN-0195")
    assert "Skikda" not in hidden and "not found" in hidden.lower()
    assert "not found" in profile(hub, "SCN-9999'; --").lower()


def test_startup_is_refused_outside_demo_mode_without_a_strong_secret(tmp_path):
    def start(**env):
        return subprocess.run([sys.executable, "-c", "import app"], cwd=ROOT, capture_output=True, text=True,
                              env={"PATH": "/usr/bin:/bin", "SCN_DB": str(tmp_path / "none.duckdb"),
                                   "SCN_USERS": str(tmp_path / "u.sqlite"), **env}, timeout=120)

    for env in ({}, {"SCN_SECRET_KEY": "short"},
                {"SCN_SECRET_KEY": "scn-demo-only-secret-key-never-use-in-production"}):
        done = start(**env)
        assert done.returncode != 0 and "SCN_SECRET_KEY" in done.stderr, env
    done = start(SCN_SECRET_KEY="k" * 48)
    assert done.returncode == 0, done.stderr[-2000:]


@pytest.fixture
def answers_kept(app):
    """The app with its cache on (the other tests run without, SCN_CACHE_SECONDS=0)."""
    from dashboards.queries import db
    db.cache.init_app(app.server, config={"CACHE_TYPE": "SimpleCache", "CACHE_DEFAULT_TIMEOUT": 300})
    yield app
    db.cache.init_app(app.server, config={"CACHE_TYPE": "NullCache", "CACHE_NO_NULL_WARNING": True})


def test_a_kept_answer_goes_only_to_the_viewer_it_was_made_for(answers_kept, monkeypatch):
    from dashboards.queries import db
    calls = []
    real = db._connections.cursor
    monkeypatch.setattr(db._connections, "cursor", lambda *a: calls.append(a) or real(*a))
    dep = next(d for d in dependencies(answers_kept) if "overview-regions" in d["output"])
    request = body(dep, "?period=all")
    for item in request["inputs"]:
        if item["property"] == "value":
            item["value"] = "participants"
    admin, hub = signed_in(answers_kept, "admin"), signed_in(answers_kept, "hub_lead")

    first = admin.post("/_dash-update-component", json=request)
    assert first.status_code == 200 and calls
    calls.clear()
    again = admin.post("/_dash-update-component", json=request)
    assert again.status_code == 200 and again.get_data() == first.get_data()
    assert not calls, "the repeat was computed again instead of sent from the cache"

    theirs = hub.post("/_dash-update-component", json=request)
    assert theirs.status_code == 200 and calls, "the hub lead was sent the admin's answer"
    def regions(reply):
        figure = next(v["figure"] for v in reply.get_json()["response"].values() if "figure" in v)
        return list(figure["data"][0]["y"])
    assert regions(theirs) == ["MENA"]
    assert len(regions(first)) > 1


def test_an_answer_being_computed_is_waited_for_not_computed_twice(answers_kept, monkeypatch):
    from dashboards.queries import db
    from dashboards.serving import answers
    calls = []
    real = db._connections.cursor

    def slow_cursor(*a):  # slow enough that the three requests below overlap
        calls.append(a)
        time.sleep(0.3)
        return real(*a)

    monkeypatch.setattr(db._connections, "cursor", slow_cursor)
    dep = next(d for d in dependencies(answers_kept) if "overview-regions" in d["output"])

    def regions_request(search):
        request = body(dep, search)
        for item in request["inputs"]:
            if item["property"] == "value":
                item["value"] = "participants"
        return request

    clients = [signed_in(answers_kept, "admin") for _ in range(3)]
    assert clients[0].post("/_dash-update-component", json=regions_request("?period=last-year")).status_code == 200
    calls.clear()  # what every computation shares (the data's date) is cached now: count one computation alone
    assert clients[0].post("/_dash-update-component", json=regions_request("?period=this-year")).status_code == 200
    once, replies = len(calls), []
    calls.clear()

    request = regions_request("?period=all")
    threads = [threading.Thread(target=lambda c=c: replies.append(c.post("/_dash-update-component", json=request)))
               for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [r.status_code for r in replies] == [200] * 3
    assert len({r.get_data() for r in replies}) == 1
    assert len(calls) == once, "requests arriving together each computed the same answer"
    assert not len(answers._in_flight), "a lock outlived its request"


def test_answers_of_buttons_uploads_and_downloads_are_never_kept(app):
    from dashboards.serving import answers
    kept = answers.cacheable(app.app.callback_map)
    assert "overview-kpis.children" in kept
    assert not [o for o in kept if "download" in o.lower() or "upload" in o.lower() or "publish" in o.lower()]


def test_a_crafted_rollback_or_publish_from_a_programme_manager_changes_nothing(app, env):
    """The data-quality page is open to programme managers; its rollback and publish callbacks are not theirs."""
    from dashboards.security import audit

    client = signed_in(app, "programme_manager")
    db_before = Path(settings.get().db_path).stat().st_mtime_ns
    rollback = {"output": "data-rollback-result.children",
                "outputs": {"id": "data-rollback-result", "property": "children"},
                "inputs": [{"id": "data-rollback", "property": "n_clicks", "value": 1}],
                "state": [{"id": "data-version", "property": "value", "value": "20260101T000000Z-abcdef"},
                          {"id": "data-rollback-confirm", "property": "value", "value": True}],
                "changedPropIds": ["data-rollback.n_clicks"]}

    reply = client.post(CALLBACK, json=rollback)

    assert reply.status_code == 200
    assert "Only administrators may upload data." in reply.get_data(as_text=True)
    assert Path(settings.get().db_path).stat().st_mtime_ns == db_before
    assert audit.recent(1)[0]["event"] == "access_denied"


def _component(tree, id_: str) -> dict | None:
    """The props of the component `id_` in a layout's JSON."""
    if isinstance(tree, dict):
        if tree.get("props", {}).get("id") == id_:
            return tree["props"]
        tree = list(tree.values())
    if isinstance(tree, list):
        for child in tree:
            found = _component(child, id_)
            if found is not None:
                return found
    return None


def test_the_frame_draws_the_filter_bar_with_its_links_filters_and_is_never_kept(app):
    # A reload raced two requests and could leave the bar at its defaults under the link's filters (CI, stop 24)
    reply = signed_in(app, "admin").get("/_dash-layout",
                                        headers={"Referer": "http://localhost/?period=all&region=mena&event=training"})
    assert reply.headers["Cache-Control"] == "no-store"
    layout = reply.get_json()
    assert _component(layout, ids.FILTER_PERIOD)["value"] == "all"
    assert _component(layout, ids.FILTER_REGION)["value"] == ["MENA"]
    assert _component(layout, ids.FILTER_EVENT_TYPE)["value"] == ["training"]
    assert _component(layout, ids.FILTER_TOPIC)["value"] is None
    plain = signed_in(app, "admin").get("/_dash-layout", headers={"Referer": "http://localhost/"}).get_json()
    assert _component(plain, ids.FILTER_PERIOD)["value"] == "last-12-months"

"""Sign-in, sessions and sign-out, attacked from outside the UI (issue #21): lockouts that hold in parallel,
sessions that end, no account enumeration, a sign-in redirect that keeps the view and stays on the site."""

from __future__ import annotations

import threading
from urllib.parse import parse_qs, urlsplit

import pytest

from dashboards.security import users
from tests.dashboards.security.crafted import CALLBACK, ROLES, csrf, sign_in


def kpis() -> dict:
    return {"output": "overview-kpis.children", "outputs": {"id": "overview-kpis", "property": "children"},
            "inputs": [{"id": "url", "property": "search", "value": "?period=all"}], "changedPropIds": ["url.search"]}


def _works(client) -> bool:
    return client.post(CALLBACK, json=kpis()).status_code == 200


def _copy(client, app):
    """Another client holding a copy of `client`'s cookies (what someone who copied them would have)."""
    twin = app.server.test_client()
    for cookie in client._cookies.values():
        twin.set_cookie(cookie.key, cookie.value, domain=cookie.domain, path=cookie.path)
    return twin


def _attempt(app, email: str, password: str, address: str):
    client = app.server.test_client()
    env = {"REMOTE_ADDR": address}
    token = csrf(client)
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token},
                       environ_base=env)


# --- sessions that end -------------------------------------------------------------------------------------------

def test_a_cookie_copied_before_sign_out_does_not_work_after(app):
    client = sign_in(app, "steering_committee")
    copy = _copy(client, app)
    assert _works(copy)
    assert client.post("/logout", data={"csrf_token": csrf(client)}).status_code == 302
    assert not _works(copy) and not _works(client)


def test_answers_do_not_renew_the_session_cookie(app):
    """The session's end is kept in the user store too: a renewed cookie would not outlive it (see below)."""
    client = sign_in(app, "admin")
    client.get("/_dash-layout")  # the first page keeps the sign-out form's token in the session
    for path in ("/", "/_dash-layout"):
        assert "scn_session" not in client.get(path).headers.get("Set-Cookie", ""), path
    assert "scn_session" not in client.post(CALLBACK, json=kpis()).headers.get("Set-Cookie", "")


def test_a_session_ends_after_its_hours_however_much_it_is_used(app, monkeypatch):
    client = sign_in(app, "admin")
    assert _works(client)
    later = users._now() + users.dt.timedelta(hours=9)  # SCN_SESSION_HOURS defaults to 8
    monkeypatch.setattr(users, "_now", lambda: later)
    assert not _works(client)


def test_removing_and_adding_a_person_again_ends_the_old_cookies(app):
    users.add("again@x.org", "first-password-123", "steering_committee", replace=True)
    client = app.server.test_client()
    client.post("/login", data={"email": "again@x.org", "password": "first-password-123",
                                "csrf_token": csrf(client)})
    assert _works(client)
    users.remove("again@x.org")
    users.add("again@x.org", "first-password-123", "steering_committee")
    assert not _works(client)


def test_a_new_password_ends_every_session_of_that_person(app):
    users.add("pw@x.org", "first-password-123", "steering_committee", replace=True)
    client = app.server.test_client()
    client.post("/login", data={"email": "pw@x.org", "password": "first-password-123", "csrf_token": csrf(client)})
    assert _works(client)
    users.set_password("pw@x.org", "second-password-123")
    assert not _works(client)


@pytest.mark.parametrize("method", ["get", "head", "post"])
def test_sign_out_needs_a_post_with_the_form_token(app, method):
    """A link, an image or another site's form (no token) signs nobody out."""
    client = sign_in(app, "hub_lead")
    getattr(client, method)("/logout")
    assert _works(client)
    client.post("/logout", data={"csrf_token": "forged"})
    assert _works(client)


# --- sign-in limits ---------------------------------------------------------------------------------------------

def test_wrong_passwords_sent_at_once_are_all_counted(app):
    users.add("burst@x.org", "right-password-123", "steering_committee", replace=True)
    replies = []
    threads = [threading.Thread(target=lambda i=i: replies.append(
        _attempt(app, "burst@x.org", f"wrong-{i}", f"10.1.0.{i}"))) for i in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(replies) == 20 and all(r.status_code == 401 for r in replies)
    assert sum("locked" in r.get_data(as_text=True) for r in replies) >= 20 - users.MAX_FAILURES
    right = _attempt(app, "burst@x.org", "right-password-123", "10.1.1.1")
    assert right.status_code == 401 and "locked" in right.get_data(as_text=True)


def test_right_passwords_sent_at_once_all_sign_in(app):
    """Twenty people (or browser tabs) signing in to one account together: slots make them wait, never lock."""
    users.add("crowd@x.org", "right-password-123", "steering_committee", replace=True)
    replies = []
    threads = [threading.Thread(target=lambda i=i: replies.append(
        _attempt(app, "crowd@x.org", "right-password-123", "10.4.0.1"))) for i in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [r.status_code for r in replies] == [302] * 20


def test_a_locked_account_and_an_unknown_address_answer_alike(app):
    users.add("real@x.org", "right-password-123", "steering_committee", replace=True)
    answers = {}
    for email in ("real@x.org", "nobody-here@x.org"):
        for i in range(users.MAX_FAILURES + 1):
            reply = _attempt(app, email, "wrong", f"10.2.{len(answers)}.{i}")
        error = reply.get_data(as_text=True).split('id="login-error">', 1)[1].split("<", 1)[0]
        answers[email] = (reply.status_code, error)
    assert answers["real@x.org"] == answers["nobody-here@x.org"]
    assert "locked" in answers["real@x.org"][1]


def test_many_wrong_passwords_from_one_address_are_refused_for_every_account(app):
    address = "10.3.0.1"
    for i in range(users.MAX_ADDRESS_FAILURES):
        assert _attempt(app, f"guess{i}@x.org", "wrong", address).status_code == 401
    refused = _attempt(app, ROLES["admin"], users.DEMO_PASSWORD, address)
    assert refused.status_code == 429
    assert _attempt(app, ROLES["admin"], users.DEMO_PASSWORD, "10.3.0.2").status_code == 302


# --- where sign-in leads ----------------------------------------------------------------------------------------

def test_a_shared_link_opened_before_sign_in_lands_on_exactly_that_view(app):
    client = app.server.test_client()
    link = "/training?period=this-year&region=mena&event=training"
    reply = client.get(link)
    assert reply.status_code == 302
    target = parse_qs(urlsplit(reply.headers["Location"]).query)["next"][0]
    assert target == link
    signed = client.post(reply.headers["Location"], data={"email": ROLES["admin"], "password": users.DEMO_PASSWORD,
                                                          "csrf_token": csrf(client)})
    assert signed.status_code == 302 and signed.headers["Location"] == link


@pytest.mark.parametrize("target", ["https://evil.example/x", "//evil.example", "/\\evil.example", "\\\\evil.example",
                                    "/%2fevil.example", "/%5cevil.example", "javascript:alert(1)",
                                    "/\tevil", "http:/evil.example", " //evil.example"])
def test_sign_in_never_leads_to_another_site(app, target):
    client = app.server.test_client()
    reply = client.post("/login", query_string={"next": target},
                        data={"email": ROLES["admin"], "password": users.DEMO_PASSWORD, "csrf_token": csrf(client)})
    assert reply.status_code == 302 and reply.headers["Location"] == "/", target


# --- headers ----------------------------------------------------------------------------------------------------

def test_pages_and_sign_in_send_a_content_security_policy_of_this_origin_only(app):
    client = sign_in(app, "admin")
    for reply in (client.get("/"), app.server.test_client().get("/login")):
        policy = reply.headers["Content-Security-Policy"]
        assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
        script = next(p for p in policy.split(";") if p.strip().startswith("script-src"))
        assert "'unsafe-inline'" not in script and "'unsafe-eval'" not in script and "'sha256-" in script
        assert reply.headers["X-Content-Type-Options"] == "nosniff"
        assert reply.headers["Referrer-Policy"] == "same-origin"


def test_a_hub_lead_opening_a_link_of_another_region_sees_their_own_with_a_notice(app):
    client = sign_in(app, "hub_lead")
    sent = {"output": "..filter-chips.children...print-header.children..",
            "outputs": [{"id": "filter-chips", "property": "children"}, {"id": "print-header", "property": "children"}],
            "inputs": [{"id": "url", "property": "search", "value": "?period=all&region=europe"}],
            "state": [{"id": "url", "property": "pathname", "value": "/"}], "changedPropIds": ["url.search"]}
    reply = client.post(CALLBACK, json=sent)
    assert reply.status_code == 200, reply.get_data(as_text=True)[:300]
    text = reply.get_data(as_text=True)
    assert "Not in your view: Europe" in text and "Showing MENA" in text
    own = client.post(CALLBACK, json=kpis() | {"inputs": [{"id": "url", "property": "search",
                                                             "value": "?period=all&region=mena"}]})
    asked = client.post(CALLBACK, json=kpis() | {"inputs": [{"id": "url", "property": "search",
                                                               "value": "?period=all&region=europe"}]})
    assert asked.get_data() == own.get_data()

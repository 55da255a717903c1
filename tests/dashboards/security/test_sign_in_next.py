"""Where sign-in leads (#17): a link opened before signing in keeps its whole path and query through the sign-in
form, and `next` never leads off the site however it is written (the cases of test_sessions.py, and more)."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from dashboards.security import users
from dashboards.security.signin import _safe_next
from tests.dashboards.security.crafted import ROLES, csrf

LINKS = [
    "/training?period=this-year&region=mena&event=training",
    "/grants?period=custom&from=2025-01-01&to=2025-06-30&country=JOR&country=TUN&topic=youth",
    "/city/SCN-0001?period=all",
    "/membership?region=west-africa-sahel&region=mena&colour=engagement",
    "/regions?topic=Prevention%20%26%20resilience&period=2026-Q1",
]


def _sign_in_through(client, location: str, role: str = "admin"):
    """Post the sign-in form the way the browser does: to the form's own action on the sign-in page."""
    page = client.get(location).get_data(as_text=True)
    action = html.unescape(re.search(r'<form method="post" action="([^"]+)"', page).group(1))
    return client.post(action, data={"email": ROLES[role], "password": users.DEMO_PASSWORD,
                                     "csrf_token": csrf(client)})


@pytest.mark.parametrize("link", LINKS)
def test_a_link_keeps_its_path_and_query_through_the_sign_in_form(app, link):
    client = app.server.test_client()
    sent = client.get(link)
    assert sent.status_code == 302
    assert parse_qs(urlsplit(sent.headers["Location"]).query)["next"] == [link]
    signed = _sign_in_through(client, sent.headers["Location"])
    assert signed.status_code == 302 and signed.headers["Location"] == link


def test_a_hub_lead_signing_in_through_another_regions_link_lands_on_it(app):
    """The page then narrows it to the hub's region and says so (tests/browser/test_shared_links.py)."""
    link = "/training?period=this-year&region=europe&event=training"
    client = app.server.test_client()
    signed = _sign_in_through(client, client.get(link).headers["Location"], "hub_lead")
    assert signed.headers["Location"] == link


def test_a_visitor_on_a_staff_link_signs_in_and_lands_on_that_view(app):
    """With the public page on, a visitor is someone: the staff page sends them to sign in with the whole link."""
    link = "/grants?period=all&region=europe"
    client = app.server.test_client()
    sent = client.get(link)
    assert sent.status_code == 302
    assert parse_qs(urlsplit(sent.headers["Location"]).query)["next"] == [link]
    assert _sign_in_through(client, sent.headers["Location"]).headers["Location"] == link


OFF_SITE = [
    "https://evil.example/x", "HTTPS://evil.example", "http:evil.example", "https:/evil.example",
    "//evil.example", "///evil.example", "////evil.example", "/\\evil.example", "\\\\evil.example",
    "/\\/evil.example", "\\/evil.example", "/%2fevil.example", "/%2F%2Fevil.example", "/%5cevil.example",
    "/%5C%5Cevil.example", "javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,<script>1</script>",
    " //evil.example", "\t//evil.example", "/\t/evil.example", "/\n/evil.example", "/\r\nSet-Cookie: x=1",
    "/\x00/evil.example", "/\x7f/evil.example", "evil.example", "@evil.example", "//evil.example@trusted",
    "/" + "a" * 2001, "", "?next=//evil.example",
]


@pytest.mark.parametrize("target", OFF_SITE)
def test_next_refuses_anything_but_a_path_on_this_site(target):
    assert _safe_next(target) is None, target


@pytest.mark.parametrize("target", OFF_SITE)
def test_sign_in_with_a_crafted_next_lands_home(app, target):
    client = app.server.test_client()
    reply = client.post("/login", query_string={"next": target},
                        data={"email": ROLES["admin"], "password": users.DEMO_PASSWORD, "csrf_token": csrf(client)})
    assert reply.status_code == 302 and reply.headers["Location"] == "/", (target, reply.headers["Location"])


@pytest.mark.parametrize("target", ["//evil.example", "https://evil.example/x", "/\\evil.example"])
def test_the_sign_in_form_does_not_carry_a_crafted_next(app, target):
    page = app.server.test_client().get("/login", query_string={"next": target}).get_data(as_text=True)
    action = html.unescape(re.search(r'<form method="post" action="([^"]+)"', page).group(1))
    assert action == "/login", action


@pytest.mark.parametrize("link", [*LINKS, "/", "/city/Z%C3%BCrich?period=all", "/impact?audience=donor"])
def test_next_keeps_a_path_on_this_site_as_it_is(link):
    assert _safe_next(link) == link

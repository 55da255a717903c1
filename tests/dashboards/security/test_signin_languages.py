"""The sign-in page and the app's pages speak the request's language, and signing in keeps it."""

from __future__ import annotations

import json

from dashboards.security import users
from tests.dashboards.security.crafted import ROLES, csrf


def test_the_sign_in_page_speaks_the_language_the_url_asks_for(app) -> None:
    client = app.server.test_client()
    french = client.get("/login?lang=fr").get_data(as_text=True)
    assert '<html lang="fr" dir="ltr">' in french and "Mot de passe" in french and ">Password<" not in french
    arabic = client.get("/login?lang=ar").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in arabic and "bootstrap.rtl.min.css" in arabic and "كلمة المرور" in arabic
    english = client.get("/login").get_data(as_text=True)
    assert '<html lang="en" dir="ltr">' in english and ">Password<" in english


def test_the_sign_in_page_speaks_the_language_of_the_page_it_guards(app) -> None:
    reply = app.server.test_client().get("/grants?period=all&lang=ar")
    assert reply.status_code == 302
    page = app.server.test_client().get(reply.headers["Location"]).get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in page


def test_signing_in_keeps_the_language_of_next_or_of_the_sign_in_page(app) -> None:
    client = app.server.test_client()
    form = {"email": ROLES["admin"], "password": users.DEMO_PASSWORD, "csrf_token": csrf(client)}
    reply = client.post("/login?next=%2Fgrants%3Fperiod%3Dall%26lang%3Dar", data=form)
    assert reply.headers["Location"] == "/grants?period=all&lang=ar"
    client = app.server.test_client()
    form["csrf_token"] = csrf(client)
    reply = client.post("/login?lang=fr", data=form)  # no next: home, in the sign-in page's language
    assert reply.headers["Location"] == "/?lang=fr"


def test_a_wrong_password_is_told_in_the_pages_language(app) -> None:
    client = app.server.test_client()
    reply = client.post("/login?lang=fr", data={"email": ROLES["admin"], "password": "wrong password here",
                                                "csrf_token": csrf(client)})
    assert reply.status_code == 401 and "Adresse électronique ou mot de passe incorrect" in reply.get_data(True)


def test_a_page_and_its_frame_speak_the_urls_language(app) -> None:
    from tests.dashboards.security.crafted import sign_in

    client = sign_in(app, "admin")
    assert '<html lang="ar" dir="rtl">' in client.get("/?lang=ar").get_data(as_text=True)
    frame = json.loads(client.get("/_dash-layout", headers={"Referer": "http://localhost/?lang=fr"}).get_data())
    texts = json.dumps(frame, ensure_ascii=False)
    assert "Français" in texts and "Vue d’ensemble" in texts and "Se déconnecter" in texts
    links = [c for c in _components(frame) if isinstance(c.get("props", {}).get("id"), dict)
             and c["props"]["id"].get("type") == "lang-link"]
    assert {c["props"]["href"] for c in links} == {"/?lang=en", "/?lang=fr", "/?lang=ar"}


def _components(node):
    if isinstance(node, dict):
        if "props" in node:
            yield node
        for value in node.values():
            yield from _components(value)
    elif isinstance(node, list):
        for value in node:
            yield from _components(value)

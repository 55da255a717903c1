"""Which language a request is answered in: the URL, the page a Dash request is made for, the person's choice, the
browser, English, in that order."""

from __future__ import annotations

from types import SimpleNamespace

import flask_login
import pytest
from flask import Flask, g

from dashboards import i18n
from dashboards.i18n import negotiate

HOST = "http://dash.test"


@pytest.fixture
def server() -> Flask:
    app = Flask(__name__)
    app.config.update(SERVER_NAME="dash.test", SECRET_KEY="test")
    flask_login.LoginManager(app).user_loader(lambda token: None)  # nobody signed in unless a test says so
    return app


def signed_in(monkeypatch, language: str | None) -> None:
    """The request comes from a signed-in person whose stored preferred language is `language`."""
    person = SimpleNamespace(is_authenticated=True, user=SimpleNamespace(language=language))
    monkeypatch.setattr(flask_login, "current_user", person)


def spoken(server: Flask, path: str = "/", *, referrer: str | None = None, accept: str | None = None) -> str:
    headers = {k: v for k, v in {"Referer": referrer, "Accept-Language": accept}.items() if v}
    with server.test_request_context(path, base_url=HOST, headers=headers):
        negotiate.decide()
        return i18n.current_language()


def test_without_any_hint_the_app_speaks_english(server) -> None:
    assert spoken(server) == "en"


def test_the_browser_language_is_followed_when_nothing_else_is_said(server) -> None:
    assert spoken(server, accept="ar-EG,ar;q=0.9,en;q=0.5") == "ar"
    assert spoken(server, accept="de-DE,fr;q=0.8,en;q=0.5") == "fr"  # German is not spoken: the next it prefers
    assert spoken(server, accept="de-DE") == "en"


def test_the_persons_preferred_language_beats_the_browser(server, monkeypatch) -> None:
    signed_in(monkeypatch, "fr")
    assert spoken(server, accept="ar") == "fr"


def test_a_person_without_a_preference_gets_the_browsers(server, monkeypatch) -> None:
    signed_in(monkeypatch, None)
    assert spoken(server, accept="ar") == "ar"


def test_lang_in_the_url_beats_the_persons_preference_and_the_browser(server, monkeypatch) -> None:
    signed_in(monkeypatch, "fr")
    assert spoken(server, "/grants?period=all&lang=ar", accept="fr") == "ar"


def test_the_sign_in_page_speaks_the_language_of_the_page_it_leads_to(server) -> None:
    assert spoken(server, "/login?next=%2Fgrants%3Fperiod%3Dall%26lang%3Dar", accept="fr") == "ar"
    assert spoken(server, "/login?lang=fr&next=%2F%3Flang%3Dar") == "fr"  # its own lang first


def test_an_unknown_lang_in_the_url_is_ignored(server) -> None:
    assert spoken(server, "/?lang=xx", accept="fr") == "fr"


@pytest.mark.parametrize("path", ["/_dash-update-component", "/_dash-layout"])
def test_a_dash_request_speaks_the_language_of_the_page_that_made_it(server, monkeypatch, path) -> None:
    signed_in(monkeypatch, "fr")
    assert spoken(server, path, referrer=f"{HOST}/impact?region=mena&lang=ar", accept="en") == "ar"
    # a page without lang: the person's choice, as for the page itself
    assert spoken(server, path, referrer=f"{HOST}/impact?region=mena", accept="en") == "fr"


def test_a_page_load_does_not_take_the_language_of_the_page_it_came_from(server) -> None:
    # following a link from an Arabic page to a page without lang: the link decides (here: nothing, the browser)
    assert spoken(server, "/grants", referrer=f"{HOST}/?lang=ar", accept="fr") == "fr"


def test_a_referer_from_another_site_is_ignored(server) -> None:
    assert spoken(server, "/_dash-update-component", referrer="http://elsewhere.test/?lang=ar") == "en"


def test_the_url_of_a_dash_request_beats_its_referer(server) -> None:
    assert spoken(server, "/_dash-layout?lang=fr", referrer=f"{HOST}/?lang=ar") == "fr"


def test_static_files_are_left_alone(server) -> None:
    with server.test_request_context("/assets/style.css?lang=ar", base_url=HOST):
        negotiate.decide()
        assert "scn_language" not in g


def test_install_runs_right_after_the_gate(server) -> None:
    def gate():
        return None

    server.before_request_funcs.setdefault(None, []).insert(0, gate)
    server.before_request(lambda: None)  # what Dash registers later: its first-request setup
    negotiate.install(server)
    assert server.before_request_funcs[None][:2] == [gate, negotiate.decide]


@pytest.mark.parametrize(("search", "lang"), [("?lang=fr", "fr"), ("?period=all&lang=ar-EG", "ar"), ("", None),
                                              (None, None), ("?lang=de", None)])
def test_query_language_reads_lang_from_a_query_string(search, lang) -> None:
    assert negotiate.query_language(search) == lang

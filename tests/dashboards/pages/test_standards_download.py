"""The grants page's IATI / 360Giving download, asked for with crafted callback requests (no browser, no UI):
ISD staff get a valid file, everyone else none, whatever they send."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import pytest
from lxml import etree

from dashboards import settings
from dashboards.security import users

CALLBACK = "/_dash-update-component"
ACCOUNTS = {"admin": "admin@demo.scn", "programme_manager": "manager@demo.scn",
            "steering_committee": "steering@demo.scn", "hub_lead": "hub@demo.scn", "donor": "donor@demo.scn"}


@pytest.fixture
def app(use_app_environment, tmp_path: Path):
    use_app_environment(tmp_path)
    import app as dashboard

    dashboard.server.config["TESTING"] = True
    users.ensure_demo_accounts()
    yield dashboard
    settings.get.cache_clear()


def signed_in(app, role: str):
    client = app.server.test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)
    reply = client.post("/login", data={"email": ACCOUNTS[role], "password": users.DEMO_PASSWORD,
                                        "csrf_token": token})
    assert reply.status_code == 302
    return client


def ask(client, standard, donor=None):
    """The callback request the Download button sends, with any values in it."""
    return client.post(CALLBACK, json={
        "output": "..grants-standard-file.data...grants-standard-result.children..",
        "outputs": [{"id": "grants-standard-file", "property": "data"},
                    {"id": "grants-standard-result", "property": "children"}],
        "inputs": [{"id": "grants-standard-button", "property": "n_clicks", "value": 1}],
        "state": [{"id": "grants-standard-format", "property": "value", "value": standard},
                  {"id": "grants-standard-donor", "property": "value", "value": donor}],
        "changedPropIds": ["grants-standard-button.n_clicks"],
    })


def file_of(reply) -> bytes | None:
    data = reply.get_json()["response"].get("grants-standard-file", {}).get("data")
    if not data:
        return None
    return base64.b64decode(data["content"]) if data.get("base64") else data["content"].encode("utf-8")


@pytest.mark.parametrize("role", ["admin", "programme_manager"])
def test_isd_staff_download_a_valid_file_of_one_donor(app, role):
    client = signed_in(app, role)
    reply = ask(client, "iati", "DON-01")
    assert reply.status_code == 200
    root = etree.fromstring(file_of(reply))
    funders = {a.find("participating-org[@role='1']/narrative").text for a in root.iter("iati-activity")}
    assert funders == {"Government of Canada (Public Safety)"}
    package = json.loads(file_of(ask(client, "360giving")))
    assert len(package["grants"]) > 100
    assert file_of(ask(client, "360giving-csv")).decode("utf-8-sig").startswith("Identifier,Title")


@pytest.mark.parametrize("role", ["steering_committee", "hub_lead"])
def test_other_roles_of_the_grants_page_are_refused_at_the_gate_and_shown_no_download(app, role):
    client = signed_in(app, role)
    for standard in ("iati", "360giving", "360giving-csv"):
        reply = ask(client, standard)
        assert reply.status_code == 400 and "grants-standard-file" not in reply.get_data(as_text=True)
    # and the page shows them no download at all
    assert "grants-standard-button" not in json.dumps(client.post(CALLBACK, json={
        "output": "_pages_content.children", "outputs": {"id": "_pages_content", "property": "children"},
        "inputs": [{"id": "_pages_location", "property": "pathname", "value": "/grants"},
                   {"id": "_pages_location", "property": "search", "value": ""}],
        "changedPropIds": ["_pages_location.pathname"]}).get_json() or {})


@pytest.mark.parametrize("role", ["steering_committee", "hub_lead"])
def test_the_download_callback_itself_refuses_other_roles_and_audits_them(app, role, tmp_path: Path):
    """Behind the gate, the callback checks the role again (a rule loosened by mistake still gives no file)."""
    from dashboards.pages import grants
    from dashboards.security import access

    viewer = access.Viewer(ACCOUNTS[role], role, regions=("MENA",))
    with app.server.test_request_context("/_dash-update-component"):
        from flask import g

        g.scn_viewer = viewer
        data, message = grants.download_standard(1, "iati", None)
    assert data is grants.no_update and "Only ISD staff" in json.dumps(message.to_plotly_json(), default=str)
    log = [json.loads(line) for line in (tmp_path / "audit.jsonl").read_text().splitlines()]
    assert any(e["event"] == "access_denied" and e["actor"] == ACCOUNTS[role] for e in log)


def test_donors_cannot_call_the_grants_page_at_all(app):
    assert ask(signed_in(app, "donor"), "iati", "DON-01").status_code == 403


@pytest.mark.parametrize("value", ["xml", {"$ne": 1}, ["iati"], "'; drop table stg_grants; --"])
def test_hostile_values_are_refused_not_a_file_or_an_error(app, value):
    client = signed_in(app, "admin")
    assert ask(client, value).status_code == 400
    assert ask(client, "iati", value).status_code == 400  # as a donor: not a donor id the viewer may choose
    assert ask(client, "iati", "DON-01").status_code == 200  # while the same request with allowed values runs


def test_the_policy_views_alone_keep_the_portfolio_from_other_roles(app):
    """Even without the page's role check, a non-staff viewer reads an empty portfolio: the staging tables are the
    data team's in every role's views."""
    from dashboards.queries import standards
    from dashboards.security import access

    for role in ("steering_committee", "hub_lead", "donor", "public"):
        viewer = access.Viewer("someone", role, regions=("MENA",), donor_id="DON-01")
        assert standards.portfolio(viewer=viewer).grants.empty
        assert standards.standard_file("iati", viewer=viewer).data is None
    assert len(standards.portfolio(viewer=access.SYSTEM).grants) == 300

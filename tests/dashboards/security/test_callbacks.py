"""Every callback x every role and the visitor x hostile and other-audience values: no leak, no server error.

A value a role may not choose (another donor, another region, the staff preview) is refused (400) or answered
exactly as the role's own choice; nothing a limited role is sent names what it may not see (confidential
cities, other regions' cities, other donors and their grants), in the page or in any file it downloads.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

from tests.dashboards.security.crafted import (
    CALLBACK,
    EVERYONE,
    HOSTILE,
    LIMITED,
    SAMPLE,
    VISITOR,
    answer_text,
    body,
    dependencies,
    fillers,
    forbidden,
    leaks,
)

REFUSED = {400, 401, 403}


@pytest.fixture(scope="module")
def deps(app) -> list[dict]:
    return dependencies(app)


def _valid(app, dep: dict, role: str) -> dict:
    """Values for each input of `dep` that `role` may send (the examples of the allowed-values rules)."""
    from dashboards.security import allowed
    return allowed.examples(dep, _viewer(role))


def _viewer(role: str):
    from dashboards.security import users
    from dashboards.security.access import Viewer
    from tests.dashboards.security.crafted import ROLES
    if role == VISITOR:
        return Viewer("public", "public")
    return users.get(ROLES[role]).viewer()


def _post(client, sent):
    return client.post(CALLBACK, data=json.dumps(sent), content_type="application/json")


@pytest.mark.parametrize("role", EVERYONE)
def test_hostile_values_in_each_input_are_refused_or_answered_never_a_server_error(app, clients, deps, role):
    client, words, checked = clients[role], forbidden(role), 0
    for dep in deps:
        for filler in fillers(dep)[:2]:  # a chart the page has and one it may not: every filler is the next test's
            valid = _valid(app, dep, role)
            for key in [(d["id"], d["property"]) for d in dep["inputs"] + dep.get("state", [])]:
                for value in HOSTILE:
                    reply = _post(client, body(dep, valid | {key: value}, filler=filler))
                    assert reply.status_code < 500, (role, dep["output"], key, str(value)[:40],
                                                     reply.get_data(as_text=True)[:300])
                    if reply.status_code == 200 and words:
                        assert not leaks(answer_text(reply), words), (role, dep["output"], key, str(value)[:40])
                    checked += 1
    assert checked > 1000


@pytest.mark.parametrize("role", EVERYONE)
def test_every_callback_with_valid_values_answers_its_role_without_leaks(app, clients, deps, role):
    """With values the role may send, a callback of a page the role may open answers 200 (or nothing to do,
    204); any other is refused; and no answer names what the role may not see."""
    client, words = clients[role], forbidden(role)
    answered = 0
    for dep in deps:
        for filler in fillers(dep):
            reply = _post(client, body(dep, _valid(app, dep, role), filler=filler))
            assert reply.status_code in {200, 204} | REFUSED, (role, dep["output"], reply.get_data(as_text=True)[:300])
            if reply.status_code == 200:
                answered += 1
                assert not leaks(answer_text(reply), words), (role, dep["output"], filler)
    assert answered >= 3


def _impact(deps, name: str) -> dict:
    return next(d for d in deps if d["output"].startswith(name) or f"..{name}" in d["output"])


def _donors() -> list[str]:
    return sorted(pd.read_csv(SAMPLE / "donors.csv")["donor_id"])


@pytest.mark.parametrize("role", LIMITED)
def test_a_limited_role_choosing_another_audience_on_the_impact_page_is_refused(app, clients, deps, role):
    """The leak of issue #21: the staff preview's donor value, sent by a donor, a hub lead or the visitor to
    every impact callback (summary, PDF, chart CSVs), is refused or changes nothing."""
    client = clients[role]
    chosen = [d for d in deps if any(i["id"] == "impact-donor" for i in d["inputs"] + d.get("state", []))]
    assert len(chosen) >= 3
    for dep in chosen:
        for filler in ("countries", "gender"):
            base = {(d["id"], d["property"]): 1 if d["property"] == "n_clicks" else None
                    for d in dep["inputs"] + dep.get("state", [])} | {("url", "search"): "?period=all"}
            own = _post(client, body(dep, base, filler=filler))
            assert own.status_code == 200, (role, dep["output"], own.get_data(as_text=True)[:300])
            for choice in [*_donors(), "public"]:
                reply = _post(client, body(dep, base | {("impact-donor", "value"): choice}, filler=filler))
                assert reply.status_code in REFUSED or reply.get_data() == own.get_data(), (role, dep["output"],
                                                                                            choice)


def test_every_input_of_every_server_callback_has_an_allowed_values_rule(app):
    """From Dash's callback map (auth.callbacks: the one place that reads Dash's registry): a callback added
    without a rule for one of its inputs fails here, and the app refuses to start."""
    from dashboards.security import allowed, auth
    known = auth.callbacks(app.app)
    assert len(allowed.server_callbacks(known)) >= 30
    assert allowed.missing(known) == []
    forgotten = {"new-output.children": {"callback": lambda: None,
                                         "inputs": [{"id": "new-control", "property": "value"}],
                                         "state": [{"id": "url", "property": "search"}]}}
    assert allowed.missing(known | forgotten) == ["new-control.value"]


def test_a_hub_lead_sending_another_region_to_any_control_is_refused(app, clients, deps):
    hub = clients["hub_lead"]
    region_inputs = {("filter-region", "value"): [["Europe"], ["MENA", "Europe"]],
                     ("regions-region-pick", "value"): ["Europe", "North America"]}
    checked = 0
    for dep in deps:
        keys = [(d["id"], d["property"]) for d in dep["inputs"] + dep.get("state", [])]
        for key, values in region_inputs.items():
            if key not in keys:
                continue
            for value in values:
                reply = _post(hub, body(dep, _valid(app, dep, "hub_lead") | {key: value}, filler=fillers(dep)[0]))
                assert reply.status_code == 400, (dep["output"], key, value)
                checked += 1
            mine = ["MENA"] if key[0] == "filter-region" else "MENA"
            own = _post(hub, body(dep, _valid(app, dep, "hub_lead") | {key: mine}, filler=fillers(dep)[0]))
            assert own.status_code in (200, 204), (dep["output"], own.get_data(as_text=True)[:200])
    assert checked >= 4

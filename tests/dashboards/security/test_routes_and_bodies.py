"""Malformed callback bodies and every route, as every role and the visitor: refused with 4xx, never a 5xx, and
nothing a role may not open (issue #21)."""

from __future__ import annotations

import json

import pytest

from tests.dashboards.security.crafted import CALLBACK, EVERYONE, VISITOR


def kpis() -> dict:
    return {"output": "overview-kpis.children", "outputs": {"id": "overview-kpis", "property": "children"},
            "inputs": [{"id": "url", "property": "search", "value": "?period=all"}], "changedPropIds": ["url.search"]}


def _deep(levels: int) -> str:
    return "[" * levels + "]" * levels


MALFORMED = [
    kpis() | {"inputs": 5}, kpis() | {"inputs": [1, 2]}, kpis() | {"inputs": [{"id": "url", "value": "?"}]},
    kpis() | {"inputs": [{"id": "url", "property": "pathname", "value": "/"}]},
    kpis() | {"inputs": [{"id": {"type": "x"}, "property": "search", "value": "?"}]},
    kpis() | {"outputs": 5}, kpis() | {"outputs": [{"id": "overview-kpis", "property": "children"}] * 2},
    kpis() | {"outputs": {"id": "other", "property": "children"}}, kpis() | {"state": [1]},
    kpis() | {"state": 7}, kpis() | {"changedPropIds": 5}, kpis() | {"changedPropIds": ["nope.value"]},
    kpis() | {"changedPropIds": [{"a": 1}]}, kpis() | {"output": ["overview-kpis.children"]},
    kpis() | {"output": "overview-kpis.children", "inputs": []},
    {"output": "..nav-link.href..", "outputs": [], "inputs": []},  # a clientside callback: never on the server
    [1, 2], "text", None, 5, {},
]
RAW = [b"{", b"\xff\xfe", _deep(1000).encode(), ('{"output": ' + _deep(5000) + "}").encode(),
       json.dumps(kpis() | {"inputs": [{"id": "url", "property": "search", "value": json.loads(_deep(900))}]}).encode(),
       b'{"output": "overview-kpis.children", "inputs": [' + b'{"a":' * 800 + b"1" + b"}" * 800 + b"]}"]


@pytest.mark.parametrize("role", EVERYONE)
def test_malformed_callback_bodies_are_400(clients, role):
    client = clients[role]
    expected = {401} if role == VISITOR else {400}
    expected |= {403} if role in ("donor", VISITOR) else set()  # the overview is not theirs: refused first
    for sent in MALFORMED:
        reply = client.post(CALLBACK, data=json.dumps(sent), content_type="application/json")
        assert reply.status_code in expected | {400}, (role, sent, reply.status_code)
    for raw in RAW:
        reply = client.post(CALLBACK, data=raw, content_type="application/json")
        assert reply.status_code in expected | {400}, (role, raw[:40], reply.status_code)


PATHS = ["/", "/membership", "/training", "/grants", "/regions", "/city/SCN-0002", "/city/SCN-9999'%20or%201=1",
         "/impact", "/data", "/no-such-page", "/_dash-layout", "/_dash-dependencies", "/_reload-hash",
         "/login?next=//evil.example", "/logout", "/_favicon.ico", "/assets/../app.py", "/assets/%2e%2e/app.py",
         "/_dash-component-suites/dash/../../app.py", "/impact?period=%00", "/" + "x" * 5000]


@pytest.mark.parametrize("role", EVERYONE)
def test_every_route_answers_each_role_without_a_server_error_or_a_page_beyond_it(clients, role):
    from dashboards.security import users
    from tests.dashboards.security.crafted import ROLES
    client = clients[role]
    pages = {"/": "overview", "/membership": "membership", "/training": "training", "/grants": "grants",
             "/regions": "regions", "/data": "data_quality", "/impact": "impact"}
    viewer = users.get(ROLES[role]).viewer() if role != VISITOR else None
    for path in PATHS:
        for method in ("get", "head", "post"):
            reply = getattr(client, method)(path)
            assert reply.status_code < 500, (role, method, path, reply.status_code)
            assert b"Traceback" not in reply.get_data()
        page = pages.get(path)
        reply = client.get(path)
        if page and not (viewer.may_open(page) if viewer else page == "impact"):
            assert reply.status_code in (302, 401, 403), (role, path)
    assert client.get("/assets/../app.py").status_code == 404

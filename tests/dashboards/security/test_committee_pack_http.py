"""Saved views, notes on the numbers and packs over HTTP, with crafted requests that bypass the UI (issue #20).

Each request is what a browser would post to /_dash-update-component, signed in through the real login form as a
demo role; the checks are the server's own (the gate's allowed-values rules, then the stores' rules), so a role
that is not offered a control cannot use it by posting it anyway.
"""

from __future__ import annotations

import base64
import io
import json

import pytest
from pypdf import PdfReader

from dashboards import ids
from dashboards.security import access
from dashboards.state import saved_views as views
from tests.dashboards.security.crafted import CALLBACK, ROLES, VISITOR, body, dependencies

TRAINING_EVENTS = "training/events"


@pytest.fixture(scope="module")
def deps(app) -> dict[str, dict]:
    return {d["output"]: d for d in dependencies(app)}


def _dep(deps: dict, *needles: str) -> dict:
    """The one callback whose outputs or inputs name every needle."""
    found = [d for out, d in deps.items() if all(n in out + json.dumps(d["inputs"]) for n in needles)]
    assert len(found) == 1, (needles, [d["output"] for d in found])
    return found[0]


def _post(client, dep: dict, values: dict, trigger: str | None = None):
    values = {(ids.URL, "pathname"): "/", (ids.URL, "search"): "", **values}  # as every browser sends them
    sent = body(dep, {(d["id"], d["property"]): v for d in [*dep["inputs"], *dep.get("state", [])]
                      for key, v in values.items() if (d["id"], d["property"]) == key or d["id"] == key},
                filler=TRAINING_EVENTS)
    if trigger:
        sent["changedPropIds"] = [trigger]
    return client.post(CALLBACK, json=sent)


def _said(reply) -> str:
    """The answer's text as the person reads it (Dash escapes non-ASCII characters in its JSON)."""
    raw = reply.get_data(as_text=True)
    try:
        return json.dumps(json.loads(raw), ensure_ascii=False)
    except ValueError:
        return raw


def _saved(app, role: str) -> list[views.SavedView]:
    from dashboards.security import users

    return views.list_for(users.get(ROLES[role]).viewer(), path=app.private / "state.sqlite")


def _viewer(role: str) -> access.Viewer:
    from dashboards.security import users

    return users.get(ROLES[role]).viewer()


def test_a_view_is_saved_under_the_signed_in_person_and_listed_to_them(app, clients, deps) -> None:
    dep = _dep(deps, ids.VIEWS_LIST, ids.VIEWS_SAVE)
    reply = _post(clients["hub_lead"], dep, {(ids.URL, "pathname"): "/training", (ids.URL, "search"): "?region=MENA",
                                             ids.VIEWS_NAME: "MENA trainings"}, f"{ids.VIEWS_SAVE}.n_clicks")
    assert reply.status_code == 200, reply.get_data(as_text=True)
    assert "Saved “MENA trainings”" in _said(reply)
    mine = _saved(app, "hub_lead")
    assert [(v.name, v.url, v.owner) for v in mine] == [("MENA trainings", "/training?region=mena", ROLES["hub_lead"])]
    assert not any(v.name == "MENA trainings" for v in _saved(app, "admin"))  # nobody else lists it


def test_a_hub_lead_cannot_save_another_regions_view_by_posting_it(app, clients, deps) -> None:
    dep = _dep(deps, ids.VIEWS_LIST, ids.VIEWS_SAVE)
    reply = _post(clients["hub_lead"], dep, {(ids.URL, "pathname"): "/", (ids.URL, "search"): "?region=Europe",
                                             ids.VIEWS_NAME: "Europe"}, f"{ids.VIEWS_SAVE}.n_clicks")
    assert reply.status_code == 200
    assert "Not saved" in _said(reply)
    assert not any(v.name == "Europe" for v in _saved(app, "hub_lead"))


def test_a_donor_cannot_save_a_view_of_a_page_they_may_not_open(app, clients, deps) -> None:
    dep = _dep(deps, ids.VIEWS_LIST, ids.VIEWS_SAVE)
    reply = _post(clients["donor"], dep, {(ids.URL, "pathname"): "/training", (ids.URL, "search"): "",
                                          ids.VIEWS_NAME: "trainings"}, f"{ids.VIEWS_SAVE}.n_clicks")
    assert reply.status_code == 200
    assert "Not saved: your role may not open /training" in _said(reply)
    assert _saved(app, "donor") == []


def test_the_public_visitor_saves_nothing(app, clients, deps) -> None:
    dep = _dep(deps, ids.VIEWS_LIST, ids.VIEWS_SAVE)
    reply = _post(clients[VISITOR], dep, {(ids.URL, "pathname"): "/impact", (ids.URL, "search"): "",
                                          ids.VIEWS_NAME: "impact"}, f"{ids.VIEWS_SAVE}.n_clicks")
    assert reply.status_code in (200, 400, 403)
    if reply.status_code == 200:
        assert "only people who sign in can save views" in _said(reply)


def test_only_staff_share_views_even_when_the_request_is_crafted(app, clients, deps) -> None:
    dep = _dep(deps, ids.VIEWS_LIST, ids.VIEWS_SAVE)
    own = _saved(app, "hub_lead")
    assert own, "the hub lead's view is saved by the first test"
    share = {ids.VIEWS_SHARE_VIEW: own[0].id, ids.VIEWS_SHARE_ROLE: "steering_committee"}
    reply = _post(clients["hub_lead"], dep, share, f"{ids.VIEWS_SHARE}.n_clicks")
    assert reply.status_code == 200
    assert "Not shared: only administrators and programme managers share views" in _said(reply)
    assert _saved(app, "hub_lead")[0].shared_with == ()
    # a manager cannot share someone else's view by naming its number
    reply = _post(clients["programme_manager"], dep, {ids.VIEWS_SHARE_VIEW: own[0].id,
                                                      ids.VIEWS_SHARE_ROLE: "steering_committee"},
                  f"{ids.VIEWS_SHARE}.n_clicks")
    assert "Not shared" in _said(reply)
    assert not any(v.id == own[0].id for v in _saved(app, "steering_committee"))


def test_a_shared_view_opens_narrowed_to_the_hub_leads_region(app, clients, deps) -> None:
    dep = _dep(deps, ids.VIEWS_LIST, ids.VIEWS_SAVE)
    _post(clients["programme_manager"], dep, {(ids.URL, "pathname"): "/training", (ids.URL, "search"):
                                              "?region=Europe", ids.VIEWS_NAME: "Europe trainings"},
          f"{ids.VIEWS_SAVE}.n_clicks")
    view = next(v for v in _saved(app, "programme_manager") if v.name == "Europe trainings")
    reply = _post(clients["programme_manager"], dep, {ids.VIEWS_SHARE_VIEW: view.id, ids.VIEWS_SHARE_ROLE: "hub_lead"},
                  f"{ids.VIEWS_SHARE}.n_clicks")
    assert "is shared with Regional hub lead" in _said(reply)
    listed = _said(_post(clients["hub_lead"], dep, {}, f"{ids.VIEWS_OPEN}.n_clicks"))
    assert "Europe trainings" in listed and "/training?region=europe" in listed
    opened = views.open_view(_viewer("hub_lead"), view.id, path=app.private / "state.sqlite")
    assert opened.notice == "Not in your view: Europe. Showing MENA."
    page = clients["hub_lead"].get(opened.url)
    assert page.status_code == 200


def test_notes_are_written_only_by_those_allowed_whatever_is_posted(app, clients, deps) -> None:
    dep = _dep(deps, ids.NOTE_MESSAGE, ids.NOTES_CHANGED)
    note = {ids.NOTE_CHART: TRAINING_EVENTS, ids.NOTE_PERIOD: "2025", ids.NOTE_TEXT: "Staff only: a dip",
            ids.NOTE_AUDIENCE: "staff", ids.NOTE_REGION: None}
    # the steering committee may open the page but writes no notes
    reply = _post(clients["steering_committee"], dep, note, f"{ids.NOTE_ADD}.n_clicks")
    assert reply.status_code == 200 and "Not added: only administrators" in _said(reply)
    # a hub lead may not publish for donors, nor write about another region
    reply = _post(clients["hub_lead"], dep, {**note, ids.NOTE_AUDIENCE: "donors"}, f"{ids.NOTE_ADD}.n_clicks")
    assert "Not added: hub leads write notes for staff only" in _said(reply)
    reply = _post(clients["hub_lead"], dep, {**note, ids.NOTE_REGION: "Europe"}, f"{ids.NOTE_ADD}.n_clicks")
    assert reply.status_code == 400  # a region the hub lead does not cover is not a value they may send
    # a donor may not even name a chart of a page they cannot open
    reply = _post(clients["donor"], dep, note, f"{ids.NOTE_ADD}.n_clicks")
    assert reply.status_code in (400, 403)
    reply = _post(clients["programme_manager"], dep, note, f"{ids.NOTE_ADD}.n_clicks")
    assert "Note added to Training: events over time for 2025" in _said(reply)


def test_staff_notes_never_reach_donors_or_the_public(app, clients, deps) -> None:
    from dashboards.state import annotations

    state = app.private / "state.sqlite"
    annotations.add(_viewer("admin"), "impact/gender", "2025", "Staff: the gender split is provisional",
                    path=state)
    annotations.add(_viewer("admin"), "impact/gender", "2025", "For donors: women's reach doubled",
                    annotations.DONORS, path=state)
    dep = _dep(deps, ids.CHART_NOTES)
    card = {"type": ids.CHART_NOTES, "chart": "impact/gender"}

    def shown(role: str) -> str:
        sent = body(dep, {(ids.URL, "search"): "?period=all"}, filler="impact/gender")
        sent["state"] = [[{"id": card, "property": "id", "value": card}]]
        sent["outputs"] = [{"id": card, "property": "children"}]
        reply = clients[role].post(CALLBACK, json=sent)
        assert reply.status_code == 200, reply.get_data(as_text=True)
        return _said(reply)

    assert "provisional" in shown("steering_committee") and "doubled" in shown("steering_committee")
    assert "provisional" not in shown("donor") and "doubled" in shown("donor")
    assert "provisional" not in shown(VISITOR) and "doubled" not in shown(VISITOR)


def test_a_pack_holds_only_charts_of_the_viewers_pages(app, clients, deps) -> None:
    dep = _dep(deps, "pack-download", "pack-message")
    reply = _post(clients["donor"], dep, {"pack-charts": [TRAINING_EVENTS], "pack-title": "x"},
                  "pack-make.n_clicks")
    assert reply.status_code == 400  # a chart of a page the donor may not open is not a value they may send
    reply = _post(clients[VISITOR], dep, {"pack-charts": ["impact/gender"]}, "pack-make.n_clicks")
    assert reply.status_code in (401, 403)  # the public has no pack page


def test_a_donors_pack_is_made_as_the_donor_and_read_back(app, clients, deps) -> None:
    dep = _dep(deps, "pack-download", "pack-message")
    reply = _post(clients["donor"], dep, {"pack-charts": ["impact/gender"], "pack-title": "Donor update",
                                          "pack-summary": [], (ids.URL, "search"): "?period=all"},
                  "pack-make.n_clicks")
    assert reply.status_code == 200, reply.get_data(as_text=True)
    answer = json.loads(reply.get_data(as_text=True))["response"]
    download = answer["pack-download"]["data"]
    assert download is not None, answer.get("pack-message")  # no pack: what the page said instead
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(base64.b64decode(download["content"]))).pages)
    assert "Donor update" in text and download["filename"].endswith(".pdf")
    assert "doubled" in text and "provisional" not in text  # the notes the donor may read, and only those


def test_a_view_is_opened_only_by_its_owner_or_the_roles_it_is_shared_with(app, clients, deps) -> None:
    dep = _dep(deps, "views-notice")
    admins = _post(clients["admin"], _dep(deps, ids.VIEWS_LIST, ids.VIEWS_SAVE),
                   {(ids.URL, "pathname"): "/grants", ids.VIEWS_NAME: "Admin's grants"}, f"{ids.VIEWS_SAVE}.n_clicks")
    assert "Saved" in _said(admins)
    view = next(v for v in _saved(app, "admin") if v.name == "Admin's grants")

    def open_as(role: str) -> str:
        sent = body(dep, {}, filler=view.id)
        sent["inputs"] = [[{"id": {"type": ids.VIEWS_OPEN_ONE, "view": view.id}, "property": "n_clicks", "value": 1}]]
        sent["changedPropIds"] = [json.dumps({"type": ids.VIEWS_OPEN_ONE, "view": view.id}, separators=(",", ":"))
                                  + ".n_clicks"]
        reply = clients[role].post(CALLBACK, json=sent)
        assert reply.status_code == 200, _said(reply)
        return _said(reply)

    assert "/grants" in open_as("admin") and "Not opened" not in open_as("admin")
    refused = open_as("hub_lead")  # not theirs, not shared with them: refused whatever number is posted
    assert f"Not opened: there is no view {view.id} of yours or shared with your role" in refused
    assert '"href"' not in refused


# --- removing views and notes, unsharing (the Views menu's and the chart cards' Remove buttons) ------------------

def _click(client, dep: dict, button: dict, values: dict | None = None):
    """Post a click on `button` (a pattern-matching id) to `dep`: the other pattern inputs list no buttons, as a
    browser showing only that one would send."""
    sent = body(dep, values or {}, default=0)
    for i, d in enumerate(dep["inputs"]):
        if json.loads(d["id"])["type"] == button["type"]:
            sent["inputs"][i] = [{"id": button, "property": "n_clicks", "value": 1}]
        else:
            sent["inputs"][i] = []
    sent["changedPropIds"] = [json.dumps(button, sort_keys=True, separators=(",", ":")) + ".n_clicks"]  # as Dash's
    return client.post(CALLBACK, json=sent)


def _buttons(reply, kind: str) -> list[dict]:
    """The ids of type `kind` in an answer (the buttons it draws)."""
    found = []

    def walk(node):
        if isinstance(node, dict):
            if isinstance(node.get("id"), dict) and node["id"].get("type") == kind:
                found.append(node["id"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.loads(reply.get_data(as_text=True)))
    return found


def _redrawn(reply) -> bool:
    """Whether an answer bumps the count that has the charts' notes read again (a note was removed)."""
    return reply.status_code == 200 and ids.NOTES_CHANGED in json.loads(reply.get_data(as_text=True))["response"]


def _remove(view_id: int) -> dict:
    return {"type": ids.VIEWS_REMOVE_YES, "view": view_id}


def test_a_view_is_removed_by_its_owner_after_a_question_and_by_nobody_else(app, clients, deps) -> None:
    saving, ask, change = (_dep(deps, ids.VIEWS_LIST, ids.VIEWS_SAVE), _dep(deps, ids.VIEWS_REMOVE_NO),
                           _dep(deps, ids.VIEWS_REMOVE_YES, ids.VIEWS_UNSHARE))
    _post(clients["hub_lead"], saving, {(ids.URL, "pathname"): "/regions", ids.VIEWS_NAME: "Hub's to remove"},
          f"{ids.VIEWS_SAVE}.n_clicks")
    view = next(v for v in _saved(app, "hub_lead") if v.name == "Hub's to remove")
    # the owner's list offers Remove on it
    listed = _post(clients["hub_lead"], saving, {}, f"{ids.VIEWS_OPEN}.n_clicks")
    assert {"type": ids.VIEWS_REMOVE, "view": view.id} in _buttons(listed, ids.VIEWS_REMOVE)
    # others who send its number: asked or removed, refused, and the view stays
    for role in ("admin", "programme_manager", "steering_committee"):
        question = _click(clients[role], ask, {"type": ids.VIEWS_REMOVE, "view": view.id})
        assert question.status_code == 200 and "Not removed: there is no view" in _said(question), role
        reply = _click(clients[role], change, _remove(view.id))
        assert reply.status_code == 200, _said(reply)
        assert f"Not removed: there is no view {view.id} of yours or shared with your role" in _said(reply), role
    assert view.id in {v.id for v in _saved(app, "hub_lead")}
    # the owner is asked first, then removes it
    question = _said(_click(clients["hub_lead"], ask, {"type": ids.VIEWS_REMOVE, "view": view.id}))
    assert "Remove “Hub's to remove”? This cannot be undone." in question
    assert view.id in {v.id for v in _saved(app, "hub_lead")}  # asking removes nothing
    kept = _click(clients["hub_lead"], ask, {"type": ids.VIEWS_REMOVE_NO, "view": view.id})
    assert "cannot be undone" not in _said(kept)
    reply = _click(clients["hub_lead"], change, _remove(view.id))
    assert "Removed “Hub's to remove”." in _said(reply)
    assert {"type": ids.VIEWS_REMOVE, "view": view.id} not in _buttons(reply, ids.VIEWS_REMOVE)
    assert view.id not in {v.id for v in _saved(app, "hub_lead")}


def test_a_view_shared_with_you_is_neither_removed_nor_unshared_by_you(app, clients, deps) -> None:
    saving, change = _dep(deps, ids.VIEWS_LIST, ids.VIEWS_SAVE), _dep(deps, ids.VIEWS_REMOVE_YES, ids.VIEWS_UNSHARE)
    _post(clients["programme_manager"], saving, {(ids.URL, "pathname"): "/training", ids.VIEWS_NAME: "Shared out"},
          f"{ids.VIEWS_SAVE}.n_clicks")
    view = next(v for v in _saved(app, "programme_manager") if v.name == "Shared out")
    for role in ("hub_lead", "steering_committee"):
        _post(clients["programme_manager"], saving, {ids.VIEWS_SHARE_VIEW: view.id, ids.VIEWS_SHARE_ROLE: role},
              f"{ids.VIEWS_SHARE}.n_clicks")
    # the hub lead lists it with neither button; the owner (staff) has Remove and Stop sharing for each role
    listed = _post(clients["hub_lead"], saving, {}, f"{ids.VIEWS_OPEN}.n_clicks")
    assert "Shared out" in _said(listed)
    assert not [b for kind in (ids.VIEWS_REMOVE, ids.VIEWS_UNSHARE) for b in _buttons(listed, kind)
                if b["view"] == view.id]
    owners = _post(clients["programme_manager"], saving, {}, f"{ids.VIEWS_OPEN}.n_clicks")
    assert {(b["view"], b["role"]) for b in _buttons(owners, ids.VIEWS_UNSHARE)} >= {
        (view.id, "hub_lead"), (view.id, "steering_committee")}
    # crafted: the hub lead sends its number to remove or unshare it
    said = _said(_click(clients["hub_lead"], change, _remove(view.id)))
    assert f"Not removed: only the owner of view {view.id} may change it" in said
    unshare = {"type": ids.VIEWS_UNSHARE, "view": view.id, "role": "hub_lead"}
    said = _said(_click(clients["hub_lead"], change, unshare))
    assert f"Not unshared: only the owner of view {view.id} may change it" in said
    said = _said(_click(clients["admin"], change, unshare))  # not shared with administrators: not there to them
    assert f"Not unshared: there is no view {view.id}" in said
    assert next(v for v in _saved(app, "programme_manager") if v.id == view.id).shared_with == (
        "hub_lead", "steering_committee")
    # the owner stops sharing it with hub leads, who no longer list it; the committee still does
    said = _said(_click(clients["programme_manager"], change, unshare))
    assert "“Shared out” is no longer shared with Regional hub lead." in said
    assert view.id not in {v.id for v in _saved(app, "hub_lead")}
    assert view.id in {v.id for v in _saved(app, "steering_committee")}


def test_a_donor_or_the_public_remove_no_view_and_no_note(app, clients, deps) -> None:
    from dashboards.state import annotations

    change, notes_dep = _dep(deps, ids.VIEWS_REMOVE_YES, ids.VIEWS_UNSHARE), _dep(deps, ids.NOTE_REMOVE)
    state = app.private / "state.sqlite"
    view = views.save(_viewer("programme_manager"), "Impact for all", "/impact", path=state)
    views.share(_viewer("programme_manager"), view.id, "donor", path=state)
    note = annotations.add(_viewer("admin"), "impact/gender", "2025", "Public: read by everyone",
                           annotations.PUBLIC, path=state)
    for role in ("donor", VISITOR):
        reply = _click(clients[role], change, _remove(view.id))
        assert reply.status_code in (200, 400, 401, 403), role
        if reply.status_code == 200:
            assert "Not removed" in _said(reply)
        reply = _click(clients[role], notes_dep, {"type": ids.NOTE_REMOVE, "note": note.id}, {
            (ids.NOTES_CHANGED, "data"): 0})
        assert reply.status_code in (200, 204, 400, 401, 403) and not _redrawn(reply), (role, _said(reply))
    assert view.id in {v.id for v in _saved(app, "donor")}
    assert [n.id for n in annotations.for_chart(_viewer("donor"), "impact/gender", window=_all_time(), path=state)
            if n.id == note.id] == [note.id]


def _all_time():
    import datetime as dt

    from dashboards.filters import Window

    return Window(None, dt.date(2100, 1, 1), "all")


def _shown(clients, deps, role: str, chart: str) -> object:
    dep = _dep(deps, ids.CHART_NOTES)
    card = {"type": ids.CHART_NOTES, "chart": chart}
    sent = body(dep, {(ids.URL, "search"): "?period=all"}, filler=chart)
    sent["state"] = [[{"id": card, "property": "id", "value": card}]]
    sent["outputs"] = [{"id": card, "property": "children"}]
    return clients[role].post(CALLBACK, json=sent)


def test_a_note_is_removed_by_its_author_or_an_administrator_and_only_they_see_the_button(app, clients,
                                                                                         deps) -> None:
    from dashboards.state import annotations

    state, chart = app.private / "state.sqlite", "training/people"
    dep = _dep(deps, ids.NOTE_REMOVE)
    managers = annotations.add(_viewer("programme_manager"), chart, "2025", "Manager's note to remove", path=state)
    hubs = annotations.add(_viewer("hub_lead"), chart, "2025", "Hub lead's note on MENA", path=state)

    def buttons(role: str) -> set[int]:
        return {b["note"] for b in _buttons(_shown(clients, deps, role, chart), ids.NOTE_REMOVE)}

    def remove(role: str, note: annotations.Note):
        return _click(clients[role], dep, {"type": ids.NOTE_REMOVE, "note": note.id}, {(ids.NOTES_CHANGED, "data"): 3})

    assert buttons("programme_manager") == {managers.id}
    assert buttons("hub_lead") == {hubs.id}
    assert buttons("admin") == {managers.id, hubs.id}
    assert buttons("steering_committee") == set()  # reads both, wrote neither
    # others sending its number: nothing removed (one who reads it is refused: nothing drawn again)
    reply = remove("steering_committee", managers)
    assert reply.status_code in (200, 204) and not _redrawn(reply), _said(reply)
    assert remove("hub_lead", managers).status_code in (200, 204)  # a network note a hub lead does not read
    assert "Manager's note to remove" in _said(_shown(clients, deps, "programme_manager", chart))
    # its author removes it: the notes are read again, and it is gone for everyone
    reply = remove("programme_manager", managers)
    assert _redrawn(reply) and json.loads(reply.get_data(as_text=True))["response"][ids.NOTES_CHANGED] == {"data": 4}
    assert "Manager's note to remove" not in _said(_shown(clients, deps, "admin", chart))
    # an administrator removes the hub lead's
    assert _redrawn(remove("admin", hubs))
    assert "Hub lead's note on MENA" not in _said(_shown(clients, deps, "hub_lead", chart))

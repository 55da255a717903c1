"""A staff preview of an audience is that audience's impact page and PDF, byte for byte (issue #15, point 5).

Network staff choose "the public summary" or a donor on /impact; the summary then runs as that audience, on the
server, so it can show neither more (confidential cities, other donors) nor less than the audience gets.
"""

from __future__ import annotations

import base64
import io
import json

import pytest
from pypdf import PdfReader

from tests.dashboards.security.crafted import CALLBACK, DONOR_ID, body, dependencies

PERIODS = ("?period=all", "", "?period=last-year&region=mena")


@pytest.fixture(scope="module")
def impact(app) -> dict:
    deps = dependencies(app)
    return {"page": next(d for d in deps if d["output"].startswith("..impact-audience")),
            "pdf": next(d for d in deps if d["output"] == "impact-pdf.data")}


def _answer(client, dep, search, choice) -> bytes:
    values = {("url", "search"): search, ("impact-donor", "value"): choice, ("impact-pdf-button", "n_clicks"): 1}
    reply = client.post(CALLBACK, json=body(dep, values))
    assert reply.status_code == 200, reply.get_data(as_text=True)[:300]
    return reply.get_data()


def _pdf(answer: bytes) -> bytes:
    return base64.b64decode(json.loads(answer)["response"]["impact-pdf"]["data"]["content"])


@pytest.mark.parametrize("search", PERIODS)
@pytest.mark.parametrize("staff", ["admin", "programme_manager", "steering_committee"])
def test_the_preview_of_the_public_summary_is_the_public_page_and_pdf(clients, impact, staff, search):
    preview, public = clients[staff], clients["visitor"]
    assert _answer(preview, impact["page"], search, "public") == _answer(public, impact["page"], search, None)
    assert _answer(preview, impact["pdf"], search, "public") == _answer(public, impact["pdf"], search, None)


@pytest.mark.parametrize("search", PERIODS)
def test_the_preview_of_a_donor_is_that_donors_page_and_pdf(clients, impact, search):
    preview, donor = clients["admin"], clients["donor"]
    choice = f"donor:{DONOR_ID}"
    assert _answer(preview, impact["page"], search, choice) == _answer(donor, impact["page"], search, None)
    assert _answer(preview, impact["pdf"], search, choice) == _answer(donor, impact["pdf"], search, None)


def test_staff_see_their_own_view_by_default_and_it_is_not_the_public_one(clients, impact):
    """What issue #15 found: the staff view, labelled as the public summary, counted confidential cities'
    countries and named their indicators. Staff keep that view, now labelled as theirs; the preview differs."""
    own = _answer(clients["admin"], impact["page"], "?period=all", None)
    public = _answer(clients["admin"], impact["page"], "?period=all", "public")
    assert own != public
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(_pdf(
        _answer(clients["admin"], impact["pdf"], "?period=all", "public")))).pages)
    from tests.dashboards.security.crafted import forbidden, leaks
    assert not leaks(text, forbidden("visitor"))


@pytest.mark.parametrize("role", ["hub_lead", "donor", "visitor"])
def test_only_network_staff_may_choose_an_audience(clients, impact, role):
    for choice in ("public", f"donor:{DONOR_ID}", "donor:DON-02"):
        reply = clients[role].post(CALLBACK, json=body(impact["page"], {("url", "search"): "?period=all",
                                                                        ("impact-donor", "value"): choice}))
        assert reply.status_code == 400, (role, choice)

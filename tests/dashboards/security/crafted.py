"""Building crafted requests: what a browser would post for a callback, with any value in any input.

Shared by the security suite (tests/dashboards/security/): the real app runs in-process behind Flask's test client,
signed in through the real login form as each demo role, or not signed in at all (the visitor of the public
impact page). Nothing here goes through a browser.
"""

from __future__ import annotations

import base64
import copy
import io
import json
import re

import pandas as pd

from tests.paths import ROOT

SAMPLE = ROOT / "data" / "sample"
CALLBACK = "/_dash-update-component"
ROLES = {"admin": "admin@demo.scn", "programme_manager": "manager@demo.scn",
         "steering_committee": "steering@demo.scn", "hub_lead": "hub@demo.scn", "donor": "donor@demo.scn"}
VISITOR = "visitor"  # nobody signed in, with the public impact page on (SCN_PUBLIC=1)
EVERYONE = (*ROLES, VISITOR)
LIMITED = ("hub_lead", "donor", VISITOR)
HUB_REGION, DONOR_ID = "MENA", "DON-01"

# Values of every kind in every input: text a query could choke on, wrong types, huge and deep values.
HOSTILE = [
    "'; drop table city_engagement; --", "?region=mena') or true or ('&country=DZA'--&period=../../etc",
    "x" * 20_000, {"$ne": 1}, [1, 2, {"a": None}], -1e308, 2**70, True, "\u202e\u0000<script>alert(1)</script>",
    ["MENA", "Europe", "x" * 5000], {"pathname": "/admin"}, "../../../../etc/passwd", "DON-02", "public",
]


def csrf(client) -> str:
    page = client.get("/login").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def sign_in(app, role: str):
    """A test client signed in as the demo account of `role` (or not signed in, for the visitor)."""
    from dashboards.security import users

    client = app.server.test_client()
    if role == VISITOR:
        return client
    reply = client.post("/login", data={"email": ROLES[role], "password": users.DEMO_PASSWORD,
                                        "csrf_token": csrf(client)})
    assert reply.status_code == 302, reply.get_data(as_text=True)[:300]
    return client


def dependencies(app) -> list[dict]:
    """Every server-side callback, as the browser learns them from /_dash-dependencies."""
    reply = sign_in(app, "admin").get("/_dash-dependencies")
    assert reply.status_code == 200
    return [d for d in reply.get_json() if not d.get("clientside_function")]


def _concrete(key, filler):
    """A callback id with its wildcards (MATCH / ALL) replaced by concrete values, as a browser would send."""
    if isinstance(key, str) and key.startswith("{"):
        key = json.loads(key)
    if isinstance(key, dict):
        return {k: (filler if isinstance(v, list) else v) for k, v in key.items()}
    return key


def _is_all(key) -> bool:
    return isinstance(key, str) and '["ALL"]' in key.replace(" ", "")


def outputs_of(output: str, filler) -> list[dict]:
    found = []
    for part in output.strip(".").split("..."):
        raw, prop = (part[: part.rindex("}") + 1], part[part.rindex("}") + 2:]) if part.startswith("{") \
            else part.rsplit(".", 1)
        found.append({"id": _concrete(raw, filler), "property": prop})
    return found


def body(dep: dict, values: dict | None = None, *, default=None, filler="map") -> dict:
    """The JSON Dash's renderer posts for `dep`: each input and state set to `values[(id, property)]` (ids as
    Dash lists them), else `default`. An ALL input is a list of one item."""
    values = values or {}

    def item(d):
        value = copy.deepcopy(values.get((d["id"], d["property"]), default))
        one = {"id": _concrete(d["id"], filler), "property": d["property"], "value": value}
        return [one] if _is_all(d["id"]) else one

    outputs = outputs_of(dep["output"], filler)
    first = dep["inputs"][0]
    fid = _concrete(first["id"], filler)
    return {"output": dep["output"], "outputs": outputs if len(outputs) > 1 else outputs[0],
            "inputs": [item(d) for d in dep["inputs"]], "state": [item(d) for d in dep.get("state", [])],
            "changedPropIds": [f"{json.dumps(fid, separators=(',', ':')) if isinstance(fid, dict) else fid}"
                               f".{first['property']}"]}


def fillers(dep: dict) -> list[str]:
    """Concrete values for a MATCH wildcard: the charts and grids the callback may serve."""
    text = dep["output"] + json.dumps(dep["inputs"])
    if "chart-csv" in text or "chart-download" in text:
        return ["map", "trend", "regions", "countries", "gender", "role", "activity", "portfolio", "timeline",
                "status", "indicator", "people", "events", "who", "learning", "topics", "growth", "flows",
                "seats", "ladder", "heatmap", "quality", "terms"]
    if "chip-clear" in text:
        return ["region", "map"]  # a filter's chip, and something no chip is
    if "grid" in text:
        return ["impact-indicators", "impact-countries", "grants-grants", "membership-dormant", "regions-summary",
                "city-events", "city-grants", "city-indicators", "grants-off-track", "training-events"]
    return ["map"]


# --- reading answers -----------------------------------------------------------------------------------------

def answer_text(reply) -> str:
    """Everything an answer carries, as text: its JSON, the contents of any file it downloads (CSV as text,
    Excel cells, PDF text), so a leak inside a download is found like one on the page."""
    raw = reply.get_data(as_text=True)
    parts = [raw]
    try:
        data = json.loads(raw)
    except ValueError:
        return raw
    for file in _downloads(data):
        content = base64.b64decode(file["content"]) if file.get("base64") else file["content"].encode()
        parts.append(file_text(file.get("filename", ""), content))
    return "\n".join(parts)


def _downloads(node):
    if isinstance(node, dict):
        if "content" in node and "filename" in node:
            yield node
        for value in node.values():
            yield from _downloads(value)
    elif isinstance(node, list):
        for value in node:
            yield from _downloads(value)


def file_text(name: str, content: bytes) -> str:
    if name.endswith(".pdf"):
        from pypdf import PdfReader
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    if name.endswith(".xlsx"):
        from openpyxl import load_workbook
        book = load_workbook(io.BytesIO(content))
        return "\n".join(str(cell.value) for sheet in book for row in sheet.iter_rows() for cell in row
                         if cell.value is not None)
    return content.decode("utf-8", errors="replace")


# --- what each role must never be sent -------------------------------------------------------------------------

def _names(series) -> set[str]:
    return {n for n in series.dropna().astype(str) if len(n) >= 5}


def forbidden(role: str) -> dict[str, set[str]]:
    """Words that must never appear in any answer to `role`, by reason, from the source files themselves."""
    cities = pd.read_csv(SAMPLE / "cities.csv")
    donors = pd.read_csv(SAMPLE / "donors.csv")
    grants = pd.read_csv(SAMPLE / "grants.csv")
    public = _names(cities.loc[cities["visibility"] != "confidential", "city_name"])
    found: dict[str, set[str]] = {}
    if role in LIMITED:
        found["confidential city"] = _names(cities.loc[cities["visibility"] == "confidential", "city_name"]) - public
    # (a hub lead's events may name cities of other regions in their titles: "Melbourne visits Amman" is a MENA
    # event; rows of other regions are checked by answering the hub lead's own region whatever is asked)
    if role in ("donor", VISITOR):
        found["grant id"] = set()  # grant ids are the data team's key, never shown on the impact page
    if role == "donor":
        found["another donor"] = _names(donors.loc[donors["donor_id"] != DONOR_ID, "donor_name"])
        found["another donor's grant"] = set(grants.loc[grants["donor_id"] != DONOR_ID, "grant_id"])
    return {k: v for k, v in found.items() if v}


def leaks(text: str, words: dict[str, set[str]]) -> list[str]:
    """The forbidden words found in `text`, as "reason: word"."""
    found = []
    for reason, names in words.items():
        pattern = re.compile(r"(?<![\w-])(" + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
                             + r")(?![\w-])")
        found += [f"{reason}: {m}" for m in sorted(set(pattern.findall(text)))]
    return found

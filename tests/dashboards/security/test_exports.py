"""Spreadsheet formula injection (issue #21, point 3): text such as =HYPERLINK(...) in a title or a name comes
out of no download as a formula: chart CSVs, the grids' Excel files, the impact PDF's text, the template, and the
grid's CSV made in the browser (tests/browser/test_security.py). The stored value is unchanged."""

from __future__ import annotations

import base64
import csv
import io
import json
import shutil

import duckdb
import pytest
from openpyxl import load_workbook

from dashboards import settings
from dashboards.reports import exports
from tests.dashboards.security.crafted import CALLBACK, body, dependencies, file_text, fillers, sign_in

PAYLOADS = ['=HYPERLINK("http://x","click")', "+cmd|' /C calc'!A0", "-2+3+cmd", "@SUM(1)", "\t=1+1", " =1+1"]
FORMULA = ("=", "+", "-", "@", "\t", "\r", "\n")
# text columns that pages show and downloads carry: a few rows of each get a payload
TARGETS = {"grant_portfolio": ("title", "donor_name", "programme"), "fct_events": ("title", "topic"),
           "indicator_achievement": ("title",), "city_engagement": ("city_name",),
           "ref_countries": ("name",)}


@pytest.fixture(scope="module")
def app(sample_db, tmp_path_factory):
    """The app on a copy of the sample database whose titles and names carry formulas."""
    folder = tmp_path_factory.mktemp("formulas")
    path = folder / "scn.duckdb"
    shutil.copy(sample_db, path)
    with duckdb.connect(str(path)) as con:
        for table, columns in TARGETS.items():
            for column in columns:
                for i, payload in enumerate(PAYLOADS):
                    con.execute(f'update {table} set "{column}" = $p || "{column}" '
                                f'where rowid in (select rowid from {table} order by rowid limit 3 offset {3 * i})',
                                {"p": payload})
    with pytest.MonkeyPatch.context() as mp:
        for key, value in {"SCN_DB": str(path), "SCN_DEMO": "1", "SCN_USERS": str(folder / "users.sqlite"),
                           "SCN_AUDIT_LOG": str(folder / "audit.jsonl"), "SCN_CACHE_SECONDS": "0"}.items():
            mp.setenv(key, value)
        settings.get.cache_clear()
        import app as dashboard
        from dashboards.security import users
        users.ensure_demo_accounts()
        yield dashboard
    settings.get.cache_clear()


def _cells(name: str, content: bytes) -> list[tuple[str, object]]:
    if name.endswith(".csv"):
        rows = csv.reader(io.StringIO(content.decode("utf-8-sig")))
        return [(name, cell) for row in rows for cell in row]
    book = load_workbook(io.BytesIO(content))
    return [(f"{name}:{sheet.title}!{cell.coordinate}:{cell.data_type}", cell.value)
            for sheet in book for row in sheet.iter_rows() for cell in row if cell.value is not None]


def _number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def _live(cells) -> list:
    """Cells a spreadsheet would run: a formula cell, or text starting (after spaces) with = + - @ or a break
    that is not a plain number (a negative number is a number)."""
    return [(where, value) for where, value in cells
            if where.endswith(":f") or (isinstance(value, str) and value.lstrip(" ").startswith(FORMULA)
                                        and not _number(value))]


def _downloads(reply) -> list[tuple[str, bytes]]:
    found = []

    def walk(node):
        if isinstance(node, dict):
            if "content" in node and "filename" in node:
                data = base64.b64decode(node["content"]) if node.get("base64") else node["content"].encode()
                found.append((node["filename"], data))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.loads(reply.get_data()))
    return found


def test_every_chart_csv_and_grid_excel_is_formula_safe(app):
    client = sign_in(app, "admin")
    files, payload_seen = 0, 0
    from dashboards.security import allowed, users
    viewer = users.get("admin@demo.scn").viewer()
    for dep in dependencies(app):
        if "download" not in dep["output"] and "impact-pdf" not in dep["output"]:
            continue
        for filler in fillers(dep):
            values = allowed.examples(dep, viewer) | {("url", "search"): "?period=all"}
            for d in dep.get("state", []):  # a grid's rows as the browser sends them back: with the payloads
                if d["property"] in ("rowData", "virtualRowData"):
                    values[(d["id"], d["property"])] = [{"title": p, "n": -1} for p in PAYLOADS]
                if d["property"] == "columnDefs":
                    values[(d["id"], d["property"])] = [{"field": "title", "headerName": "=Title"},
                                                        {"field": "n", "headerName": "N"}]
            reply = client.post(CALLBACK, json=body(dep, values, filler=filler))
            assert reply.status_code in (200, 204, 400), (dep["output"], reply.get_data(as_text=True)[:300])
            if reply.status_code != 200:
                continue
            for name, content in _downloads(reply):
                files += 1
                if name.endswith(".pdf"):
                    text = file_text(name, content)
                    lines = [ln for ln in text.splitlines() if ln.lstrip(" ").startswith(("=HYPERLINK", "@SUM"))]
                    assert not lines, (name, lines[:3])
                    continue
                cells = _cells(name, content)
                payload_seen += sum(isinstance(v, str) and any(p.strip() in v for p in PAYLOADS) for _, v in cells)
                assert not _live(cells), (name, _live(cells)[:5])
    assert files >= 20 and payload_seen >= 10, (files, payload_seen)


def test_numbers_stay_numbers_and_the_stored_text_is_unchanged():
    import pandas as pd
    frame = pd.DataFrame({"title": PAYLOADS, "n": range(-3, len(PAYLOADS) - 3)})
    out = exports.neutral_frame(frame)
    assert list(out["n"]) == list(frame["n"])
    assert list(frame["title"]) == PAYLOADS  # the frame given is not changed
    assert all(v.startswith("'") for v in out["title"])
    assert exports.neutral("Amman") == "Amman" and exports.neutral("") == ""


def test_the_template_has_no_formula_cell_and_its_text_is_stored_as_text():
    """The template carries the contract's words, never data; its text ("-90 to 90") is typed as text, which
    Excel never runs, and no cell is a formula."""
    from data_pipeline.template import template_bytes
    cells = _cells("template.xlsx", template_bytes())
    assert cells and not [w for w, _ in cells if w.endswith(":f")]
    assert all(w.endswith(":s") for w, v in cells if isinstance(v, str))

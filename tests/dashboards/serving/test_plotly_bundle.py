"""The page draws with the vendored plotly.js partial bundle, never Dash's full one, and that bundle can draw
every figure the app makes.

assets/vendor/plotly-scn.min.js holds only the trace types listed in docs/plotly-bundle/traces.json (a third of
the full bundle's script). A figure with any other trace type would draw nothing in the browser, without an error
a test could catch there: so every figure function's output, and every trace type the figure code names, is
checked against the types registered in the served file itself.
"""

from __future__ import annotations

import re
from pathlib import Path

import plotly.graph_objects as go
import pytest
from plotly.offline import get_plotlyjs_version

from dashboards import figures, settings
from dashboards.filters import from_query
from dashboards.security import users
from tests.dashboards.figures.test_figures_valid import CASES  # every figure function, drawn from the sample database
from tests.paths import ROOT

BUNDLE = ROOT / "assets" / "vendor" / "plotly-scn.min.js"
# Every trace module of plotly.js registers itself as {..., moduleType: "trace", name: "<type>", ...}; the
# minified bundle keeps those literals.
REGISTERED = re.compile(r'moduleType:"trace",name:"(\w+)"')
# plotly.py's names of every trace type (bar, scatter, pie, ...), for reading the figure code.
ALL_TRACE_TYPES = set(go.Figure()._data_validator.class_strs_map)


def bundle_traces(path: Path = BUNDLE) -> set[str]:
    return set(REGISTERED.findall(path.read_text(encoding="utf-8")))


def drawn_traces(fig: go.Figure) -> set[str]:
    return {trace.get("type", "scatter") for trace in fig.to_plotly_json()["data"]}


def test_the_bundle_is_the_plotly_js_that_plotly_py_writes_figures_for() -> None:
    header = BUNDLE.read_text(encoding="utf-8")[:300]
    version = re.search(r"plotly\.js v(\S+)", header)
    assert version, "assets/vendor/plotly-scn.min.js has lost its header"
    assert version.group(1) == get_plotlyjs_version(), (
        f"the bundle is plotly.js {version.group(1)}, the installed plotly writes figures for "
        f"{get_plotlyjs_version()}: rebuild it (docs/plotly-bundle/README.md)")


def test_the_bundle_registers_the_trace_types_it_was_built_with() -> None:
    listed = set(re.findall(r'"(\w+)"', (ROOT / "docs" / "plotly-bundle" / "traces.json").read_text()))
    assert bundle_traces() == listed


def missing_from(bundle: Path, search: str) -> dict[str, set[str]]:
    """Figure function -> the trace types it draws for the filters in `search` that `bundle` cannot draw."""
    have = bundle_traces(bundle)
    made = {name: drawn_traces(draw(query(from_query(search)))) for name, (query, draw) in CASES.items()}
    return {name: types - have for name, types in made.items() if types - have}


@pytest.mark.parametrize("search", ["?period=all", ""])
def test_the_bundle_draws_every_trace_type_the_figure_functions_make(dashboard_db: Path, search: str) -> None:
    missing = missing_from(BUNDLE, search)
    assert not missing, f"trace types missing from the plotly.js bundle (add them to docs/plotly-bundle/" \
                        f"traces.json and rebuild): {missing}"


def test_the_figure_code_names_no_trace_type_the_bundle_lacks() -> None:
    """The figure functions' source, for trace types the sample data never reaches (a branch drawn only for
    some filters): `"type": "pie"` in a trace dict, or `go.Pie(`."""
    named = set()
    for source in Path(figures.__file__).parent.glob("*.py"):
        text = source.read_text(encoding="utf-8")
        named |= {t for t in re.findall(r'"type":\s*"(\w+)"', text) if t in ALL_TRACE_TYPES}
        named |= {t.lower() for t in re.findall(r"\bgo\.(\w+)\(", text) if t.lower() in ALL_TRACE_TYPES}
    assert named, "found no trace type in dashboards/figures: the pattern no longer matches the code"
    assert named <= bundle_traces(), f"missing from the plotly.js bundle: {sorted(named - bundle_traces())}"


def test_the_check_fails_for_a_bundle_without_a_type_the_figures_draw(dashboard_db: Path, tmp_path: Path) -> None:
    crippled = tmp_path / "plotly.min.js"
    crippled.write_text(BUNDLE.read_text(encoding="utf-8").replace('name:"heatmap"', 'name:"gone"'))
    assert missing_from(crippled, "?period=all") == {"regions.heatmap": {"heatmap"}}


@pytest.fixture
def signed_in_admin(use_app_environment, tmp_path: Path):
    use_app_environment(tmp_path)
    import app as dashboard  # builds the Dash app once per process

    users.ensure_demo_accounts()
    client = dashboard.server.test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)
    reply = client.post("/login", data={"email": "admin@demo.scn", "password": users.DEMO_PASSWORD,
                                        "csrf_token": token})
    assert reply.status_code == 302
    yield client
    settings.get.cache_clear()


def test_pages_load_the_partial_bundle_and_not_dashs_full_plotly_js(signed_in_admin) -> None:
    page = signed_in_admin.get("/").get_data(as_text=True)
    scripts = re.findall(r'<script src="([^"]+)"', page)
    assert any(s.startswith("/assets/vendor/plotly-scn.min.js") for s in scripts), scripts
    assert not any("package_data/plotly" in s for s in scripts), "Dash's full plotly.js is back in the page"
    # dcc.Graph falls back to Dash's copy only when no window.Plotly was defined; it is still served for that
    fallback = signed_in_admin.get("/_dash-component-suites/plotly/package_data/plotly.min.js")
    assert fallback.status_code == 200
    served = signed_in_admin.get(next(s for s in scripts if "plotly-scn" in s))
    assert served.status_code == 200 and b'name:"choropleth"' in served.get_data()

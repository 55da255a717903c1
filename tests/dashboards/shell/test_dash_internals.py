"""The private Dash names the app relies on (dashboards/shell/dash_internals.py) still mean what it assumes.

A Dash upgrade that renames, moves or changes one of them fails here, by name, rather than as a blank page, a
router that renders the wrong page, or a gate that refuses every callback. Where Dash has a public object that
shows the same thing (dash.page_container, dash.page_registry), the private name is checked against it.
"""

from __future__ import annotations

import re

import dash
import dash_ag_grid
import pytest
from dash import Input, Output, dash_table, dcc

from dashboards.serving import bundles
from dashboards.shell import dash_internals
from tests.dashboards.security.conftest import app  # noqa: F401 - the real app, for its page registry
from tests.paths import ROOT


def test_the_page_container_ids_are_the_ones_dash_builds_it_with():
    built = {child.id for child in dash.page_container.children}
    named = {dash_internals.PAGE_LOCATION, dash_internals.PAGE_CONTENT, dash_internals.PAGE_STORE,
             dash_internals.PAGE_DUMMY}
    assert built == named, f"dash.page_container now holds {built}: update dashboards/shell/dash_internals.py"


def test_each_registered_page_is_found_by_its_path_as_the_router_finds_it(app):  # noqa: F811
    pages = list(dash.page_registry.values())
    assert len(pages) >= 9
    for page in pages:
        if page["path_template"]:
            continue
        found, variables = dash_internals.page_for_path(page["path"].strip("/"))
        assert found.get("module") == page["module"], page["path"]
        assert variables is None
    city, variables = dash_internals.page_for_path("city/C-0001")
    assert city["module"].endswith(".city")
    assert variables == {"city_id": "C-0001"}
    assert dash_internals.page_for_path("no-such-page/at-all") == ({}, None)


def test_a_layout_gets_the_query_string_as_the_router_gives_it():
    from dash._pages import _parse_query_string  # the router's own, to compare with

    for search in (None, "", "?", "?period=all", "?region=MENA&region=Europe&topic=", "?a=1&b=%20x&a=2&c",
                   "period=all"):
        assert dash_internals.parse_query_string(search) == _parse_query_string(search), search


def test_a_callback_registered_before_the_first_request_is_pending_until_dash_moves_it():
    output = "dash-internals-probe.children"
    try:
        dash.callback(Output("dash-internals-probe", "children"), Input("dash-internals-probe-in", "value"))(
            lambda value: value)
        assert output in dash_internals.pending_callbacks(), \
            "dash.callback no longer registers into the map dash_internals.pending_callbacks() reads"
    finally:
        dash_internals.pending_callbacks().pop(output, None)


@pytest.mark.parametrize("library", [dcc, dash_table, dash_ag_grid])
def test_component_libraries_still_list_their_scripts_where_bundles_changes_them(library):
    scripts = dash_internals.scripts_of(library)
    assert scripts, f"{library.__name__} lists no scripts"
    assert all(isinstance(s, dict) for s in scripts)
    assert any(s.get("relative_package_path", "").endswith(".js") for s in scripts)
    bundles.load_on_demand({library: bundles.ON_DEMAND[library]})  # raises when a named chunk is gone
    wanted = {f"async-{name}.js" for name in bundles.ON_DEMAND[library]}
    lazy = {s.get("relative_package_path", "").rsplit("/", 1)[-1] for s in scripts if s.get("async") == "lazy"}
    assert wanted <= lazy


def test_dcc_still_lists_plotly_js_as_its_own_script():
    assert [s for s in dash_internals.scripts_of(dcc) if s.get("namespace") == "plotly"]


PRIVATE_DASH = re.compile(r"from dash(\.\w+)* import .*\b_\w+|\bdash\.(\w+\.)*_[a-zA-Z]\w*|\._js_dist\b|"
                          r"GLOBAL_CALLBACK_MAP")


def test_no_other_module_of_the_app_uses_a_private_dash_name():
    sources = [ROOT / "app.py", *(ROOT / "dashboards").rglob("*.py"), *(ROOT / "tools").rglob("*.py")]
    allowed = ROOT / "dashboards" / "shell" / "dash_internals.py"
    found = [f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
             for path in sources if path != allowed
             for number, line in enumerate(path.read_text().splitlines(), 1) if PRIVATE_DASH.search(line)]
    assert not found, "private Dash names belong in dashboards/shell/dash_internals.py:\n" + "\n".join(found)

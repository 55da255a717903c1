"""The house rules of issue #22 that can be counted: callbacks stay adapters, modules stay readable."""

from __future__ import annotations

import ast

import pytest

from tests.paths import ROOT

MAX_CALLBACK_LINES = 15  # a callback body, docstring left out: read inputs, call a query and a figure, return
MAX_MODULE_LINES = 420  # "about 400": past it a module holds more than one idea
APP_SOURCES = sorted([ROOT / "app.py", *(ROOT / "dashboards").rglob("*.py"), *(ROOT / "tools").rglob("*.py")])
# The demo data generator is exempt: it is a long list of made-up cities, names and grants, not logic, and reads
# best as one file from the first table it makes to the last.
LONG_BY_NATURE = {ROOT / "data_pipeline" / "demo.py"}
ALL_SOURCES = sorted({*APP_SOURCES, *(ROOT / "data_pipeline").rglob("*.py"), *(ROOT / "bench").rglob("*.py")}
                     - LONG_BY_NATURE)


def _dash_callback(decorator: str) -> bool:
    """A Dash callback's decorator names its Outputs or Inputs (typer's `app.callback()` names neither)."""
    return "callback" in decorator and ("Output(" in decorator or "Input(" in decorator)


def _callbacks(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and any(_dash_callback(ast.unparse(d)) for d in node.decorator_list):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                body = body[1:]  # the docstring
            yield node.name, (body[-1].end_lineno - body[0].lineno + 1) if body else 0


@pytest.mark.parametrize("path", APP_SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_callback_bodies_are_adapters_of_a_few_lines(path):
    long = [f"{name} ({lines} lines)" for name, lines in _callbacks(ast.parse(path.read_text()))
            if lines > MAX_CALLBACK_LINES]
    assert not long, f"{path.relative_to(ROOT)}: move the work into a query, figure or service function: {long}"


@pytest.mark.parametrize("path", ALL_SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_is_over_about_400_lines(path):
    lines = len(path.read_text().splitlines())
    assert lines <= MAX_MODULE_LINES, f"{path.relative_to(ROOT)} has {lines} lines: split it by concern"


def test_the_long_by_nature_modules_exist_and_are_long():
    """An exemption that outlived its module, or a module that no longer needs it, is taken out of the list."""
    assert all(path.exists() and len(path.read_text().splitlines()) > MAX_MODULE_LINES for path in LONG_BY_NATURE)


def test_the_callback_count_sees_a_long_callback():
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_CALLBACK_LINES + 1))
    source = f"@callback(Output('a', 'b'), Input('c', 'd'))\ndef show(d):\n    \"\"\"Doc.\"\"\"\n{body}\n"
    assert dict(_callbacks(ast.parse(source))) == {"show": MAX_CALLBACK_LINES + 1}


# Where a test lives says what it tests: tests/<the source folder>/..., the browser's tests in tests/browser/; at the
# top only the tests of the tests' own modules (tests/tiers.py, tests/conftest.py: tests/test_tiers.py, ...).
TEST_HOMES = {"dashboards", "data_pipeline", "tools", "bench", "browser"}


def test_the_tests_mirror_the_tree():
    tests = ROOT / "tests"
    astray = [str(p.relative_to(ROOT)) for p in tests.rglob("test_*.py")
              if "fixtures" not in p.parts and p.parent != tests and p.relative_to(tests).parts[0] not in TEST_HOMES]
    astray += [str(p.relative_to(ROOT)) for p in tests.glob("test_*.py")
               if not (tests / p.name.removeprefix("test_")).exists()]
    homes = {p.relative_to(tests).parts[0] for p in tests.rglob("test_*.py") if p.parent != tests} - {"fixtures"}
    assert not astray, f"put these under tests/<the folder they test>/: {astray}"
    assert homes - {"browser"} <= {p.name for p in ROOT.iterdir() if p.is_dir()}, homes

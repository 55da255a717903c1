"""The layers import downwards only: queries never import reports (words, PDF, exports), pages or the shell, so
the data a report needs can be read and tested without the code that renders it."""

from __future__ import annotations

import ast

import pytest

from tests.paths import ROOT

QUERIES = ROOT / "dashboards" / "queries"
ABOVE_QUERIES = ("dashboards.reports", "dashboards.pages", "dashboards.shell", "dashboards.components",
                 "dashboards.figures", "fpdf")


def _imports(path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names |= {node.module, *(f"{node.module}.{alias.name}" for alias in node.names)}
    return names


@pytest.mark.parametrize("module", sorted(QUERIES.glob("*.py")), ids=lambda p: p.name)
def test_a_query_module_imports_nothing_that_renders(module):
    wrong = sorted(n for n in _imports(module) if n.startswith(ABOVE_QUERIES))
    assert not wrong, f"{module.relative_to(ROOT)} imports {wrong}: queries sit below reports, pages and figures"


def test_the_layer_check_sees_a_query_module_that_imports_the_pdf(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from dashboards.reports.pdf import render_pdf\n")
    assert any(n.startswith(ABOVE_QUERIES) for n in _imports(bad))

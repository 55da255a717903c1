"""The test tiers, decided from what a test does rather than remembered by whoever writes it.

`browser`: every test under tests/browser/ (a real Chromium against the app in a subprocess). `slow`: a test that
starts a subprocess (a pack's chart images start a Chromium), builds, uploads or publishes through the pipeline,
posts to the app's callbacks, mails through a real SMTP server, or needs the real-data build, directly or through
a helper function of its own module. `make test-fast` runs neither (-m "not browser and not slow"). What each
costs was measured (bench/README.md, "Test tiers"): 275 tests doing these took 550 of the fast tier's 694
test-seconds, the other 1,637 the rest.
"""

from __future__ import annotations

import ast
import functools
import inspect
from pathlib import Path

# What makes a test slow when its code (or a helper of its module it calls) does it.
SLOW_CALLS = ("subprocess.", "publish_upload(", "check_upload(", "versions.rollback(", "publishing.check(",
              "publishing.publish(",
              # a committee pack with its chart images: kaleido draws them in a headless Chromium it starts
              "pack.make(",
              # the upload's own steps and a donor file's import (standards), each a build of the whole source set
              "uploads.check(", "uploads.publish(", "import_file(",
              # a pipeline build of its own (data_pipeline.build.build): about a second even on tests/fixtures/good
              " build(",
              # a request to Dash's callback endpoint runs a page's queries and figures on the whole demo database
              # (the impact PDF alone takes ~3.5 s); the tests that do it walk every callback, role and value
              "post(CALLBACK")
# the real-data build (~a minute on its own); a real SMTP server, each test mailing packs rendered as PDF
SLOW_FIXTURES = frozenset({"real_db", "real_dashboard_db", "smtp"})
BROWSER_DIR = "browser"


@functools.cache
def slow_helpers(module_file: str) -> frozenset[str]:
    """Names of the module's functions whose code does something slow, directly or through another of them."""
    text = Path(module_file).read_text()
    sources = {node.name: ast.get_source_segment(text, node) or ""
               for node in ast.parse(text).body if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)}
    slow = {name for name, code in sources.items() if any(call in code for call in SLOW_CALLS)}
    while True:  # a helper that calls a slow helper is slow too
        more = {name for name, code in sources.items()
                if name not in slow and any(f"{helper}(" in code for helper in slow)}
        if not more:
            return frozenset(slow)
        slow |= more


def is_slow(function, fixtures: list[str]) -> bool:
    """Whether a test function (with the fixtures it asks for) belongs to the slow tier."""
    if SLOW_FIXTURES & set(fixtures):
        return True
    code = inspect.getsource(function)
    return any(call in code for call in SLOW_CALLS) or any(
        f"{helper}(" in code for helper in slow_helpers(inspect.getsourcefile(function)))


def is_browser(path: Path) -> bool:
    """Whether a test module is one of tests/browser/."""
    return path.parent.name == BROWSER_DIR and path.parent.parent.name == "tests"

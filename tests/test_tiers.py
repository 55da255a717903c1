"""The tier marks follow what a test does (tests/tiers.py): a subprocess, an upload or the real data is slow."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests import tiers


def _starts_a_process():
    return subprocess.run(["true"], check=False)


def _through_a_helper():
    return _starts_a_process()


def _quick():
    return 1 + 1


def test_a_test_calling_a_subprocess_directly_or_through_helpers_is_slow():
    assert tiers.is_slow(_starts_a_process, [])
    assert tiers.is_slow(_through_a_helper, [])
    assert not tiers.is_slow(_quick, [])
    assert tiers.is_slow(_quick, ["real_db"])


def test_every_test_of_the_browser_folder_is_a_browser_test():
    assert tiers.is_browser(Path("/repo/tests/browser/test_roles.py"))
    assert not tiers.is_browser(Path("/repo/tests/dashboards/test_browser_like.py"))


def test_the_fast_tier_leaves_out_what_this_session_marked(request):
    marked = {item.nodeid: {m.name for m in item.iter_markers()} for item in request.session.items}
    for nodeid, names in marked.items():
        if "tests/browser/" in nodeid:
            assert "browser" in names, nodeid

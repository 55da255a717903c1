"""The tier marks follow what a test does (tests/tiers.py): a subprocess, a build or an upload, a request to the
app's callbacks, a real SMTP server or the real data is slow."""

from __future__ import annotations

import subprocess
from pathlib import Path

from dashboards.queries import common
from dashboards.reports import pack
from data_pipeline import uploads
from data_pipeline.build import build
from data_pipeline.standards.publish import import_file
from tests import tiers
from tests.dashboards.security.crafted import CALLBACK


def _starts_a_process():
    return subprocess.run(["true"], check=False)


def _through_a_helper():
    return _starts_a_process()


def _quick():
    return 1 + 1


# Never called: the tiers read a test's code, these stand for tests doing each slow thing.
def _builds(source: Path):
    return build(source, source / "scn.duckdb")


def _checks_an_upload(staged):
    return uploads.check(staged)


def _imports_a_donors_file(path: Path):
    return import_file(path, "iati", source=path.parent, out=path.parent / "src", db=None)


def _makes_a_pack(viewer, spec):
    return pack.make(viewer, spec)


def _posts_to_a_callback(client):
    return client.post(CALLBACK, json={})


def _reads_the_build_date():
    return common.build_info()


def test_a_test_calling_a_subprocess_directly_or_through_helpers_is_slow():
    assert tiers.is_slow(_starts_a_process, [])
    assert tiers.is_slow(_through_a_helper, [])
    assert not tiers.is_slow(_quick, [])
    assert tiers.is_slow(_quick, ["real_db"])


def test_a_build_an_upload_an_import_a_pack_a_callback_request_or_a_mail_server_is_slow():
    """Each was measured: a build or an import ~1 s even on the small fixtures, a pack's images (a Chromium) ~3 s,
    a callback request up to ~3.5 s (the impact PDF), a test mailing packs 5-15 s (bench/README.md, "Test tiers")."""
    for slow in (_builds, _checks_an_upload, _imports_a_donors_file, _makes_a_pack, _posts_to_a_callback):
        assert tiers.is_slow(slow, []), slow.__name__
    assert tiers.is_slow(_quick, ["smtp"])
    assert not tiers.is_slow(_reads_the_build_date, ["sample_db", "dashboard_db"])  # the session's build is shared


def test_every_test_of_the_browser_folder_is_a_browser_test():
    assert tiers.is_browser(Path("/repo/tests/browser/test_roles.py"))
    assert not tiers.is_browser(Path("/repo/tests/dashboards/test_browser_like.py"))


def test_the_fast_tier_leaves_out_what_this_session_marked(request):
    marked = {item.nodeid: {m.name for m in item.iter_markers()} for item in request.session.items}
    for nodeid, names in marked.items():
        if "tests/browser/" in nodeid:
            assert "browser" in names, nodeid

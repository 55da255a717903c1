"""The upload workflow behind the data page (dashboards/services/publishing.py): who may, what is refused and
how, what is audited, and a clean upload checked and published into the served database."""

from __future__ import annotations

import base64
import json
import shutil
from pathlib import Path

import pytest
from flask import Flask

from dashboards import settings
from dashboards.queries import db
from dashboards.security.access import Viewer
from dashboards.services import publishing
from tests.paths import SAMPLE

ADMIN = Viewer("admin@isd.org", "admin")
MANAGER = Viewer("pm@isd.org", "programme_manager")


@pytest.fixture
def served(sample_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A copy of the sample database served from a private folder, in a Flask app context (the answer cache)."""
    path = tmp_path / "served" / "scn.duckdb"
    path.parent.mkdir()
    shutil.copyfile(sample_db, path)
    for key, value in {"SCN_DB": str(path), "SCN_DEMO": "1", "SCN_AUDIT_LOG": str(tmp_path / "audit.jsonl"),
                       "SCN_SOURCES_STORE": str(tmp_path / "store"), "SCN_SOURCE": str(SAMPLE),
                       "SCN_CACHE_SECONDS": "0"}.items():
        monkeypatch.setenv(key, value)
    settings.get.cache_clear()
    server = Flask(__name__)
    db.init_cache(server)
    with server.app_context():
        yield path
    settings.get.cache_clear()


def audited(tmp_path: Path) -> list[str]:
    log = tmp_path / "audit.jsonl"
    return [json.loads(line)["event"] for line in log.read_text().splitlines()] if log.exists() else []


def data_url(data: bytes) -> str:
    return "data:text/csv;base64," + base64.b64encode(data).decode()


def test_a_viewer_who_may_not_upload_is_refused_and_audited_before_anything_is_read(served, tmp_path):
    for step in (lambda: publishing.check(MANAGER, ["grants.csv"], ["not even a data url"]),
                 lambda: publishing.publish(MANAGER, "some-id", confirmed=True),
                 lambda: publishing.rollback(MANAGER, "some-version", confirmed=True)):
        with pytest.raises(publishing.Refused) as refused:
            step()
        assert refused.value.kind == "forbidden"
        assert str(refused.value) == publishing.FORBIDDEN
    assert audited(tmp_path) == ["access_denied"] * 3
    assert not (tmp_path / "store").exists()


@pytest.mark.parametrize(("names", "contents"), [(None, None), (["a.csv"], []), ("grants.csv", "x")])
def test_no_files_or_mismatched_lists_ask_to_choose_files(served, names, contents):
    with pytest.raises(publishing.Refused, match="Choose one or more files") as refused:
        publishing.check(ADMIN, names, contents)
    assert refused.value.kind == "incomplete"


@pytest.mark.parametrize(("content", "says"), [("no comma here", "without its contents"),
                                               ("data:text/csv;base64,@@@", "damaged")])
def test_a_damaged_file_is_refused_with_its_reason_and_audited(served, tmp_path, content, says):
    with pytest.raises(publishing.Refused, match=says) as refused:
        publishing.check(ADMIN, ["grants.csv"], [content])
    assert refused.value.kind == "refused" and not refused.value.retry
    assert audited(tmp_path) == ["upload_refused"]


def test_nothing_to_publish_or_roll_back_is_no_step_at_all(served, tmp_path):
    assert publishing.publish(ADMIN, None, confirmed=False) is None
    assert publishing.rollback(ADMIN, "", confirmed=True) is None
    assert audited(tmp_path) == []


def test_a_rollback_needs_its_confirmation(served):
    with pytest.raises(publishing.Refused, match="Tick the box") as refused:
        publishing.rollback(ADMIN, "v-1", confirmed=False)
    assert refused.value.kind == "incomplete"


def test_an_unknown_upload_id_is_refused_and_the_served_data_is_untouched(served, tmp_path):
    before = served.read_bytes()
    with pytest.raises(publishing.Refused):
        publishing.publish(ADMIN, "no-such-upload", confirmed=True)
    assert served.read_bytes() == before
    assert audited(tmp_path) == ["publish_failed"]


@pytest.mark.slow
def test_a_clean_upload_is_checked_then_published_into_the_served_database(served, tmp_path):
    grants = (SAMPLE / "grants.csv").read_bytes()
    checked = publishing.check(ADMIN, ["grants.csv"], [data_url(grants)])
    assert checked.publishable and checked.verdict == "ok"
    before = served.stat().st_mtime_ns
    done = publishing.publish(ADMIN, checked.staged.id, confirmed=False)
    assert done.ok and done.as_of is not None and done.seconds > 0
    assert served.stat().st_mtime_ns != before
    assert audited(tmp_path) == ["upload_checked", "publish"]

"""The audit log keeps one whole JSON line per event, even from many processes at once, and never a secret."""

from __future__ import annotations

import json
import multiprocessing
import os
from pathlib import Path

import flask
import pytest

from dashboards import settings
from dashboards.security import audit

WORKERS, EVENTS_EACH = 4, 150


@pytest.fixture
def log_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "private" / "audit.jsonl"
    monkeypatch.setenv("SCN_AUDIT_LOG", str(path))
    settings.get.cache_clear()
    yield path
    settings.get.cache_clear()


def lines_of(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_record_appends_one_json_line_per_event_with_who_and_when(log_path: Path) -> None:
    audit.record("sign_in", actor="ana@isd.org", role="admin")
    audit.record("publish", actor="ana@isd.org", role="admin", upload="20261121T101500Z-3f9a2c", rows=1234)

    first, second = lines_of(log_path)
    assert first["event"] == "sign_in" and first["actor"] == "ana@isd.org" and first["role"] == "admin"
    assert first["time"].endswith("Z") and len(first["time"]) == len("2026-11-21T10:15:00Z")
    assert first["remote_addr"] is None and first["details"] == {}
    assert second["details"] == {"upload": "20261121T101500Z-3f9a2c", "rows": 1234}


def test_record_notes_the_remote_address_inside_a_request(log_path: Path) -> None:
    app = flask.Flask(__name__)
    with app.test_request_context("/data", environ_base={"REMOTE_ADDR": "203.0.113.7"}):
        audit.record("access_denied", actor=None, page="/data")

    assert lines_of(log_path)[0]["remote_addr"] == "203.0.113.7"


@pytest.mark.parametrize("details", [{"password": "hunter2"}, {"new_password": "hunter2"},
                                     {"session_cookie": "hunter2"}, {"file": b"hunter2"}])
def test_record_refuses_passwords_and_file_contents(log_path: Path, details: dict) -> None:
    with pytest.raises(ValueError):
        audit.record("sign_in_failed", actor="ana@isd.org", **details)

    assert not log_path.exists() or "hunter2" not in log_path.read_text(encoding="utf-8")


def test_record_refuses_an_unknown_event(log_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown audit event"):
        audit.record("signed_in", actor="ana@isd.org")


def test_long_details_are_cut_short(log_path: Path) -> None:
    audit.record("upload_checked", actor="ana@isd.org", problems="x" * 10_000)

    assert len(lines_of(log_path)[0]["details"]["problems"]) == audit.MAX_TEXT + 1


def _append_many(path: str, worker: int) -> None:
    os.environ["SCN_AUDIT_LOG"] = path
    settings.get.cache_clear()
    for i in range(EVENTS_EACH):
        # Lines longer than a pipe buffer (4 KiB): unlocked appends of this size can interleave.
        audit.record("upload_checked", actor=f"worker{worker}@isd.org", i=i, padding=[str(worker) * 400] * 20)


def test_concurrent_appends_from_processes_yield_whole_lines(log_path: Path) -> None:
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_append_many, args=(str(log_path), w)) for w in range(WORKERS)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0

    events = lines_of(log_path)  # raises if any line is torn or two are interleaved
    assert len(events) == WORKERS * EVENTS_EACH
    for w in range(WORKERS):
        mine = [e["details"]["i"] for e in events if e["actor"] == f"worker{w}@isd.org"]
        assert mine == list(range(EVENTS_EACH))
        assert all(e["details"]["padding"] == [str(w) * 400] * 20 for e in events if e["actor"] == f"worker{w}@isd.org")


def test_recent_reads_newest_first(log_path: Path) -> None:
    for i in range(120):
        audit.record("sign_in", actor=f"user{i}@isd.org")

    latest = audit.recent(limit=50)
    assert [e["actor"] for e in latest] == [f"user{i}@isd.org" for i in range(119, 69, -1)]
    assert len(audit.recent(limit=500)) == 120


def test_recent_skips_a_torn_last_line_and_the_next_event_starts_a_fresh_line(log_path: Path) -> None:
    audit.record("sign_in", actor="ana@isd.org")
    with log_path.open("a", encoding="utf-8") as handle:
        handle.write('{"time": "2026-11-21T10:15:00Z", "event": "pub')  # a writer killed mid-line

    assert [e["actor"] for e in audit.recent()] == ["ana@isd.org"]
    audit.record("sign_out", actor="ana@isd.org")
    assert [e["event"] for e in audit.recent()] == ["sign_out", "sign_in"]


def test_recent_of_a_missing_log_is_empty(log_path: Path) -> None:
    assert audit.recent() == []

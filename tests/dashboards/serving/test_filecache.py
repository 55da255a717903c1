"""The shared disk cache (dashboards/serving/filecache.py): bounded per database version, old versions removed."""

from __future__ import annotations

import time

from dashboards.serving import filecache
from dashboards.serving.filecache import VersionedFileCache


def test_entries_round_trip_and_expire(tmp_path):
    cache = VersionedFileCache(str(tmp_path), default_timeout=300)
    cache.set("v1/q:abc", {"x": [1, 2]})
    assert cache.get("v1/q:abc") == {"x": [1, 2]}
    cache.set("v1/q:short", 1, timeout=1)
    time.sleep(1.1)
    assert cache.get("v1/q:short") is None and cache.get("v1/q:missing") is None


def test_a_new_database_version_removes_the_old_versions_answers(tmp_path):
    old = VersionedFileCache(str(tmp_path))
    for i in range(50):
        old.set(f"100-1-1/answer:{i:04x}", i)
    other_worker = VersionedFileCache(str(tmp_path))  # another process sees the rebuild first
    other_worker.set("200-2-2/answer:0001", "new")
    assert old.get("100-1-1/answer:0001") is None
    assert other_worker.count() == 1
    assert old.get("200-2-2/answer:0001") == "new"


def test_a_version_holds_at_most_its_threshold_and_writes_never_read_the_others(tmp_path, monkeypatch):
    monkeypatch.setattr(filecache, "CHECK_EVERY", 50)
    cache = VersionedFileCache(str(tmp_path), threshold=400)
    reads = []
    real = filecache.Path.read_bytes
    monkeypatch.setattr(filecache.Path, "read_bytes", lambda self: reads.append(self) or real(self))
    for i in range(2_000):
        cache.set(f"v/q:{i:06x}", i)
    assert cache.count() <= 400
    assert not reads, "writing read entries back"
    assert cache.get(f"v/q:{1999:06x}") == 1999  # the newest are kept

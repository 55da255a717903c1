"""The answer cache the workers share on disk (SCN_CACHE_DIR): bounded, and emptied of a database's answers once
a newer database is published.

flask-caching's FileSystemCache kept every entry in one folder and, past CACHE_THRESHOLD files, read every file
on every write to find the expired ones, so writes slowed many times over and a server under load after a rebuild
stayed slow for the rest of the run (the figures: bench/README.md, "Figures behind the app's comments"); and a
rebuild from the command line left the old database's answers on disk for good. Here:

- every key the app writes starts with the database version it was computed from (db.py, answers.py:
  "<version>/<kind>:<hash>"), and each version's entries live in a folder of their own, spread over 256
  sub-folders; the first write of a new version removes the folders of every other version (their answers can
  never be asked for again: every key carries the version of the file being served);
- a folder holds at most `threshold` entries: every `CHECK_EVERY` writes of a process it is counted (names only,
  nothing is read) and the oldest entries beyond the bound are removed;
- an entry is written to a temporary file and renamed into place, so a reader never sees half of one; its expiry
  is its first 8 bytes.
"""

from __future__ import annotations

import os
import pickle
import shutil
import struct
import tempfile
import threading
import time
from pathlib import Path

from flask_caching.backends.base import BaseCache

CHECK_EVERY = 200  # writes of a process between two counts of its version's folder
_HEADER = struct.Struct("<d")  # expiry time (0: never)
NO_VERSION = "_"


class VersionedFileCache(BaseCache):
    """A flask-caching backend: one folder per database version under `cache_dir`, at most `threshold` entries
    each, older versions removed when a newer one is first written."""

    def __init__(self, cache_dir: str, threshold: int = 20_000, default_timeout: int = 300, **_kwargs) -> None:
        super().__init__(default_timeout)
        self.root = Path(cache_dir)
        self.root.mkdir(parents=True, exist_ok=True)
        self.threshold = threshold
        self._lock = threading.Lock()
        self._versions: set[str] = set()  # versions this process has written (their folders exist)
        self._writes = 0

    @classmethod
    def factory(cls, app, config, args, kwargs):
        kwargs.update(cache_dir=config["CACHE_DIR"], threshold=config.get("CACHE_THRESHOLD", 20_000),
                      default_timeout=config.get("CACHE_DEFAULT_TIMEOUT", 300))
        return cls(*args, **kwargs)

    def _path(self, key: str) -> tuple[str, Path]:
        version, _, name = key.rpartition("/")
        version = version or NO_VERSION
        safe = "".join(c if c.isalnum() or c in "-_:." else "_" for c in name)
        return version, self.root / _safe(version) / safe[-2:] / safe

    def get(self, key: str):
        try:
            raw = self._path(key)[1].read_bytes()
        except OSError:
            return None
        (expires,) = _HEADER.unpack_from(raw)
        if expires and expires < time.time():
            return None
        try:
            return pickle.loads(raw[_HEADER.size:])
        except (pickle.UnpicklingError, EOFError, ValueError):
            return None

    def has(self, key: str) -> bool:
        return self.get(key) is not None

    def set(self, key: str, value, timeout: int | None = None) -> bool:
        version, path = self._path(key)
        timeout = self._normalize_timeout(timeout)
        expires = time.time() + timeout if timeout else 0.0
        data = _HEADER.pack(expires) + pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
        self._enter(version)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(temp, path)
        except OSError:  # another worker removed this version's folder meanwhile: nothing to keep it for
            return False
        self._bound(version)
        return True

    def add(self, key: str, value, timeout: int | None = None) -> bool:
        return False if self.has(key) else self.set(key, value, timeout)

    def delete(self, key: str) -> bool:
        try:
            self._path(key)[1].unlink()
        except OSError:
            return False
        return True

    def clear(self) -> bool:
        for child in self.root.iterdir():
            shutil.rmtree(child, ignore_errors=True) if child.is_dir() else child.unlink(missing_ok=True)
        with self._lock:
            self._versions.clear()
        return True

    def _enter(self, version: str) -> None:
        """On the first write of a version by this process: remove every other version's folder."""
        with self._lock:
            if version in self._versions:
                return
            self._versions = {version}
        if version == NO_VERSION:
            return
        for child in self.root.iterdir():
            if child.is_dir() and child.name not in (_safe(version), NO_VERSION):
                shutil.rmtree(child, ignore_errors=True)

    def _bound(self, version: str) -> None:
        with self._lock:
            self._writes += 1
            if self._writes % CHECK_EVERY:
                return
        entries = []
        for sub in os.scandir(self.root / _safe(version)):
            if sub.is_dir():
                entries += [e for e in os.scandir(sub.path) if not e.name.startswith(".tmp-")]
        if len(entries) <= self.threshold:
            return
        entries.sort(key=lambda e: _mtime(e))
        for entry in entries[: len(entries) - int(self.threshold * 0.8)]:
            try:
                os.unlink(entry.path)
            except OSError:
                pass

    def count(self) -> int:
        """Entries on disk, every version (for tests and the benchmark)."""
        return sum(len(files) for _, _, files in os.walk(self.root))


def _safe(version: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in version)


def _mtime(entry: os.DirEntry) -> float:
    try:
        return entry.stat().st_mtime
    except OSError:
        return 0.0

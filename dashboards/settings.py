"""Every setting of the dashboard, read once from environment variables with defaults.

Nothing else in the app reads `os.environ`: import `get()` and read the field you need.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    """The dashboard's configuration: where the database is, how results are cached, how the server runs."""

    db_path: Path
    cache_dir: Path | None
    cache_seconds: int
    demo: bool
    host: str
    port: int
    debug: bool

    @property
    def report_path(self) -> Path:
        """The pipeline's JSON report of its last build attempt, written beside the database."""
        return self.db_path.with_suffix(".report.json")


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "yes", "on")


def _path(value: str | None, default: str) -> Path:
    path = Path(value or default).expanduser()
    return path if path.is_absolute() else REPO_ROOT / path


@lru_cache(maxsize=1)
def get() -> Settings:
    """The settings of this process (call `get.cache_clear()` after changing the environment in tests)."""
    env = os.environ
    cache_dir = env.get("SCN_CACHE_DIR")
    return Settings(
        db_path=_path(env.get("SCN_DB"), "data/build/scn.duckdb"),
        cache_dir=_path(cache_dir, cache_dir) if cache_dir else None,
        cache_seconds=int(env.get("SCN_CACHE_SECONDS", "3600")),
        demo=_flag(env.get("SCN_DEMO")),
        host=env.get("SCN_HOST", "127.0.0.1"),
        port=int(env.get("SCN_PORT", "8050")),
        debug=_flag(env.get("SCN_DEBUG")),
    )

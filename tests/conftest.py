"""Shared fixtures: one database built by the real pipeline from the committed sample data, per test session."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from dashboards import settings
from dashboards.queries import db
from dashboards.security import access
from data_pipeline.build import build
from tests.paths import REAL, SAMPLE

# A source set made from real public data (tests/fixtures/realdata/README.md).


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """data/sample built into a temporary folder (the served data/build database is never touched)."""
    path = tmp_path_factory.mktemp("dashboard") / "scn.duckdb"
    result = build(SAMPLE, path)
    assert result.ok, [str(p) for p in result.errors[:10]]
    return path


@pytest.fixture(scope="session")
def real_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tests/fixtures/realdata/source built into a temporary folder, with the build day fixed."""
    path = tmp_path_factory.mktemp("real") / "scn.duckdb"
    result = build(REAL, path, today=dt.date(2026, 11, 1))
    assert result.ok, [str(p) for p in result.errors[:10]]
    return path


@pytest.fixture
def real_dashboard_db(real_db: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the dashboard's settings at the real-data database for one test; queries run as the data team."""
    monkeypatch.setenv("SCN_DB", str(real_db))
    settings.get.cache_clear()
    with db.acting_as(access.SYSTEM):
        yield real_db
    settings.get.cache_clear()


@pytest.fixture
def dashboard_db(sample_db: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the dashboard's settings at the sample database for one test; queries run as the data team."""
    monkeypatch.setenv("SCN_DB", str(sample_db))
    settings.get.cache_clear()
    with db.acting_as(access.SYSTEM):
        yield sample_db
    settings.get.cache_clear()



@pytest.fixture(scope="session")
def demo_users(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A user store holding the demo accounts, made once per session: Argon2 takes ~0.2 s of CPU per password,
    a second for the five accounts, which each app fixture used to spend again. Copy it, never write to it."""
    from dashboards.security import users  # here: importing it hashes a dummy password (users._DUMMY_HASH)

    path = tmp_path_factory.mktemp("demo-users") / "users.sqlite"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SCN_DEMO", "1")
        settings.get.cache_clear()
        users.ensure_demo_accounts(path=path)
    settings.get.cache_clear()
    return path


def copy_demo_users(demo_users: Path, store: Path) -> None:
    """Give a test's own user store the demo accounts (a copy of the session's; one already there is kept)."""
    store.parent.mkdir(parents=True, exist_ok=True)
    if not store.exists():
        shutil.copyfile(demo_users, store)


@pytest.fixture
def use_app_environment(sample_db: Path, demo_users: Path, monkeypatch: pytest.MonkeyPatch):
    """A function that sets what importing the app in a test needs: the sample database, demo mode, the user
    store (holding the demo accounts, as the app's import makes them), audit log and upload store under the
    folder it is given, no cache (undone after the test)."""
    def use(private: Path) -> None:
        copy_demo_users(demo_users, private / "users.sqlite")
        for key, value in {"SCN_DB": str(sample_db), "SCN_DEMO": "1", "SCN_USERS": str(private / "users.sqlite"),
                           "SCN_AUDIT_LOG": str(private / "audit.jsonl"),
                           "SCN_SOURCES_STORE": str(private / "src"), "SCN_CACHE_SECONDS": "0"}.items():
            monkeypatch.setenv(key, value)
        settings.get.cache_clear()

    yield use
    settings.get.cache_clear()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark each test's tier (tests/tiers.py): browser tests by their folder, slow ones by what they do."""
    from tests import tiers

    for item in items:
        if tiers.is_browser(Path(item.path)):
            item.add_marker(pytest.mark.browser)
        elif isinstance(item, pytest.Function) and tiers.is_slow(item.function, item.fixturenames):
            item.add_marker(pytest.mark.slow)

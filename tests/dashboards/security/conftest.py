"""The app for crafted requests: demo accounts, the public impact page on, no cache, a private user store."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboards import settings
from tests.conftest import copy_demo_users
from tests.dashboards.security.crafted import EVERYONE, sign_in


@pytest.fixture(scope="module")
def app(sample_db: Path, demo_users: Path, tmp_path_factory):
    """The real app (app.py) with SCN_PUBLIC=1, for one test module (its environment undone after)."""
    private = tmp_path_factory.mktemp("private")
    copy_demo_users(demo_users, private / "users.sqlite")  # the demo accounts without hashing them again
    with pytest.MonkeyPatch.context() as mp:
        for key, value in {"SCN_DB": str(sample_db), "SCN_DEMO": "1", "SCN_PUBLIC": "1",
                           "SCN_USERS": str(private / "users.sqlite"), "SCN_AUDIT_LOG": str(private / "audit.jsonl"),
                           "SCN_SOURCES_STORE": str(private / "src"), "SCN_CACHE_SECONDS": "0",
                           "SCN_STATE": str(private / "state.sqlite")}.items():
            mp.setenv(key, value)
        settings.get.cache_clear()
        import app as dashboard  # builds the Dash app once per process
        from dashboards.security import users
        dashboard.server.config["TESTING"] = True
        users.ensure_demo_accounts()
        dashboard.private = private
        yield dashboard
    settings.get.cache_clear()


@pytest.fixture(scope="module")
def clients(app) -> dict:
    """A client per role, signed in once for the module, and the visitor's (no session)."""
    return {role: sign_in(app, role) for role in EVERYONE}

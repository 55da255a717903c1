"""The shared fixtures (tests/conftest.py) give each test its own copy of what is built once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboards.security import users


def test_an_app_environment_has_the_demo_accounts_without_hashing_them_again(
        use_app_environment, demo_users: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The demo accounts come as a copy of the session's store: ensure_demo_accounts (the app's import, the
    fixtures) finds them and hashes nothing (Argon2: ~0.2 s of CPU per password)."""
    use_app_environment(tmp_path)

    class Refusing:  # the app's hasher, but hashing fails the test
        def hash(self, *args, **kwargs):
            raise AssertionError("a demo password was hashed again")

        def __getattr__(self, name):
            return getattr(real, name)

    real = users._hasher
    monkeypatch.setattr(users, "_hasher", Refusing())
    users.ensure_demo_accounts()
    assert {u["email"] for u in users.list_users()} == {account[0] for account in users.DEMO_ACCOUNTS}


def test_a_test_changing_its_accounts_leaves_the_sessions_store_as_it_was(
        use_app_environment, demo_users: Path, tmp_path: Path) -> None:
    use_app_environment(tmp_path)
    assert users.remove("admin@demo.scn")
    assert users.get("admin@demo.scn") is None
    assert users.get("admin@demo.scn", path=demo_users) is not None

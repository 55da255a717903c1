"""The users command line (tools/users.py) and its documented alias, `python -m dashboards.users`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dashboards import settings
from dashboards.security import users
from tests.paths import ROOT
from tools import users as users_cli


def test_the_alias_runs_the_same_command_line():
    from dashboards import users as alias

    assert alias.cli is users_cli.cli


def test_added_listed_and_removed_through_the_command_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("SCN_USERS", str(tmp_path / "users.sqlite"))
    monkeypatch.setenv("SCN_AUDIT_LOG", str(tmp_path / "audit.jsonl"))
    settings.get.cache_clear()
    runner = CliRunner()
    added = runner.invoke(users_cli.cli, ["add", "hub@isd.org", "--role", "hub_lead", "--region", "MENA",
                                          "--password", "a long enough password"])
    assert added.exit_code == 0, added.output
    assert users.get("hub@isd.org").role == "hub_lead"
    listed = runner.invoke(users_cli.cli, ["list"])
    assert "hub@isd.org" in listed.output and "a long enough password" not in listed.output
    assert runner.invoke(users_cli.cli, ["remove", "hub@isd.org"]).exit_code == 0
    assert users.get("hub@isd.org") is None
    assert runner.invoke(users_cli.cli, ["remove", "hub@isd.org"]).exit_code == 1
    settings.get.cache_clear()


@pytest.mark.slow
@pytest.mark.parametrize("module", ["dashboards.users", "tools.users"])
def test_python_dash_m_runs_the_command_line_as_the_readme_says(module: str, tmp_path: Path):
    env = {**os.environ, "SCN_USERS": str(tmp_path / "users.sqlite"), "SCN_AUDIT_LOG": str(tmp_path / "a.jsonl")}
    done = subprocess.run([sys.executable, "-m", module, "list"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert "e-mail" in done.stdout


def test_a_preferred_language_is_kept_changed_and_cleared(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("SCN_USERS", str(tmp_path / "users.sqlite"))
    monkeypatch.setenv("SCN_AUDIT_LOG", str(tmp_path / "audit.jsonl"))
    settings.get.cache_clear()
    runner = CliRunner()
    added = runner.invoke(users_cli.cli, ["add", "pm@isd.org", "--role", "programme_manager", "--lang", "fr",
                                          "--password", "a long enough password"])
    assert added.exit_code == 0, added.output
    assert users.get("pm@isd.org").language == "fr"
    assert "fr" in runner.invoke(users_cli.cli, ["list"]).output
    assert runner.invoke(users_cli.cli, ["language", "pm@isd.org", "ar-EG"]).exit_code == 0
    assert users.get("pm@isd.org").language == "ar"
    refused = runner.invoke(users_cli.cli, ["language", "pm@isd.org", "de"])
    assert refused.exit_code == 1 and "not one of en, fr, ar" in refused.output
    assert runner.invoke(users_cli.cli, ["language", "pm@isd.org", ""]).exit_code == 0
    assert users.get("pm@isd.org").language is None
    assert runner.invoke(users_cli.cli, ["language", "nobody@isd.org", "fr"]).exit_code == 1
    settings.get.cache_clear()


def test_a_store_made_before_languages_gains_the_column_and_keeps_its_people(tmp_path: Path):
    import sqlite3

    path = tmp_path / "old.sqlite"
    con = sqlite3.connect(path)
    # the users table as stores were made before the preferred language existed
    con.executescript(users._SCHEMA.replace(",\n    language text  -- the language the person reads the app in "
                                            "(en, fr, ar); null: their browser's", ""))
    assert "language" not in {r[1] for r in con.execute("pragma table_info(users)")}
    con.execute("insert into users (email, password_hash, role, created_at) values (?, ?, ?, ?)",
                ("old@isd.org", "x", "programme_manager", "2026-01-01"))
    con.commit()
    con.close()
    assert users.get("old@isd.org", path=path).language is None
    users.set_language("old@isd.org", "ar", path=path)
    assert users.get("old@isd.org", path=path).language == "ar"


def test_a_refusal_naming_a_value_in_brackets_prints_it_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Rich would read "[bold]" (or an error's "[Errno 111]") as a style and drop it from the message."""
    monkeypatch.setenv("SCN_USERS", str(tmp_path / "users.sqlite"))
    monkeypatch.setenv("SCN_AUDIT_LOG", str(tmp_path / "audit.jsonl"))
    settings.get.cache_clear()
    refused = CliRunner().invoke(users_cli.cli, ["add", "hub@isd.org", "--role", "hub_lead", "--region",
                                                 "[bold]MENA", "--password", "a long enough password"])
    settings.get.cache_clear()
    assert refused.exit_code == 1
    assert "Not added:" in refused.output and "[bold]MENA" in refused.output, refused.output

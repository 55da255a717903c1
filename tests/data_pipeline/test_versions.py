"""The command line and the browser publish into one list of versions, agree on which is current, and an earlier
version can be published again (rollback) through the same atomic build."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from data_pipeline import uploads, versions
from data_pipeline.store import open_read_only
from tests.paths import GOOD, ROOT

TODAY = dt.date(2026, 11, 1)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def donor_names(db: Path) -> set[str]:
    con = open_read_only(db)
    try:
        return {row[0] for row in con.execute("select donor_name from stg_donors").fetchall()}
    finally:
        con.close()


def donors_csv(*names: str) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["donor_id", "donor_name", "donor_type"])
    writer.writerows([[f"D-00{i}", name, "government"] for i, name in enumerate(names, start=1)])
    return buffer.getvalue().encode()


@pytest.fixture
def place(tmp_path: Path) -> dict[str, Path]:
    """The served database, sources store and default source folder of one installation."""
    return {"db": tmp_path / "served" / "scn.duckdb", "store": tmp_path / "store", "default": GOOD}


def cli(place: dict[str, Path], *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SCN_DB": str(place["db"]), "SCN_SOURCES_STORE": str(place["store"]),
           "SCN_SOURCE": str(place["default"])}
    return subprocess.run([sys.executable, "-m", "data_pipeline", "build", "--today", TODAY.isoformat(), *args],
                          cwd=ROOT, capture_output=True, text=True, timeout=300, env=env)


def test_cli_and_uploads_share_one_current_set_and_history(place: dict[str, Path], tmp_path: Path) -> None:
    store, db = place["store"], place["db"]
    # Nothing published yet: `build` builds the default folder, as the app would start from it.
    first = cli(place)
    assert first.returncode == 0, first.stdout + first.stderr
    assert versions.history(store) == []

    # --source onto the served database publishes a copy of the folder as a version: the next upload starts there.
    other = tmp_path / "other"
    shutil.copytree(GOOD, other)
    (other / "donors.csv").write_bytes(donors_csv("Global Affairs Canada", "Renamed Peace Foundation"))
    second = cli(place, "--source", str(other))
    assert second.returncode == 0, second.stdout + second.stderr
    [from_cli] = versions.history(store)
    assert (from_cli.how, from_cli.current, from_cli.rows["donors"]) == ("command line", True, 2)
    assert versions.current_source(store, GOOD) == store / from_cli.id
    assert "Renamed Peace Foundation" in donor_names(db)

    staged = uploads.stage([("grants.csv", (GOOD / "grants.csv").read_bytes())],
                           current=versions.current_source(store, GOOD), store=store, max_bytes=1 << 20,
                           actor="ana@isd.org")
    assert (staged.folder / "donors.csv").read_bytes() == (other / "donors.csv").read_bytes()
    assert uploads.check(staged, today=TODAY, compare_with=db).ok
    assert uploads.publish(staged, db_path=db, today=TODAY).ok

    # Without --source the command line rebuilds the current set, not the default folder.
    third = cli(place)
    assert third.returncode == 0, third.stdout + third.stderr
    history = versions.history(store)
    assert [(v.how, v.actor.endswith("(command line)") or v.actor) for v in history] == [
        ("rebuild", True), ("upload", "ana@isd.org"), ("command line", True)]
    assert [v.current for v in history] == [True, False, False]
    assert "Renamed Peace Foundation" in donor_names(db)


def test_rollback_publishes_an_earlier_version_and_later_uploads_start_from_it(place: dict[str, Path],
                                                                               tmp_path: Path) -> None:
    store, db = place["store"], place["db"]
    first = versions.publish_folder(GOOD, store=store, db_path=db, actor="ana@isd.org", today=TODAY)
    assert first.ok
    old_id = versions.read_pointer(store)
    staged = uploads.stage([("donors.csv", donors_csv("Global Affairs Canada", "New Name"))],
                           current=versions.current_source(store, GOOD), store=store, max_bytes=1 << 20,
                           actor="ana@isd.org")
    assert uploads.check(staged, today=TODAY, compare_with=db).ok
    assert uploads.publish(staged, db_path=db, today=TODAY).ok
    assert "New Name" in donor_names(db)

    result = versions.rollback(store, old_id, db_path=db, actor="admin@isd.org", today=TODAY)

    assert result.ok
    assert versions.read_pointer(store) == old_id
    assert "New Name" not in donor_names(db)
    latest = versions.history(store)[0]
    assert (latest.id, latest.how, latest.actor, latest.current) == (old_id, "rollback", "admin@isd.org", True)
    assert latest.note.startswith("back to the version published on ")
    again = uploads.stage([("grants.csv", (GOOD / "grants.csv").read_bytes())],
                          current=versions.current_source(store, GOOD), store=store, max_bytes=1 << 20,
                          actor="ana@isd.org")
    assert again.base_id == old_id


def test_rollback_refuses_the_current_an_unknown_and_a_pruned_version(place: dict[str, Path]) -> None:
    store, db = place["store"], place["db"]
    assert versions.publish_folder(GOOD, store=store, db_path=db, actor="ana@isd.org", today=TODAY).ok
    current = versions.read_pointer(store)
    assert versions.publish_folder(GOOD, store=store, db_path=db, actor="ana@isd.org", today=TODAY).ok
    before = sha256(db)

    with pytest.raises(versions.VersionRefused, match="already the published data"):
        versions.rollback(store, versions.read_pointer(store), db_path=db, actor="a")
    with pytest.raises(versions.VersionRefused, match="was never published"):
        versions.rollback(store, "20200101T000000Z-abcdef", db_path=db, actor="a")
    with pytest.raises(versions.VersionRefused, match="not a version id"):
        versions.rollback(store, "../../etc", db_path=db, actor="a")
    shutil.rmtree(store / current)
    with pytest.raises(versions.VersionRefused, match="no longer kept"):
        versions.rollback(store, current, db_path=db, actor="a")
    assert sha256(db) == before
    assert [v.kept for v in versions.history(store)] == [True, False]


def test_a_refused_cli_publish_leaves_no_version_behind(place: dict[str, Path], tmp_path: Path) -> None:
    store, db = place["store"], place["db"]
    assert versions.publish_folder(GOOD, store=store, db_path=db, actor="ana@isd.org", today=TODAY).ok
    broken = tmp_path / "broken"
    shutil.copytree(GOOD, broken)
    (broken / "donors.csv").write_bytes(b"donor_id,donor_name,donor_type\n")
    folders = sorted(p.name for p in store.iterdir() if p.is_dir())

    result = versions.publish_folder(broken, store=store, db_path=db, actor="ana@isd.org", today=TODAY)

    assert not result.ok
    assert sorted(p.name for p in store.iterdir() if p.is_dir()) == folders
    assert len(versions.history(store)) == 1


def test_what_the_page_shows_of_a_version_names_no_server_path(place: dict[str, Path]) -> None:
    store, db = place["store"], place["db"]
    assert versions.publish_folder(GOOD, store=store, db_path=db, actor="ana@isd.org", today=TODAY).ok
    version = versions.history(store)[0]
    shown = [versions.describe_source(store, store / version.id), versions.describe_source(store, GOOD),
             str(version.as_row()), str(versions.problems_of(store, version.id))]

    assert shown[0] == f"version {version.id} (command line by ana@isd.org, {version.published_at})"
    assert shown[1] == "folder good"
    assert not any(str(place["db"].parent) in text or str(store) in text or "/" + "tmp" in text for text in shown)

"""The README's deploy line, started as written, keeps answering while slow clients hold connections open
(issue #21): each sends half a header block and waits, as a "slowloris" does."""

from __future__ import annotations

import re
import shlex
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.paths import ROOT
from tools.screenshots import free_port

SLOW_CLIENTS = 20


def readme_command(port: int) -> list[str]:
    """The gunicorn line of the README's deploy section, bound to `port` (environment variables left out)."""
    text = (ROOT / "README.md").read_text()
    line = re.search(r"^(?:\S+=\S+ )*\S*gunicorn .*?app:server$", text.replace("\\\n", " "), re.M).group(0)
    words = [w for w in shlex.split(line) if "=" not in w or w.startswith("-")]
    words[0] = str(Path(sys.executable).parent / "gunicorn")
    at = words.index("-b")
    words[at + 1] = f"127.0.0.1:{port}"
    return words


def _start(command: list[str], sample_db: Path, tmp_path: Path):
    env = {"PATH": "/usr/bin:/bin", "SCN_DB": str(sample_db), "SCN_DEMO": "1", "SCN_USERS": str(tmp_path / "u.sqlite"),
           "SCN_AUDIT_LOG": str(tmp_path / "a.jsonl"), "SCN_CACHE_DIR": str(tmp_path / "cache")}
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _answers(url: str, timeout: float) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as reply:
            return reply.status == 200
    except OSError:
        return False


def _slow_clients(port: int) -> list[socket.socket]:
    held = []
    for _ in range(SLOW_CLIENTS):
        s = socket.create_connection(("127.0.0.1", port))
        s.sendall(b"GET /login HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: slow\r\n")  # half a header block
        held.append(s)
    return held


def _login_under_slow_clients(command, sample_db, tmp_path, port) -> bool:
    server = _start(command, sample_db, tmp_path)
    held = []
    try:
        deadline = time.monotonic() + 60
        while not _answers(f"http://127.0.0.1:{port}/login", 2):
            assert server.poll() is None and time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.3)
        held = _slow_clients(port)
        time.sleep(0.5)
        return all(_answers(f"http://127.0.0.1:{port}/login", 5) for _ in range(6))
    finally:
        for s in held:
            s.close()
        server.terminate()
        server.wait(timeout=30)


def test_the_readme_deploy_line_answers_while_slow_clients_hold_connections(sample_db, tmp_path):
    port = free_port()
    command = readme_command(port)
    assert "dashboards.serving.worker.BufferingWorker" in command
    assert _login_under_slow_clients(command, sample_db, tmp_path, port)


def test_plain_gthread_is_what_the_slow_clients_stall(sample_db, tmp_path):
    """The same check against gunicorn's own gthread worker fails: the attack is real, and the check can fail."""
    port = free_port()
    command = [c for c in readme_command(port) if c not in ("-k", "dashboards.serving.worker.BufferingWorker")]
    if "-k" in readme_command(port):
        assert len(command) == len(readme_command(port)) - 2
    assert not _login_under_slow_clients(command, sample_db, tmp_path, port)


@pytest.mark.parametrize("pipelined", [False, True])
def test_whole_requests_kept_alive_and_pipelined_are_answered(sample_db, tmp_path, pipelined):
    port = free_port()
    server = _start(readme_command(port), sample_db, tmp_path)
    try:
        deadline = time.monotonic() + 60
        while not _answers(f"http://127.0.0.1:{port}/login", 2):
            assert server.poll() is None and time.monotonic() < deadline
            time.sleep(0.3)
        request = b"GET /login HTTP/1.1\r\nHost: x\r\n\r\n"
        with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
            if pipelined:
                s.sendall(request * 2)
            else:
                s.sendall(request)
                time.sleep(0.3)
                s.sendall(request[:10])
                time.sleep(0.3)
                s.sendall(request[10:])
            got = b""
            while got.count(b"HTTP/1.1 200") < 2:
                chunk = s.recv(65536)
                assert chunk, got[:200]
                got += chunk
    finally:
        server.terminate()
        server.wait(timeout=30)

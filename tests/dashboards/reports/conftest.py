"""The committee pack's tests: the app's environment with a private state file, and a real SMTP server.

`smtp` starts aiosmtpd on a free local port for one test and collects what it receives (envelope, message);
addresses listed in `smtp.refuse` are refused at RCPT, as a real server refuses an unknown mailbox.
"""

from __future__ import annotations

import email
import socket
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path

import pytest

from dashboards import settings


@pytest.fixture
def pack_env(sample_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The app's environment on the sample database (demo mode), with its user store, audit log, sources store and
    the app state file in a folder of this test; the app (its pages) imported. Returns that folder."""
    for key, value in {"SCN_DB": str(sample_db), "SCN_DEMO": "1", "SCN_USERS": str(tmp_path / "users.sqlite"),
                       "SCN_AUDIT_LOG": str(tmp_path / "audit.jsonl"), "SCN_SOURCES_STORE": str(tmp_path / "src"),
                       "SCN_STATE": str(tmp_path / "state.sqlite"), "SCN_CACHE_SECONDS": "0",
                       "SCN_APP_URL": "https://dash.example.org"}.items():
        monkeypatch.setenv(key, value)
    settings.get.cache_clear()
    import app  # noqa: F401  (registers the pages, whose callbacks draw the pack's charts)

    yield tmp_path
    settings.get.cache_clear()


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: Message

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    def pdf(self) -> tuple[str, bytes]:
        """(file name, bytes) of the one PDF attached."""
        found = [(p.get_filename(), p.get_payload(decode=True)) for p in self.message.walk()
                 if p.get_content_type() == "application/pdf"]
        assert len(found) == 1, f"expected one PDF attached, found {len(found)}"
        return found[0]

    def body(self) -> str:
        return next(p.get_payload(decode=True).decode() for p in self.message.walk()
                    if p.get_content_type() == "text/plain")


@dataclass
class SMTPServer:
    host: str
    port: int
    received: list[Received] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)

    def to(self, address: str) -> list[Received]:
        return [r for r in self.received if address in r.recipients]


class _Handler:
    def __init__(self, server: SMTPServer) -> None:
        self.server = server

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.server.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.server.received.append(Received(envelope.mail_from, [a.lower() for a in envelope.rcpt_tos],
                                             email.message_from_bytes(envelope.original_content)))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp(monkeypatch: pytest.MonkeyPatch) -> SMTPServer:
    """A real SMTP server (aiosmtpd) on a free local port, and the settings pointing the sender at it."""
    from aiosmtpd.controller import Controller

    server = SMTPServer("127.0.0.1", _free_port())
    controller = Controller(_Handler(server), hostname=server.host, port=server.port)
    controller.start()
    for key, value in {"SCN_SMTP_HOST": server.host, "SCN_SMTP_PORT": str(server.port), "SCN_SMTP_SECURITY": "none",
                       "SCN_MAIL_FROM": "SCN Dashboard <reports@dash.example.org>"}.items():
        monkeypatch.setenv(key, value)
    settings.get.cache_clear()
    try:
        yield server
    finally:
        controller.stop()
        settings.get.cache_clear()

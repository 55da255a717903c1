"""The audit log: who signed in, uploaded and published what, and when. One JSON object per line.

Lines are appended under an exclusive `flock`, so gunicorn workers and threads writing at the same moment
never interleave, and are only ever appended. A writer killed mid-line leaves a torn last line: the next
writer starts on a fresh line and `recent` skips what does not parse. Secrets and file contents are refused,
not filtered: a call passing a password is a bug to see in the tests, not a line to write.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
from pathlib import Path

from dashboards import settings

EVENTS = (
    "sign_in", "sign_in_failed", "sign_out", "access_denied",
    "upload_refused", "upload_checked", "publish", "publish_failed", "rollback", "rollback_failed",
    "user_added", "user_removed", "standards_export",
    # the committee pack (issue #20): saved views, notes on the numbers, packs, subscriptions and their delivery
    "view_saved", "view_shared", "view_removed", "note_added", "note_removed", "pack_made", "pack_set_saved",
    "subscription_added", "subscription_removed", "pack_sent", "pack_send_failed", "delivery_alert", "delivery_held",
)
# Detail keys that would carry a secret; any key containing one of these words is refused.
SECRET_WORDS = ("password", "passwd", "passphrase", "secret", "token", "cookie", "session", "content")
MAX_TEXT = 500  # characters of one detail value; a detail is a name or a count, not a document
_TAIL_CHUNK = 64 * 1024


def record(event: str, *, actor: str | None, role: str | None = None, **details: object) -> None:
    """Append one event to the audit log (`settings.get().audit_path`): when, what, who, from where, details.

    `actor` is the e-mail of whoever acted (None before anyone is known), `details` small facts such as file
    names, row counts or the upload id. Raises ValueError for an unknown event, a detail key that names a
    secret (password, token, ...) or a bytes value (file contents), so they are never written.
    """
    if event not in EVENTS:
        raise ValueError(f"unknown audit event {event!r}; add it to EVENTS in dashboards/security/audit.py")
    for key, value in details.items():
        if any(word in key.lower() for word in SECRET_WORDS):
            raise ValueError(f"audit detail {key!r} looks like a secret and is never written")
        if isinstance(value, bytes | bytearray | memoryview):
            raise ValueError(f"audit detail {key!r} holds bytes; write a name or a checksum, not file contents")
    line = {
        "time": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "event": event,
        "actor": actor,
        "role": role,
        "remote_addr": _remote_addr(),
        "details": {key: _short(value) for key, value in details.items()},
    }
    _append(settings.get().audit_path, json.dumps(line, ensure_ascii=False, default=str) + "\n")


def recent(limit: int = 50) -> list[dict]:
    """The last `limit` events, newest first; a torn or unreadable line is skipped."""
    path = settings.get().audit_path
    if limit <= 0 or not path.exists():
        return []
    events = []
    for raw in reversed(_tail_lines(path, limit + 8)):  # a few spare for torn lines
        try:
            item = json.loads(raw)
        except ValueError:
            continue
        if isinstance(item, dict):
            events.append(item)
        if len(events) == limit:
            break
    return events


def _remote_addr() -> str | None:
    from flask import has_request_context, request

    return request.remote_addr if has_request_context() else None


def _short(value: object) -> object:
    if isinstance(value, str) and len(value) > MAX_TEXT:
        return value[:MAX_TEXT] + "…"
    return value


def _append(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)  # e-mails and addresses: owner only
    with os.fdopen(fd, "r+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            size = handle.seek(0, os.SEEK_END)
            if size:
                handle.seek(size - 1)
                if handle.read(1) != b"\n":
                    text = "\n" + text  # a writer died mid-line: leave its fragment on a line of its own
            handle.write(text.encode("utf-8"))
            handle.flush()
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _tail_lines(path: Path, count: int) -> list[str]:
    """The last `count` lines of the file (fewer if it is shorter), oldest first, without reading all of it."""
    with path.open("rb") as handle:
        end = handle.seek(0, os.SEEK_END)
        data = b""
        position = end
        while position > 0 and data.count(b"\n") <= count:
            step = min(_TAIL_CHUNK, position)
            position -= step
            handle.seek(position)
            data = handle.read(step) + data
    lines = data.decode("utf-8", errors="replace").splitlines()
    if position > 0:
        lines = lines[1:]  # the first one may be cut
    return [line for line in lines if line.strip()][-count:]

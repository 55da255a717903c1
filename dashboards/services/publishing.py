"""New data from the browser: check uploaded files, publish a checked upload, roll back to an earlier version.

The same build as the command line runs (data_pipeline/uploads.py and versions.py); this module adds what the
app owes around it: only a viewer who may upload gets past the first line (the page is also open to programme
managers, who may read but not change the data), every attempt is audited, a publish clears the cached answers,
and every refusal is a `Refused` whose message speaks to the person at the page. No server path is ever in a
message: sets are named by their version id.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

from dashboards import settings
from dashboards.queries.db import cache
from dashboards.security import audit
from dashboards.security.access import Viewer
from data_pipeline import uploads, versions

FORBIDDEN = "Only administrators may upload data."


class Refused(Exception):
    """A step that did not go ahead. `kind` says how to show it: "forbidden" (not this viewer's to do),
    "incomplete" (something to choose or tick first), "refused" (the files or the request were wrong);
    `retry` whether the same button may be pressed again."""

    def __init__(self, message: str, kind: str = "refused", *, retry: bool = False):
        super().__init__(message)
        self.kind, self.retry = kind, retry


@dataclass(frozen=True)
class Published:
    """A publish or rollback that ran: whether its build succeeded, and when the data is from now on."""

    ok: bool
    seconds: float = 0.0
    as_of: object = None


def _allowed(viewer: Viewer) -> None:
    if not viewer.can_upload:
        audit.record("access_denied", actor=viewer.user, role=viewer.role, action="upload")
        raise Refused(FORBIDDEN, "forbidden")


def check(viewer: Viewer, names: object, contents: object) -> uploads.CheckedUpload:
    """Stage the uploaded files (Dash's upload: a list of names and a list of base64 data URLs) on top of the
    current sources and check them as the command line would. Raises Refused; audits the check or the refusal."""
    _allowed(viewer)
    if not isinstance(contents, list) or not isinstance(names, list) or len(contents) != len(names):
        raise Refused("Choose one or more files.", "incomplete")
    conf = settings.get()
    try:
        files = [(str(name), _decode(data)) for name, data in zip(names, contents, strict=True)]
        checked = uploads.check_upload(files, store=conf.sources_store, default_source=conf.source_dir,
                                       db_path=conf.db_path, max_bytes=conf.upload_max_mb * 1024 * 1024,
                                       actor=viewer.user, shrink_share=conf.shrink_share,
                                       bounds=conf.bounds)
    except uploads.UploadRefused as exc:
        audit.record("upload_refused", actor=viewer.user, role=viewer.role, reason=str(exc))
        raise Refused(str(exc)) from exc
    result = checked.result
    audit.record("upload_checked", actor=viewer.user, role=viewer.role, upload=checked.staged.id,
                 files=", ".join(n for n, _ in files), errors=len(result.errors), warnings=len(result.warnings))
    return checked


def publish(viewer: Viewer, staged_id: str | None, *, confirmed: bool) -> Published | None:
    """Publish a checked upload by its id; None when there is none to publish. Raises Refused (retry when only
    the confirmation was missing)."""
    _allowed(viewer)
    if not staged_id:
        return None
    conf = settings.get()
    try:
        result = uploads.publish_upload(conf.sources_store, staged_id, db_path=conf.db_path, actor=viewer.user,
                                        confirm_shrink=confirmed, shrink_share=conf.shrink_share,
                                        bounds=conf.bounds)
    except uploads.UploadRefused as exc:
        audit.record("publish_failed", actor=viewer.user, role=viewer.role, upload=str(staged_id)[:40],
                     reason=str(exc))
        raise Refused(str(exc), retry=isinstance(exc, uploads.ConfirmationNeeded)) from exc
    return _outcome(result, viewer, "publish", upload=staged_id, confirmed=confirmed)


def rollback(viewer: Viewer, version_id: str | None, *, confirmed: bool) -> Published | None:
    """Publish an earlier version again, for everyone; None when no version was chosen. Raises Refused."""
    _allowed(viewer)
    if not version_id:
        return None
    if not confirmed:
        raise Refused("Tick the box to confirm: everyone will see that version's data.", "incomplete")
    conf = settings.get()
    try:
        result = versions.rollback(conf.sources_store, version_id, db_path=conf.db_path, actor=viewer.user,
                                   bounds=conf.bounds)
    except (versions.VersionRefused, uploads.BuildBusy) as exc:
        audit.record("rollback_failed", actor=viewer.user, role=viewer.role, version=str(version_id)[:40],
                     reason=str(exc))
        raise Refused(str(exc)) from exc
    return _outcome(result, viewer, "rollback", version=version_id)


def _outcome(result, viewer: Viewer, event: str, **details) -> Published:
    if not result.ok:
        audit.record(f"{event}_failed", actor=viewer.user, role=viewer.role, errors=len(result.errors), **details)
        return Published(ok=False)
    cache.clear()  # every kept answer belongs to the data just replaced
    audit.record(event, actor=viewer.user, role=viewer.role, **details)
    return Published(ok=True, seconds=result.seconds, as_of=result.as_of)


def _decode(data_url: object) -> bytes:
    if not isinstance(data_url, str) or "," not in data_url:
        raise uploads.UploadRefused("a file arrived without its contents")
    try:
        return base64.b64decode(data_url.split(",", 1)[1], validate=True)
    except (binascii.Error, ValueError) as exc:
        raise uploads.UploadRefused("a file arrived damaged (not base64)") from exc

"""Every setting of the dashboard, read once from environment variables with defaults.

Nothing else in the app reads `os.environ`: import `get()` and read the field you need.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from data_pipeline import bounds
from data_pipeline.contract import SHRINK_SHARE

REPO_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    """The dashboard's configuration: where the database is, how results are cached, how the server runs,
    who may sign in and what is shown to whom."""

    db_path: Path
    cache_dir: Path | None
    cache_seconds: int
    demo: bool
    host: str
    port: int
    debug: bool
    secret_key: str | None  # signs session cookies; required outside demo mode
    users_path: Path  # the local user store (SQLite, hashed passwords)
    audit_path: Path  # append-only JSON lines: sign-ins, uploads, publishes
    source_dir: Path  # the source files the published database is built from
    sources_store: Path  # where uploaded source sets are kept, one folder per upload
    public: bool  # serve the public impact page to visitors who are not signed in
    suppress_below: int  # donor and public views show counts below this as "<N"
    cookie_secure: bool  # session cookie only over HTTPS
    session_hours: int
    upload_max_mb: int
    shrink_share: float  # a publish losing more than this share of a table's rows needs a confirmation
    # The money checks' bounds per table and column: data_pipeline/bounds.toml, with the file SCN_BOUNDS names
    # (only the bounds it changes) over it; read and checked here, so a bad file stops the app and the CLI.
    bounds: bounds.Bounds
    trusted_email_header: str | None  # set when an identity-aware proxy (OIDC) signs people in
    proxy_hops: int  # reverse proxies in front that set X-Forwarded-For (sign-in limits count the client's address)
    # The app's own state (saved views, notes on the numbers, pack sets, subscriptions, the delivery ledger): SQLite,
    # outside the analytics database, so a rebuild never touches it.
    state_path: Path
    # Scheduled delivery of packs by e-mail (dashboards/reports/delivery.py)
    smtp_host: str | None  # no host: the sender refuses to run, saying which setting to give
    smtp_port: int
    smtp_security: str  # "starttls", "ssl" or "none" (a local relay only)
    smtp_user: str | None
    smtp_password: str | None
    mail_from: str
    alert_emails: tuple[str, ...]  # told when a send keeps failing or a build failed; default: the administrators
    delivery_max_attempts: int  # failed sends of one pack before the administrators are told
    delivery_backoff_minutes: int  # the first retry's wait; each later one waits twice as long
    app_url: str  # the dashboard's address, for links in e-mails
    chromium_path: Path  # the browser that draws charts for the pack (kaleido)

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
    demo = _flag(env.get("SCN_DEMO"))
    private = "data/build/demo" if demo else "data/private"
    return Settings(
        db_path=_path(env.get("SCN_DB"), "data/build/scn.duckdb"),
        cache_dir=_path(cache_dir, cache_dir) if cache_dir else None,
        cache_seconds=int(env.get("SCN_CACHE_SECONDS", "3600")),
        demo=demo,
        host=env.get("SCN_HOST", "127.0.0.1"),
        port=int(env.get("SCN_PORT", "8050")),
        debug=_flag(env.get("SCN_DEBUG")),
        secret_key=env.get("SCN_SECRET_KEY") or None,
        users_path=_path(env.get("SCN_USERS"), f"{private}/users.sqlite"),
        audit_path=_path(env.get("SCN_AUDIT_LOG"), f"{private}/audit.jsonl"),
        source_dir=_path(env.get("SCN_SOURCE"), "data/sample"),
        sources_store=_path(env.get("SCN_SOURCES_STORE"), f"{private}/sources"),
        public=_flag(env.get("SCN_PUBLIC")),
        suppress_below=int(env.get("SCN_SUPPRESS_BELOW", "5")),
        cookie_secure=_flag(env.get("SCN_COOKIE_SECURE", "0" if demo else "1")),
        session_hours=int(env.get("SCN_SESSION_HOURS", "8")),
        upload_max_mb=int(env.get("SCN_UPLOAD_MAX_MB", "50")),
        shrink_share=float(env.get("SCN_CONFIRM_SHRINK_OVER", str(SHRINK_SHARE))),
        bounds=bounds.read(_path(env["SCN_BOUNDS"], "") if env.get("SCN_BOUNDS") else None),
        trusted_email_header=env.get("SCN_TRUSTED_EMAIL_HEADER") or None,
        proxy_hops=int(env.get("SCN_PROXY_HOPS", "0")),
        state_path=_path(env.get("SCN_STATE"), f"{private}/state.sqlite"),
        smtp_host=env.get("SCN_SMTP_HOST") or None,
        smtp_port=int(env.get("SCN_SMTP_PORT", "587")),
        smtp_security=(env.get("SCN_SMTP_SECURITY") or "starttls").strip().lower(),
        smtp_user=env.get("SCN_SMTP_USER") or None,
        smtp_password=env.get("SCN_SMTP_PASSWORD") or None,
        mail_from=env.get("SCN_MAIL_FROM", "SCN Impact Dashboard <dashboard@localhost>"),
        alert_emails=tuple(e.strip().lower() for e in (env.get("SCN_ALERT_EMAILS") or "").split(",") if e.strip()),
        delivery_max_attempts=int(env.get("SCN_DELIVERY_MAX_ATTEMPTS", "4")),
        delivery_backoff_minutes=int(env.get("SCN_DELIVERY_BACKOFF_MINUTES", "15")),
        # the address the app itself listens on (SCN_HOST, local by default), built from its parts: no address
        # off this machine is written in the code (tests/dashboards/serving/test_offline_assets.py)
        app_url=(env.get("SCN_APP_URL") or "{}://{}:{}".format("http", env.get("SCN_HOST", "127.0.0.1"),
                                                              env.get("SCN_PORT", "8050")))
        .rstrip("/"),
        chromium_path=_path(env.get("SCN_CHROMIUM"), "/usr/bin/chromium"),
    )

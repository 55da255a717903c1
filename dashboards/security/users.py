"""The local user store: who may sign in, with which role, hashed passwords. Its command line is tools/users.py
(`python -m tools.users`, or `python -m dashboards.users` as the README documents).

A SQLite file (settings.users_path, outside the analytics database: it holds no analytics data and the
analytics store holds no people). Passwords are hashed with Argon2id (argon2-cffi); the plain text is never
stored or logged.

Sessions live here too: a sign-in stores a random token's hash with an absolute expiry, and the session cookie
carries the token. Signing out deletes that session; changing a password, removing or re-adding a person
deletes all of theirs, so no cookie copied before works after (and a re-created account shares nothing with
the old one).

Wrong passwords are counted per e-mail (whether or not such an account exists, so a locked answer says
nothing about who has an account) and per address. An attempt takes a slot before its password is checked, in one
write transaction, and no more attempts are checked at once than the wrong passwords still allowed: twenty sent
at once are checked five at a time, so the fifth wrong one locks the e-mail before a sixth is tried (attempts
beyond wait for a slot, up to `SLOT_WAIT_S`). After `MAX_FAILURES` the e-mail is locked for `LOCK_MINUTES`, after
`MAX_ADDRESS_FAILURES` the address is. The counts live in the file, so every server worker sees them.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import os
import re
import secrets
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from dashboards import settings
from dashboards.security import access
from data_pipeline.contract import REGIONS

MAX_FAILURES = 5
MAX_ADDRESS_FAILURES = 20  # wrong passwords from one address (any e-mails) before it is refused for LOCK_MINUTES
LOCK_MINUTES = 15
MIN_PASSWORD = 12
SIGN_IN_ROLES = tuple(r for r in access.ROLES if r != "public")  # the public role is for visitors, not accounts
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_hasher = PasswordHasher()
# Verified when the e-mail is unknown, so a wrong address takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash("not a real password")

_SCHEMA = """
create table if not exists users (
    email text primary key,
    password_hash text not null,
    role text not null,
    regions text not null default '',
    donor_id text,
    display_name text,
    active integer not null default 1,
    session_version integer not null default 1,
    failures integer not null default 0,
    locked_until text,
    created_at text not null,
    last_sign_in text,
    language text  -- the language the person reads the app in (en, fr, ar); null: their browser's
);
create table if not exists sessions (
    token_hash text primary key,
    email text not null,
    created_at text not null,
    expires_at text not null
);
create index if not exists sessions_by_email on sessions (email);
create table if not exists throttle (
    key text primary key,  -- "email:<address>" or "address:<ip>"
    failures integer not null default 0,  -- wrong passwords since the last lock or right one
    pending integer not null default 0,  -- attempts being checked right now
    pending_at text,  -- when the last of those began (a worker killed mid-check frees its slot after a while)
    locked_until text
)"""


class UserError(ValueError):
    """A user cannot be added or changed as asked; the message says why."""


@dataclass(frozen=True)
class User:
    """A person who may sign in (never carries the password hash out of this module)."""

    email: str
    role: str
    regions: tuple[str, ...]
    donor_id: str | None
    display_name: str | None
    session_version: int
    language: str | None = None  # preferred language (dashboards/i18n/negotiate.py), None: the browser's

    def viewer(self, donor_name: str | None = None) -> access.Viewer:
        return access.Viewer(self.email, self.role, regions=self.regions, donor_id=self.donor_id,
                             donor_name=donor_name)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


@contextmanager
def _db(path: Path | None = None) -> Iterator[sqlite3.Connection]:
    path = path or settings.get().users_path
    path.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(path, timeout=10)
    con.row_factory = sqlite3.Row
    try:
        st = os.stat(path)
        _ensure_schema(str(path), st.st_ino, st.st_ctime_ns)
        with con:
            yield con
    finally:
        con.close()


@functools.lru_cache(maxsize=32)
def _ensure_schema(path: str, inode: int, changed_ns: int) -> None:
    """Create the table once per file version (path, inode, change time: a replaced or rewritten file gets it
    again), not on every request's session lookup."""
    con = sqlite3.connect(path, timeout=10)
    try:
        with con:
            con.executescript(_SCHEMA)
            # stores made before the preferred language was kept: add its column (empty: the browser's language)
            if "language" not in {row[1] for row in con.execute("pragma table_info(users)")}:
                con.execute("alter table users add column language text")
    finally:
        con.close()


def _user(row: sqlite3.Row) -> User:
    regions = tuple(r for r in row["regions"].split("|") if r)
    return User(row["email"], row["role"], regions, row["donor_id"], row["display_name"], row["session_version"],
                row["language"])


def _language(language: str | None) -> str | None:
    """`language` as the app's code ("fr-CA" -> "fr"), None for none; a UserError for one the app does not speak."""
    from dashboards import i18n

    if language is None or language == "":
        return None
    if not (spoken := i18n.supported(language)):
        raise UserError(f"language {language!r} is not one of {', '.join(i18n.LANGUAGES)}")
    return spoken


def _check(email: str, role: str, regions: tuple[str, ...], donor_id: str | None, password: str | None) -> None:
    if not _EMAIL.match(email):
        raise UserError(f"{email!r} is not an e-mail address")
    if role not in SIGN_IN_ROLES:
        raise UserError(f"role {role!r} is not one of {', '.join(SIGN_IN_ROLES)}")
    unknown = [r for r in regions if r not in REGIONS]
    if unknown:
        raise UserError(f"unknown region {unknown[0]!r}; regions are: {', '.join(REGIONS)}")
    if role == "hub_lead" and not regions:
        raise UserError("a hub lead needs --region (the hub they lead)")
    if role != "hub_lead" and regions:
        raise UserError("only hub leads are limited to regions")
    if role == "donor" and not donor_id:
        raise UserError("a donor account needs --donor (the donor id, e.g. DON-01)")
    if role != "donor" and donor_id:
        raise UserError("only donor accounts are tied to a donor")
    if password is not None and len(password) < MIN_PASSWORD:
        raise UserError(f"the password must have at least {MIN_PASSWORD} characters")


def add(email: str, password: str, role: str, *, regions: tuple[str, ...] = (), donor_id: str | None = None,
        display_name: str | None = None, path: Path | None = None, replace: bool = False,
        language: str | None = None) -> User:
    """Add a user (or, with `replace`, overwrite one), checking the role's requirements."""
    email = email.strip().lower()
    _check(email, role, tuple(regions), donor_id, password)
    language = _language(language)
    with _db(path) as con:
        exists = con.execute("select session_version from users where email = ?", (email,)).fetchone()
        if exists and not replace:
            raise UserError(f"{email} already exists (remove it first, or change its password)")
        con.execute("delete from users where email = ?", (email,))
        con.execute("delete from sessions where email = ?", (email,))
        con.execute(
            "insert into users (email, password_hash, role, regions, donor_id, display_name, session_version,"
            " created_at, language) values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (email, _hasher.hash(password), role, "|".join(regions), donor_id, display_name,
             (exists["session_version"] + 1) if exists else 1, _now().isoformat(), language))
    return get(email, path=path)


def get(email: str, *, path: Path | None = None) -> User | None:
    """The active user with this e-mail, or None."""
    with _db(path) as con:
        row = con.execute("select * from users where email = ? and active = 1", (email.strip().lower(),)).fetchone()
    return _user(row) if row else None


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(email: str, hours: int, *, path: Path | None = None) -> str:
    """A new session of `email` ending `hours` from now, however much it is used: the token for the cookie."""
    token = secrets.token_urlsafe(32)
    now = _now()
    with _db(path) as con:
        con.execute("delete from sessions where expires_at <= ?", (now.isoformat(),))
        con.execute("insert into sessions (token_hash, email, created_at, expires_at) values (?, ?, ?, ?)",
                    (_digest(token), email, now.isoformat(), (now + dt.timedelta(hours=hours)).isoformat()))
    return token


def from_session(token: str, *, path: Path | None = None) -> User | None:
    """The user of a session token, while the session lasts and neither it nor the account has been ended."""
    if not token or len(token) > 100:
        return None
    with _db(path) as con:
        row = con.execute("select u.* from sessions s join users u on u.email = s.email and u.active = 1 "
                          "where s.token_hash = ? and s.expires_at > ?",
                          (_digest(token), _now().isoformat())).fetchone()
    return _user(row) if row else None


def set_language(email: str, language: str | None, *, path: Path | None = None) -> None:
    """Keep `email`'s preferred language (None or "": none, the browser's decides); UserError for an unknown
    person or a language the app does not speak."""
    language = _language(language)
    with _db(path) as con:
        changed = con.execute("update users set language = ? where email = ?",
                              (language, email.strip().lower())).rowcount
    if not changed:
        raise UserError(f"no user {email}")


def end_session(token: str, *, path: Path | None = None) -> None:
    with _db(path) as con:
        con.execute("delete from sessions where token_hash = ?", (_digest(token or ""),))


def list_users(*, path: Path | None = None) -> list[dict]:
    with _db(path) as con:
        rows = con.execute("select u.email, role, regions, donor_id, active, t.failures, t.locked_until, created_at,"
                           " last_sign_in, language from users u left join throttle t on t.key = 'email:' || u.email"
                           " order by u.email").fetchall()
    return [dict(r) for r in rows]


def remove(email: str, *, path: Path | None = None) -> bool:
    """Remove a person and end all their sessions."""
    email = email.strip().lower()
    with _db(path) as con:
        con.execute("delete from sessions where email = ?", (email,))
        return con.execute("delete from users where email = ?", (email,)).rowcount > 0


def set_password(email: str, password: str, *, path: Path | None = None) -> None:
    """Change a password, unlock the account and sign out its sessions."""
    if len(password) < MIN_PASSWORD:
        raise UserError(f"the password must have at least {MIN_PASSWORD} characters")
    with _db(path) as con:
        changed = con.execute(
            "update users set password_hash = ?, session_version = session_version + 1 where email = ?",
            (_hasher.hash(password), email.strip().lower())).rowcount
        con.execute("delete from sessions where email = ?", (email.strip().lower(),))
        con.execute("delete from throttle where key = ?", ("email:" + email.strip().lower(),))
    if not changed:
        raise UserError(f"no user {email}")


def unlock(email: str, *, path: Path | None = None) -> None:
    with _db(path) as con:
        con.execute("delete from throttle where key = ?", ("email:" + email.strip().lower(),))


@dataclass(frozen=True)
class SignIn:
    """The outcome of a sign-in attempt: the user, or why not (never says whether the e-mail exists)."""

    user: User | None
    locked: bool = False  # too many wrong passwords for this e-mail (known or not)
    throttled: bool = False  # too many wrong passwords from this address


SLOT_WAIT_S = 20.0  # how long an attempt waits for a free slot (others being checked) before it is refused
_STALE_S = 60  # a slot older than this was left by a worker that died mid-check


def _throttle(con: sqlite3.Connection, key: str, now: dt.datetime) -> sqlite3.Row | None:
    row = con.execute("select * from throttle where key = ?", (key,)).fetchone()
    if row and row["pending"] and row["pending_at"] and \
            dt.datetime.fromisoformat(row["pending_at"]) < now - dt.timedelta(seconds=_STALE_S):
        con.execute("update throttle set pending = 0 where key = ?", (key,))
        row = con.execute("select * from throttle where key = ?", (key,)).fetchone()
    return row


def _take_slot(con: sqlite3.Connection, key: str, limit: int, now: dt.datetime) -> str:
    """"locked", "wait" (every slot is taken by attempts being checked), or "ok" (a slot is taken)."""
    row = _throttle(con, key, now)
    if row and row["locked_until"] and dt.datetime.fromisoformat(row["locked_until"]) > now:
        return "locked"
    failures = row["failures"] if row and not row["locked_until"] else 0
    pending = row["pending"] if row else 0
    if failures + pending >= limit:
        return "wait"
    con.execute("insert into throttle (key, failures, pending, pending_at, locked_until) values (?, ?, 1, ?, null) "
                "on conflict (key) do update set failures = excluded.failures, pending = pending + 1, "
                "pending_at = excluded.pending_at, locked_until = null", (key, failures, now.isoformat()))
    return "ok"


def _settle(con: sqlite3.Connection, key: str, limit: int, wrong: bool, now: dt.datetime) -> None:
    """Free the slot of a checked attempt; count it if the password was wrong (locking at `limit`)."""
    row = _throttle(con, key, now)
    if row is None:
        return
    failures = row["failures"] + 1 if wrong else (row["failures"] if key.startswith("address:") else 0)
    locked = (now + dt.timedelta(minutes=LOCK_MINUTES)).isoformat() if failures >= limit else None
    con.execute("update throttle set pending = max(pending - 1, 0), failures = ?, locked_until = ? where key = ?",
                (0 if locked else failures, locked, key))


@contextmanager
def _write(path: Path) -> Iterator[sqlite3.Connection]:
    """One write transaction on the user store, taken at once (BEGIN IMMEDIATE): one at a time across workers."""
    con = sqlite3.connect(path, timeout=10, isolation_level=None)
    con.row_factory = sqlite3.Row
    try:
        con.execute("begin immediate")
        yield con
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    finally:
        con.close()


def verify(email: str, password: str, *, address: str | None = None, path: Path | None = None) -> SignIn:
    """Check an e-mail and password, each attempt holding a slot of the e-mail's and the address's allowance."""
    email = (email or "").strip().lower()
    path = path or settings.get().users_path
    with _db(path):  # the schema exists
        pass
    keys = [(f"email:{email}", MAX_FAILURES)] + ([(f"address:{address}", MAX_ADDRESS_FAILURES)] if address else [])
    deadline = time.monotonic() + SLOT_WAIT_S
    while True:
        now = _now()
        with _write(path) as con:
            states = {key: _take_slot(con, key, limit, now) for key, limit in keys}
            if any(state != "ok" for state in states.values()):  # give back what was taken: all or nothing
                for key, _ in keys:
                    if states[key] == "ok":
                        con.execute("update throttle set pending = max(pending - 1, 0) where key = ?", (key,))
        if all(state == "ok" for state in states.values()):
            break
        if "locked" in states.values() or time.monotonic() > deadline:
            return SignIn(None, locked=states[keys[0][0]] != "ok",
                          throttled=len(keys) > 1 and states[keys[1][0]] != "ok")
        time.sleep(0.05)
    row, right = None, False
    try:
        with _db(path) as con:
            row = con.execute("select * from users where email = ? and active = 1", (email,)).fetchone()
        right = _verify_hash(row["password_hash"] if row else _DUMMY_HASH, password) and row is not None
    finally:
        with _write(path) as con:
            for key, limit in keys:
                _settle(con, key, limit, not (row is not None and right), _now())
    if not right:
        return SignIn(None)
    with _db(path) as con:
        if _hasher.check_needs_rehash(row["password_hash"]):
            con.execute("update users set password_hash = ? where email = ?", (_hasher.hash(password), email))
        con.execute("update users set last_sign_in = ? where email = ?", (_now().isoformat(), email))
    return SignIn(_user(row))


def _verify_hash(hashed: str, password: str) -> bool:
    try:
        return _hasher.verify(hashed, password or "")
    except (VerificationError, InvalidHashError):
        return False


# --- demo accounts ----------------------------------------------------------------------------------------------

# One account per role for `make run` on the bundled demo data. Listed on the login page in demo mode only;
# the app refuses to create them outside demo mode.
DEMO_PASSWORD = "demo-password-not-secret"
DEMO_ACCOUNTS = (
    ("admin@demo.scn", "admin", (), None, "Demo administrator"),
    ("manager@demo.scn", "programme_manager", (), None, "Demo programme manager"),
    ("steering@demo.scn", "steering_committee", (), None, "Demo steering committee member"),
    ("hub@demo.scn", "hub_lead", ("MENA",), None, "Demo MENA hub lead"),
    ("donor@demo.scn", "donor", (), "DON-01", "Demo donor"),
)


def ensure_demo_accounts(*, path: Path | None = None) -> None:
    """Create (or reset) the demo accounts. Only ever called in demo mode."""
    if not settings.get().demo:
        raise RuntimeError("demo accounts exist only in demo mode (SCN_DEMO=1)")
    for email, role, regions, donor, name in DEMO_ACCOUNTS:
        user = get(email, path=path)
        if user is None or user.role != role or user.regions != regions or user.donor_id != donor:
            add(email, DEMO_PASSWORD, role, regions=regions, donor_id=donor, display_name=name, path=path,
                replace=True)


# --- command line -----------------------------------------------------------------------------------------------

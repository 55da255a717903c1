"""Scheduled delivery of packs by e-mail: subscriptions, the ledger of what was sent, and the sender.

An administrator subscribes people, by role (everyone of it, or named people of it), to a pack set
(dashboards/reports/pack.py) with a cadence and a language:
- "monthly": the month just ended, as a custom range; "quarterly": the quarter just ended. Only periods that end
  after the subscription was made are sent, and only the latest one due (a sender that did not run for three
  months sends the last month, not three);
- "publish": the pack as saved, once for each database version published after the subscription was made (the
  sources store's CURRENT, data_pipeline/versions.py; the build time where there is none).

`run_due` (the command `python -m dashboards.deliver --due`, from cron or a systemd timer) sends what is due:
- never while the latest build failed (its report beside the database says so: queries.quality.failed_attempt)
  or there is no database: nothing is sent, the administrators are told once per failed build;
- each recipient's pack is made as that recipient (their role, regions or donor: a donor's pack is suppressed
  exactly like their page), once per kind of viewer and printed for each person;
- the ledger keys every send by (subscription, period, recipient): a second run sends nothing twice;
- a failed send is retried on later runs after 15, 30, 60... minutes (settings.delivery_backoff_minutes, doubling);
  after settings.delivery_max_attempts failures it is given up and the administrators are told (and the audit log);
- one run at a time (a lock beside the state file): a second one started meanwhile does nothing.

The e-mail itself (the pack printed for its recipient, its words, the SMTP sender) is mail.py's. It goes through
SMTP with the settings module's host, port, STARTTLS or SSL, and login. A send is recorded right after the server
accepted it: a crash in between (rare) sends that one again next run, never loses it.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import smtplib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from dashboards import settings
from dashboards.filters import period_bounds, period_name, quarter_name, quarter_start
from dashboards.queries import db
from dashboards.reports import charts, mail
from dashboards.reports import pack as packs
from dashboards.reports.mail import DeliveryError, Sender
from dashboards.security import access, audit, users
from dashboards.security.access import Viewer
from dashboards.state import store as appstate

CADENCES = ("monthly", "quarterly", "publish")
SEND_ROLES = tuple(r for r in access.ROLES if r != "public")

TEXT = {
    "admin_only": "only administrators subscribe people to packs",
    "role": "role {role!r} is not one of {roles}",
    "cadence": "cadence {cadence!r} is not one of {cadences}",
    "not_of_role": "{email} is not an active {role} account",
    "closed": "the {role} role may not open {charts}, which the pack set {name!r} holds",
    "no_subscription": "there is no subscription {id}",
}

SCHEMA = """
create table if not exists subscriptions (
    id integer primary key,
    pack_set integer not null,
    role text not null,
    emails text not null default '',  -- '|'-separated; empty: everyone of the role
    cadence text not null check (cadence in ('monthly', 'quarterly', 'publish')),
    lang text not null default 'en',
    since text not null,  -- when it was made: earlier periods are not sent
    baseline text,  -- "publish": the version published when it was made (only later ones are sent)
    created_by text not null,
    active integer not null default 1
);
create table if not exists deliveries (
    subscription_id integer not null,
    period text not null,  -- "2026-10", "2026-Q3", "publish:<version>"
    recipient text not null,
    status text not null check (status in ('sent', 'failed', 'gave_up')),
    attempts integer not null default 0,
    next_attempt_at text,
    last_error text,
    sent_at text,
    updated_at text not null,
    primary key (subscription_id, period, recipient)
);
create table if not exists delivery_alerts (
    key text primary key,
    sent_at text not null
)
"""


@dataclass(frozen=True)
class Subscription:
    """Who (a role) receives which pack set, how often, in which language."""

    id: int
    pack_set: int
    role: str
    emails: tuple[str, ...]
    cadence: str
    lang: str
    since: dt.datetime
    baseline: str | None
    created_by: str
    active: bool


@dataclass(frozen=True)
class Due:
    """One period of a subscription to send: its ledger key, its label, and the filters' period for it."""

    key: str
    label: str
    period: dict[str, str] | None  # None: the pack set's own filters ("publish")


@dataclass
class RunReport:
    """What a run did: sends made, failed (to retry), given up, skipped (already sent or backing off), held."""

    sent: list[tuple[int, str, str]] = field(default_factory=list)  # (subscription, period, recipient)
    failed: list[tuple[int, str, str, str]] = field(default_factory=list)  # ... and the error
    gave_up: list[tuple[int, str, str]] = field(default_factory=list)
    skipped: int = 0
    held: str | None = None  # why nothing was sent
    alerts: int = 0

    @property
    def ok(self) -> bool:
        return not self.failed and not self.gave_up and self.held is None


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _iso(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).replace(microsecond=0).isoformat()


def _subscription(row) -> Subscription:
    return Subscription(row["id"], row["pack_set"], row["role"], tuple(filter(None, row["emails"].split("|"))),
                        row["cadence"], row["lang"], dt.datetime.fromisoformat(row["since"]), row["baseline"],
                        row["created_by"], bool(row["active"]))


# --- subscriptions ---------------------------------------------------------------------------------------------


def published_version() -> str:
    """The published database's version: the sources store's CURRENT set, else the build's time."""
    from data_pipeline.versions import read_pointer

    current = read_pointer(settings.get().sources_store)
    if current:
        return current
    with db.acting_as(access.SYSTEM):
        built = db.frame("select built_at from meta_build")["built_at"].iloc[0]
    return f"built-{built}"


def subscribe(viewer: Viewer, pack_set: str | int, *, role: str, cadence: str, lang: str = "en",
              emails: tuple[str, ...] = (), now: dt.datetime | None = None, path: Path | None = None) -> Subscription:
    """Subscribe everyone of `role` (or the named `emails`, each an active account of that role) to a pack set."""
    if viewer.role != "admin":
        raise DeliveryError(TEXT["admin_only"])
    if role not in SEND_ROLES:
        raise DeliveryError(TEXT["role"].format(role=role, roles=", ".join(SEND_ROLES)))
    if cadence not in CADENCES:
        raise DeliveryError(TEXT["cadence"].format(cadence=cadence, cadences=", ".join(CADENCES)))
    lang = packs.check_lang(lang)
    chosen = packs.get_set(pack_set, path=path)
    closed = [i.chart for i in chosen.spec.items
              if not Viewer("check", role).may_open(charts.CHARTS[i.chart].page)]
    if closed:
        raise DeliveryError(TEXT["closed"].format(role=role, charts=", ".join(closed), name=chosen.name))
    emails = tuple(sorted({e.strip().lower() for e in emails if e.strip()}))
    for email in emails:
        user = users.get(email)
        if user is None or user.role != role:
            raise DeliveryError(TEXT["not_of_role"].format(email=email, role=role))
    baseline = published_version() if cadence == "publish" else None
    with appstate.transaction(SCHEMA, path=path) as con:
        sub_id = con.execute(
            "insert into subscriptions (pack_set, role, emails, cadence, lang, since, baseline, created_by) "
            "values (?, ?, ?, ?, ?, ?, ?, ?)",
            (chosen.id, role, "|".join(emails), cadence, lang, _iso(now or _now()), baseline, viewer.user)).lastrowid
        row = con.execute("select * from subscriptions where id = ?", (sub_id,)).fetchone()
    audit.record("subscription_added", actor=viewer.user, role=viewer.role, subscription=sub_id, pack=chosen.name,
                 to_role=role, cadence=cadence, lang=lang, people=len(emails) or "all")
    return _subscription(row)


def unsubscribe(viewer: Viewer, sub_id: int, *, path: Path | None = None) -> None:
    if viewer.role != "admin":
        raise DeliveryError(TEXT["admin_only"])
    with appstate.transaction(SCHEMA, path=path) as con:
        if not con.execute("update subscriptions set active = 0 where id = ? and active = 1", (sub_id,)).rowcount:
            raise DeliveryError(TEXT["no_subscription"].format(id=sub_id))
    audit.record("subscription_removed", actor=viewer.user, role=viewer.role, subscription=sub_id)


def subscriptions(*, path: Path | None = None) -> list[Subscription]:
    with appstate.transaction(SCHEMA, path=path, write=False) as con:
        return [_subscription(r) for r in con.execute("select * from subscriptions where active = 1 order by id")]


def ledger(*, limit: int = 200, path: Path | None = None) -> list[dict]:
    """The latest rows of the ledger, newest first."""
    with appstate.transaction(SCHEMA, path=path, write=False) as con:
        return [dict(r) for r in con.execute("select * from deliveries order by updated_at desc, subscription_id, "
                                             "recipient limit ?", (limit,))]


def retry(viewer: Viewer, sub_id: int, *, path: Path | None = None) -> int:
    """Try the given-up sends of a subscription again at the next run (after the cause is fixed)."""
    if viewer.role != "admin":
        raise DeliveryError(TEXT["admin_only"])
    with appstate.transaction(SCHEMA, path=path) as con:
        return con.execute("update deliveries set status = 'failed', attempts = 0, next_attempt_at = null "
                           "where subscription_id = ? and status = 'gave_up'", (sub_id,)).rowcount


# --- what is due ---------------------------------------------------------------------------------------------


def due(sub: Subscription, now: dt.datetime, published: str) -> Due | None:
    """The period of `sub` to send at `now`: the month or quarter just ended (if it ended after the subscription was
    made), or the published version (if it came after); None when nothing is due."""
    today = now.astimezone(dt.UTC).date()
    since = sub.since.astimezone(dt.UTC).date()
    if sub.cadence == "publish":
        if published == sub.baseline:
            return None
        return Due(f"publish:{published}", mail.TEXT["publish_period"].format(when=today.isoformat()), None)
    if sub.cadence == "monthly":
        start = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
        _, end = period_bounds(start, "month")
        if end < since:
            return None
        return Due(f"{start:%Y-%m}", period_name(start, "month"),
                   {"period": "custom", "from": start.isoformat(), "to": end.isoformat()})
    start = quarter_start(quarter_start(today) - dt.timedelta(days=1))
    _, end = period_bounds(start, "quarter")
    if end < since:
        return None
    return Due(quarter_name(start), period_name(start, "quarter"), {"period": quarter_name(start)})


def recipients(sub: Subscription) -> list[users.User]:
    """The active accounts a subscription goes to (its role's, or its named people while they still have it)."""
    found = []
    for row in users.list_users():
        if row["role"] != sub.role or not row["active"] or (sub.emails and row["email"] not in sub.emails):
            continue
        user = users.get(row["email"])
        if user is not None and user.role == sub.role:
            found.append(user)
    return found


# --- sending (the SMTP side, the messages and their words: mail.py) -----------------------------------

def _alert_once(con_path: Path | None, key: str, subject: str, body: str, send: Sender, report: RunReport) -> None:
    """Tell the administrators, once for `key` (a failed build, a given-up send)."""
    with appstate.transaction(SCHEMA, path=con_path) as con:
        if con.execute("select 1 from delivery_alerts where key = ?", (key,)).fetchone():
            return
    to = mail.administrators()
    if not to:
        return
    try:
        send(mail.message(", ".join(to), subject, body))
    except (smtplib.SMTPException, OSError) as exc:
        audit.record("delivery_alert", actor="deliver", about=key, delivered=False, error=str(exc)[:200])
        return
    with appstate.transaction(SCHEMA, path=con_path) as con:
        con.execute("insert or ignore into delivery_alerts (key, sent_at) values (?, ?)", (key, _iso(_now())))
    audit.record("delivery_alert", actor="deliver", about=key, delivered=True, people=len(to))
    report.alerts += 1


def _held(send: Sender, report: RunReport, path: Path | None) -> bool:
    """Whether sends are held: no database, or the latest build failed (the administrators told once per build)."""
    from dashboards.queries import quality

    try:
        db.database_version()
    except db.DatabaseMissing as exc:
        report.held = str(exc)
        return True
    failed = quality.failed_attempt()
    if failed is None:
        return False
    problems = failed["problems"].head(5)
    listed = "\n".join(f"  {r.file}:{r.line}:{r.column}: {r.message}" for r in problems.itertuples()) or "  (none)"
    key = f"build_failed:{failed.get('finished_at')}"  # one alert per failed build
    report.held = "the latest build failed"
    audit.record("delivery_held", actor="deliver", reason=report.held, report=str(settings.get().report_path))
    _alert_once(path, key, mail.TEXT["held_subject"],
                mail.TEXT["held_body"].format(report=settings.get().report_path, problems=listed), send, report)
    return True


@contextmanager
def _one_run(path: Path | None) -> Iterator[bool]:
    """Whether this run has the delivery lock (False: another run is sending)."""
    state = Path(path or settings.get().state_path)
    state.parent.mkdir(parents=True, exist_ok=True)
    with open(state.with_suffix(".deliver.lock"), "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def run_due(*, now: dt.datetime | None = None, send: Sender | None = None, path: Path | None = None) -> RunReport:
    """Send every pack that is due at `now` (default: the clock), through `send` (default: the SMTP settings)."""
    now = now or _now()
    send = send or mail.smtp_sender()
    report = RunReport()
    with _one_run(path) as mine:
        if not mine:
            report.held = "another delivery run is in progress"
            return report
        if _held(send, report, path):
            return report
        published = published_version()
        made: dict[tuple, packs.Pack] = {}
        for sub in subscriptions(path=path):
            period = due(sub, now, published)
            if period is None:
                continue
            try:
                chosen = packs.get_set(sub.pack_set, path=path)
            except packs.PackRefused:
                continue  # the set was removed: nothing to send
            spec = packs.for_period(chosen.spec, period.period) if period.period else chosen.spec
            for user in recipients(sub):
                _deliver(sub, chosen.name, spec, period, user, now, send, made, report, path)
    return report


def _state(path: Path | None, sub: Subscription, period: Due, email: str):
    with appstate.transaction(SCHEMA, path=path, write=False) as con:
        return con.execute("select * from deliveries where subscription_id = ? and period = ? and recipient = ?",
                           (sub.id, period.key, email)).fetchone()


def _deliver(sub: Subscription, name: str, spec: packs.Spec, period: Due, user: users.User, now: dt.datetime,
             send: Sender, made: dict, report: RunReport, path: Path | None) -> None:
    row = _state(path, sub, period, user.email)
    if row is not None and (row["status"] in ("sent", "gave_up")
                            or (row["next_attempt_at"] and dt.datetime.fromisoformat(row["next_attempt_at"]) > now)):
        report.skipped += 1
        return
    attempts = (row["attempts"] if row is not None else 0) + 1
    viewer = user.viewer()
    try:
        # A pack is gathered once per kind of viewer (what they may see decides every number) and printed for each.
        shape = (viewer.role, viewer.regions, viewer.donor_id, repr(spec), sub.lang)
        if shape not in made:
            made[shape] = packs.gather(viewer, spec, sub.lang)
        send(mail.pack_message(user, made[shape], name=name, period_key=period.key, period_label=period.label,
                               subscription=sub.id, cadence=sub.cadence, lang=sub.lang))
    except Exception as exc:  # a pack that cannot be made or sent is retried later; the error is kept to read
        _failed(sub, name, period, user.email, attempts, now, exc, send, report, path)
        return
    with appstate.transaction(SCHEMA, path=path) as con:
        con.execute("insert into deliveries (subscription_id, period, recipient, status, attempts, sent_at, updated_at)"
                    " values (?, ?, ?, 'sent', ?, ?, ?) on conflict (subscription_id, period, recipient) do update set"
                    " status = 'sent', attempts = excluded.attempts, sent_at = excluded.sent_at,"
                    " next_attempt_at = null, updated_at = excluded.updated_at",
                    (sub.id, period.key, user.email, attempts, _iso(now), _iso(_now())))
    audit.record("pack_sent", actor="deliver", subject=user.email, subscription=sub.id, period=period.key,
                 pack=name, attempts=attempts)
    report.sent.append((sub.id, period.key, user.email))


def _failed(sub: Subscription, name: str, period: Due, email: str, attempts: int, now: dt.datetime,
            exc: Exception, send: Sender, report: RunReport, path: Path | None) -> None:
    conf = settings.get()
    error = f"{type(exc).__name__}: {exc}"[:500]
    gave_up = attempts >= conf.delivery_max_attempts
    wait = dt.timedelta(minutes=conf.delivery_backoff_minutes * 2 ** (attempts - 1))
    with appstate.transaction(SCHEMA, path=path) as con:
        con.execute("insert into deliveries (subscription_id, period, recipient, status, attempts, next_attempt_at,"
                    " last_error, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?)"
                    " on conflict (subscription_id, period, recipient) do update set status = excluded.status,"
                    " attempts = excluded.attempts, next_attempt_at = excluded.next_attempt_at,"
                    " last_error = excluded.last_error, updated_at = excluded.updated_at",
                    (sub.id, period.key, email, "gave_up" if gave_up else "failed", attempts,
                     None if gave_up else _iso(now + wait), error, _iso(_now())))
    audit.record("pack_send_failed", actor="deliver", subject=email, subscription=sub.id, period=period.key,
                 attempts=attempts, gave_up=gave_up, error=error[:200])
    if gave_up:
        report.gave_up.append((sub.id, period.key, email))
        _alert_once(path, f"gave_up:{sub.id}:{period.key}:{email}:{_iso(now)}",
                    mail.TEXT["failing_subject"].format(name=name, email=email),
                    mail.TEXT["failing_body"].format(name=name, period=period.label, email=email, attempts=attempts,
                                                error=error, id=sub.id), send, report)
    else:
        report.failed.append((sub.id, period.key, email, error))

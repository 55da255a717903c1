"""E-mail for scheduled delivery (delivery.py): the SMTP sender the settings module describes, the messages' words,
a message with its PDF attached, the pack's e-mail as a recipient reads it, and who is told when delivery goes
wrong.

delivery.py decides what is due and to whom, and keeps the ledger; the message a subscriber receives is made here:
their pack printed for them, its subject and body in the subscription's language."""

from __future__ import annotations

import dataclasses
import datetime as dt
import smtplib
import ssl
from collections.abc import Callable
from email.message import EmailMessage
from email.utils import formataddr, make_msgid, parseaddr

from dashboards import formatting as fmt
from dashboards import settings
from dashboards.filters import period_name
from dashboards.i18n import N_, _, current_language, using
from dashboards.reports import pack as packs
from dashboards.reports import pack_pdf
from dashboards.security import access, users
from dashboards.security.access import Viewer

TEXT = {
    "no_smtp": "no SMTP server is set: give SCN_SMTP_HOST (and SCN_SMTP_PORT, SCN_SMTP_SECURITY, SCN_SMTP_USER, "
               "SCN_SMTP_PASSWORD, SCN_MAIL_FROM) in the dashboard's environment",
    "security": "SCN_SMTP_SECURITY is {value!r}; it is one of starttls, ssl or none",
    # what a recipient reads, in their subscription's language (pack_message translates it with _())
    "subject": N_("{name}: {period}"),
    "body": N_("Your scheduled pack \"{name}\" for {period} is attached ({pages} charts).\n\n"
               "Contents:\n{contents}\n\nData as of {as_of}, database built {built}.\n"
               "Open the dashboard: {url}\n\n"
               "You receive this as a {role} (subscription {id}, {cadence}). To stop receiving it, ask an "
               "administrator of the SCN Impact Dashboard.\n"),
    "publish_period": N_("data published {when}"),
    "held_subject": "SCN packs held: the latest build failed",
    "held_body": ("The latest build of the SCN Impact Dashboard's database failed, so no scheduled pack is sent "
                  "until a build succeeds (a pack made now would not match what the dashboard serves once the data "
                  "is fixed).\n\nBuild report: {report}\nFirst problems:\n{problems}\n\nPacks due are sent by the "
                  "first delivery run after a successful build.\n"),
    "failing_subject": "SCN pack not delivered: {name} to {email}",
    "failing_body": ("The scheduled pack \"{name}\" for {period} could not be sent to {email} after {attempts} "
                     "attempts; it will not be tried again.\n\nLast error: {error}\n\nCheck the SMTP settings and "
                     "the recipient, then run `python -m dashboards.deliver retry {id}` to try again.\n"),
}


CADENCE_WORDS = {"monthly": N_("monthly"), "quarterly": N_("quarterly"), "publish": N_("on each publish")}


class DeliveryError(RuntimeError):
    """Delivery cannot run or be set up as asked; the message says what to change."""



Sender = Callable[[EmailMessage], None]


def smtp_sender() -> Sender:
    """A function sending one message through the settings' SMTP server (STARTTLS, SSL or plain, login if set)."""
    conf = settings.get()
    if not conf.smtp_host:
        raise DeliveryError(TEXT["no_smtp"])
    if conf.smtp_security not in ("starttls", "ssl", "none"):
        raise DeliveryError(TEXT["security"].format(value=conf.smtp_security))

    def send(message: EmailMessage) -> None:
        context = ssl.create_default_context()
        if conf.smtp_security == "ssl":
            server = smtplib.SMTP_SSL(conf.smtp_host, conf.smtp_port, timeout=60, context=context)
        else:
            server = smtplib.SMTP(conf.smtp_host, conf.smtp_port, timeout=60)
        with server:
            if conf.smtp_security == "starttls":
                server.starttls(context=context)
            if conf.smtp_user:
                server.login(conf.smtp_user, conf.smtp_password or "")
            server.send_message(message)

    return send


def message(to: str, subject: str, body: str, attachment: tuple[str, bytes] | None = None) -> EmailMessage:
    message = EmailMessage()
    sender = settings.get().mail_from
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain=(parseaddr(sender)[1].rpartition("@")[2] or "localhost"))
    message.set_content(body)
    if attachment:
        message.add_attachment(attachment[1], maintype="application", subtype="pdf", filename=attachment[0])
    return message


def administrators() -> list[str]:
    """Who is told when delivery goes wrong: settings.alert_emails, else every active administrator."""
    return list(settings.get().alert_emails) or [u["email"] for u in users.list_users()
                                                 if u["role"] == "admin" and u["active"]]


def pack_message(user: users.User, pack: packs.Pack, *, name: str, period_key: str, period_label: str,
                 subscription: int, cadence: str, lang: str) -> EmailMessage:
    """The e-mail a subscriber receives: `pack` (gathered as someone who sees what `user` sees) printed for `user`
    as the attached PDF, its subject and body in `lang`, the subscription's language. `period_key` is the ledger's
    ("2026-10", "2026-Q3", "publish:<version>"), `period_label` its English name; `name` is the pack set's."""
    viewer = user.viewer()
    with using(lang):  # the recipient reads the pack and its e-mail in the subscription's language
        printed = dataclasses.replace(pack, prepared_for=_prepared_for(viewer))
        pdf = pack_pdf.render(printed)
        contents = "\n".join(f"- {c.drawn.title}" for c in printed.charts)
        label = _period_label(period_key, period_label)
        body = _(TEXT["body"]).format(
            name=name, period=label, pages=len(printed.charts), contents=contents, as_of=printed.as_of,
            built=_built(printed.built_at), url=settings.get().app_url,
            role=_(access.ROLES[viewer.role].label), id=subscription,
            cadence=_(CADENCE_WORDS[cadence]) if cadence in CADENCE_WORDS else cadence)
        subject = _(TEXT["subject"]).format(name=name, period=label)
    return message(formataddr(((user.display_name or ""), user.email)), subject, body,
                   (packs.filename(printed, period_key.removeprefix("publish:")), pdf))


def _prepared_for(viewer: Viewer) -> str:
    return f"{viewer.user} ({_(access.ROLES[viewer.role].label)})"


def _period_label(key: str, label: str) -> str:
    """The period an e-mail is about, in the current language: "Q3 2026" ("T3 2026"), "Oct 2026" ("oct. 2026")."""
    if current_language() == "en":
        return label
    if len(key) == 7 and key[4:6] == "-Q":
        return period_name(dt.date(int(key[:4]), 3 * int(key[6]) - 2, 1), "quarter")
    if len(key) == 7 and key[4] == "-":
        return period_name(dt.date(int(key[:4]), int(key[5:]), 1), "month")
    if key.startswith("publish:"):
        return _(TEXT["publish_period"]).format(when=label.rsplit(" ", 1)[-1])
    return label


def _built(when: dt.datetime) -> str:
    """When the database was built, as the e-mail says it ("30 Oct 2026 06:00"; "30 oct. 2026 06:00")."""
    return f"{when:%d %b %Y %H:%M}" if current_language() == "en" else f"{fmt.day(when.date())} {when:%H:%M}"

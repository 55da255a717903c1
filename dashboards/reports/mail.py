"""E-mail for scheduled delivery (delivery.py): the SMTP sender the settings module describes, the messages' words,
a message with its PDF attached, and who is told when delivery goes wrong."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Callable
from email.message import EmailMessage
from email.utils import make_msgid, parseaddr

from dashboards import settings
from dashboards.i18n import N_
from dashboards.security import users

TEXT = {
    "no_smtp": "no SMTP server is set: give SCN_SMTP_HOST (and SCN_SMTP_PORT, SCN_SMTP_SECURITY, SCN_SMTP_USER, "
               "SCN_SMTP_PASSWORD, SCN_MAIL_FROM) in the dashboard's environment",
    "security": "SCN_SMTP_SECURITY is {value!r}; it is one of starttls, ssl or none",
    # what a recipient reads, in their subscription's language (delivery.py translates it with _())
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

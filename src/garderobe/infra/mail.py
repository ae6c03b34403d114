"""Outgoing mail over SMTP with aiosmtplib: one message, text and HTML alternatives."""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid

import aiosmtplib

from garderobe.observability.metrics import MAILS
from garderobe.settings import Settings


@dataclass(frozen=True)
class OutgoingMail:
    to: str
    subject: str
    text: str
    html: str | None = None
    # Stable per logical mail (e.g. the outbox row id) so a resend is recognisable downstream.
    message_id: str | None = None


def build_message(mail: OutgoingMail, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Message-ID"] = mail.message_id or make_msgid(domain="garderobe.local")
    message.set_content(mail.text)
    if mail.html:
        message.add_alternative(mail.html, subtype="html")
    return message


async def send(settings: Settings, mail: OutgoingMail) -> None:
    if not settings.smtp_host:
        raise RuntimeError("SMTP_HOST is not configured")
    password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
    try:
        await aiosmtplib.send(
            build_message(mail, settings.mail_from),
            hostname=settings.smtp_host,
            port=settings.smtp_port,
            username=settings.smtp_username,
            password=password,
            use_tls=settings.smtp_tls_mode == "tls",
            start_tls=settings.smtp_tls_mode == "starttls",
            timeout=settings.smtp_timeout_seconds,
        )
    except Exception:
        MAILS.labels("failed").inc()
        raise
    MAILS.labels("sent").inc()


async def ping(settings: Settings) -> None:
    """Open an SMTP session and say NOOP: proves the server answers."""
    if not settings.smtp_host:
        raise RuntimeError("SMTP_HOST is not configured")
    client = aiosmtplib.SMTP(
        hostname=settings.smtp_host,
        port=settings.smtp_port,
        use_tls=settings.smtp_tls_mode == "tls",
        start_tls=False,
        timeout=settings.store_check_timeout_seconds,
    )
    async with client:
        await client.noop()

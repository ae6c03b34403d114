"""Mails rendered from templates (text + HTML) and sent through the outbox.

Domains call `queue_mail` inside their transaction; the worker renders and sends.
Templates live in `garderobe/templates/mail/<name>.{subject.txt,txt,html}`.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from sqlalchemy.ext.asyncio import AsyncSession

from garderobe.infra.mail import OutgoingMail
from garderobe.outbox import service as outbox

MAIL_TOPIC = "mail.send"


@lru_cache(maxsize=1)
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("garderobe", "templates/mail"),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )


def render(
    template: str, to: str, context: dict[str, Any], message_id: str | None = None
) -> OutgoingMail:
    env = _environment()
    subject = env.get_template(f"{template}.subject.txt").render(context).strip()
    text = env.get_template(f"{template}.txt").render(context)
    html = env.get_template(f"{template}.html").render(context)
    return OutgoingMail(to=to, subject=subject, text=text, html=html, message_id=message_id)


def queue_mail(session: AsyncSession, *, to: str, template: str, context: dict[str, Any]) -> None:
    """Send `template` to `to` once the caller's transaction commits (never before, never twice).

    The context must be JSON-serialisable and must never hold a password.
    """
    render(template, to, context)  # fail now, in the request, on a broken template or context
    outbox.add(session, MAIL_TOPIC, {"to": to, "template": template, "context": context})

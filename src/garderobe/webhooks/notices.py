"""What the admins are told about their webhooks: a subscription disabled for failing."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from garderobe import mailer
from garderobe.accounts import service as accounts
from garderobe.accounts.models import Role
from garderobe.webhooks.models import WebhookSubscription

MAX_ADMINS_MAILED = 100


async def mail_disabled(session: AsyncSession, subscription: WebhookSubscription) -> None:
    """A mail to every active admin, through the mail outbox of the caller's transaction."""
    admins, _ = await accounts.list_users(
        session, email=None, role=Role.ADMIN, active=True, cursor=None, limit=MAX_ADMINS_MAILED
    )
    failing_since = subscription.failing_since
    context = {
        "subscription_id": str(subscription.id),
        "url": subscription.url,
        "description": subscription.description,
        "failing_since": failing_since.isoformat(timespec="seconds") if failing_since else "",
    }
    for admin in admins:
        mailer.queue_mail(session, to=admin.email, template="webhook_disabled", context=context)

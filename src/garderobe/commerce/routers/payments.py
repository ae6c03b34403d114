"""/api/v1/payments/webhooks: asynchronous payment results from the provider."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Request
from pydantic import ValidationError

from garderobe.api.deps import DbSession, SettingsDep
from garderobe.commerce import lifecycle, payments
from garderobe.commerce.schemas import WebhookEvent
from garderobe.errors import InvalidInput

router = APIRouter(prefix="/api/v1", tags=["orders"])


@router.post(
    "/payments/webhooks/{provider}",
    tags=["orders"],
    summary="Asynchronous payment results; HMAC-SHA256 signed (X-Signature), idempotent per event",
)
async def payment_webhook(
    provider: str,
    request: Request,
    session: DbSession,
    settings: SettingsDep,
    x_signature: Annotated[str | None, Header()] = None,
) -> dict[str, Any]:
    raw = await request.body()
    payments.verify_signature(settings.payment_webhook_secret.get_secret_value(), raw, x_signature)
    try:
        event = WebhookEvent.model_validate_json(raw)
    except ValidationError as exc:
        raise InvalidInput("The webhook body is not a payment event.") from exc
    return await lifecycle.apply_webhook(session, provider, event)

"""/api/v1/admin/webhooks and /api/v1/admin/webhook-deliveries: subscriptions, their
deliveries and attempts, redelivery (admin)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response, status

from garderobe.accounts.apikeys.dependencies import WebhooksManager
from garderobe.api.deps import DbSession, SettingsDep
from garderobe.webhooks import delivery as sending
from garderobe.webhooks import service
from garderobe.webhooks.models import DeliveryStatus, WebhookDelivery
from garderobe.webhooks.schemas import (
    AttemptList,
    AttemptOut,
    DeliveryOut,
    DeliveryPage,
    SubscriptionCreated,
    SubscriptionIn,
    SubscriptionList,
    SubscriptionOut,
    SubscriptionPatch,
)

router = APIRouter(prefix="/api/v1/admin", tags=["webhooks"])

# Every route here takes `Manager`: who may manage webhooks.
Manager = WebhooksManager
ADMIN: dict[int | str, dict[str, Any]] = {
    401: {"description": "Problem: not logged in"},
    403: {"description": "Problem: admin role or the webhooks:manage scope needed"},
}
SUBSCRIPTION: dict[int | str, dict[str, Any]] = {
    **ADMIN,
    404: {"description": "Problem: no such subscription (`webhook-subscription-not-found`)"},
}
DELIVERY: dict[int | str, dict[str, Any]] = {
    **ADMIN,
    404: {"description": "Problem: no such delivery (`webhook-delivery-not-found`)"},
}
WRITE: dict[int | str, dict[str, Any]] = {
    422: {"description": "Problem: invalid body, or not HTTPS (`webhook-url-not-https`)"}
}


def _delivery_out(delivery: WebhookDelivery) -> DeliveryOut:
    return DeliveryOut.model_validate(
        {**delivery.__dict__, "webhook_id": sending.message_id(delivery.id)}
    )


@router.post(
    "/webhooks",
    status_code=status.HTTP_201_CREATED,
    response_model=SubscriptionCreated,
    responses={**ADMIN, **WRITE},
    summary="Subscribe a URL to events (admin); the signing secret is shown this once",
)
async def create_subscription(
    body: SubscriptionIn, _: Manager, session: DbSession, settings: SettingsDep
) -> SubscriptionCreated:
    subscription = await service.create_subscription(session, settings, body)
    return SubscriptionCreated.model_validate(subscription, from_attributes=True)


@router.get(
    "/webhooks",
    response_model=SubscriptionList,
    responses=ADMIN,
    summary="Every webhook subscription, newest first (admin)",
)
async def list_subscriptions(_: Manager, session: DbSession) -> SubscriptionList:
    rows = await service.list_subscriptions(session)
    return SubscriptionList(items=[SubscriptionOut.model_validate(row) for row in rows])


@router.get(
    "/webhooks/{subscription_id}",
    response_model=SubscriptionOut,
    responses=SUBSCRIPTION,
    summary="One webhook subscription (admin); its secret is never shown again",
)
async def get_subscription(
    subscription_id: uuid.UUID, _: Manager, session: DbSession
) -> SubscriptionOut:
    return SubscriptionOut.model_validate(await service.get_subscription(session, subscription_id))


@router.patch(
    "/webhooks/{subscription_id}",
    response_model=SubscriptionOut,
    responses={**SUBSCRIPTION, **WRITE},
    summary="Change a subscription (admin); `active: true` resumes a disabled one",
)
async def update_subscription(
    subscription_id: uuid.UUID,
    body: SubscriptionPatch,
    _: Manager,
    session: DbSession,
    settings: SettingsDep,
) -> SubscriptionOut:
    subscription = await service.update_subscription(session, settings, subscription_id, body)
    return SubscriptionOut.model_validate(subscription)


@router.delete(
    "/webhooks/{subscription_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=SUBSCRIPTION,
    summary="Delete a subscription with its deliveries (admin)",
)
async def delete_subscription(
    subscription_id: uuid.UUID, _: Manager, session: DbSession
) -> Response:
    await service.delete_subscription(session, subscription_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/webhooks/{subscription_id}/deliveries",
    response_model=DeliveryPage,
    responses=SUBSCRIPTION,
    summary="A subscription's deliveries, newest first, keyset paged (admin)",
)
async def subscription_deliveries(
    subscription_id: uuid.UUID,
    _: Manager,
    session: DbSession,
    status_: Annotated[DeliveryStatus | None, Query(alias="status")] = None,
    cursor: Annotated[str | None, Query(max_length=512)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> DeliveryPage:
    rows, next_cursor = await service.deliveries(session, subscription_id, status_, cursor, limit)
    return DeliveryPage(items=[_delivery_out(row) for row in rows], next_cursor=next_cursor)


@router.get(
    "/webhook-deliveries/{delivery_id}/attempts",
    response_model=AttemptList,
    responses=DELIVERY,
    summary="Every attempt of a delivery, oldest first: status code, latency, error (admin)",
)
async def delivery_attempts(delivery_id: uuid.UUID, _: Manager, session: DbSession) -> AttemptList:
    rows = await service.attempts(session, delivery_id)
    return AttemptList(items=[AttemptOut.model_validate(row) for row in rows])


@router.post(
    "/webhook-deliveries/{delivery_id}/redeliver",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=DeliveryOut,
    responses=DELIVERY,
    summary="Send a delivery again now, with the same webhook-id (admin)",
)
async def redeliver(delivery_id: uuid.UUID, _: Manager, session: DbSession) -> DeliveryOut:
    return _delivery_out(await service.redeliver(session, delivery_id))

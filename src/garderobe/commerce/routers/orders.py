"""/api/v1/orders: placing, reading, paying and cancelling orders; admins move them along."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Response, status

from garderobe.accounts.apikeys.dependencies import OrdersWriter
from garderobe.accounts.dependencies import ConfirmedUser, CurrentUser
from garderobe.api.deps import DbSession, SettingsDep
from garderobe.commerce import export, lifecycle, orders, presenters, repository
from garderobe.commerce.models import OrderStatus
from garderobe.commerce.schemas import CheckoutIn, OrderOut, OrderPage, PayIn, PaymentOut, StatusIn
from garderobe.errors import PreconditionRequired

router = APIRouter(prefix="/api/v1", tags=["orders"])
_OWN: dict[int | str, dict[str, Any]] = {404: {"description": "Problem: not your order"}}


@router.post(
    "/orders",
    status_code=status.HTTP_201_CREATED,
    response_model=OrderOut,
    summary="Order the cart (needs Idempotency-Key; retries return the same order)",
    responses={
        200: {"description": "The order this Idempotency-Key already made", "model": OrderOut},
        403: {"description": "Problem: email-not-confirmed"},
        409: {
            "description": "Problem: out of stock, item unavailable, cart empty; a code that "
            "does not apply (`discount-refused`) or ran out (`discount-unavailable`); no "
            "method serving the address (`shipping-unavailable`, "
            "`shipping-method-unavailable`)"
        },
        422: {"description": "Problem: the key was used with another body"},
        428: {"description": "Problem: Idempotency-Key header missing"},
        503: {"description": "Problem: the catalog is unreachable; nothing was ordered"},
    },
)
async def place_order(
    body: CheckoutIn,
    user: ConfirmedUser,
    session: DbSession,
    settings: SettingsDep,
    response: Response,
    idempotency_key: Annotated[str | None, Header(max_length=128)] = None,
) -> OrderOut:
    if not idempotency_key:
        raise PreconditionRequired("Send an Idempotency-Key header (e.g. a UUID) with orders.")
    order, created = await orders.checkout(
        session,
        settings,
        user,
        address_id=body.address_id,
        key=idempotency_key,
        # Without the defaults: an old client's body hashes as it did before pricing.
        body=body.model_dump(exclude_defaults=True),
        choices=orders.Choices(tuple(body.discount_codes), body.shipping_method_id),
    )
    if not created:
        response.status_code = status.HTTP_200_OK
    return await presenters.order_out(session, order)


@router.get("/orders", response_model=OrderPage, summary="The caller's orders, newest first")
async def my_orders(
    user: CurrentUser,
    session: DbSession,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> OrderPage:
    return await export.page(session, export.Filters(user_id=user.id), cursor, limit)


@router.get(
    "/orders/{order_id}",
    response_model=OrderOut,
    responses=_OWN,
    summary="One order (own, or any for admins)",
)
async def get_order(order_id: uuid.UUID, user: CurrentUser, session: DbSession) -> OrderOut:
    return await presenters.order_out(session, await repository.get_order(session, order_id, user))


@router.post(
    "/orders/{order_id}/pay",
    response_model=PaymentOut,
    responses={
        **_OWN,
        409: {"description": "Problem: not awaiting payment (`order_status`, `allowed`)"},
    },
    summary="Pay with the built-in test provider",
)
async def pay_order(
    order_id: uuid.UUID, body: PayIn, user: CurrentUser, session: DbSession
) -> PaymentOut:
    order = await repository.get_order(session, order_id, user, lock=True)
    order = await lifecycle.pay(session, order, body.card_number, actor=str(user.id))
    return PaymentOut(
        approved=order.status is OrderStatus.PAID, order=await presenters.order_out(session, order)
    )


@router.post(
    "/orders/{order_id}/cancel",
    response_model=OrderOut,
    responses={
        **_OWN,
        409: {"description": "Problem: already shipped or cancelled (`order_status`, `allowed`)"},
    },
    summary="Cancel an unshipped order: stock returns, a paid order is refunded",
)
async def cancel_order(order_id: uuid.UUID, user: CurrentUser, session: DbSession) -> OrderOut:
    order = await repository.get_order(session, order_id, user, lock=True)
    await lifecycle.transition(session, order, OrderStatus.CANCELLED, actor=str(user.id))
    return await presenters.order_out(session, order)


@router.patch(
    "/orders/{order_id}/status",
    response_model=OrderOut,
    responses={
        **_OWN,
        409: {"description": "Problem: transition not allowed (`order_status`, `allowed`)"},
    },
    summary="Move an order along its workflow (admin)",
)
async def set_status(
    order_id: uuid.UUID, body: StatusIn, caller: OrdersWriter, session: DbSession
) -> OrderOut:
    order = await repository.get_any_order(session, order_id, lock=True)
    await lifecycle.transition(session, order, body.status, actor=caller.actor, note=body.note)
    return await presenters.order_out(session, order)

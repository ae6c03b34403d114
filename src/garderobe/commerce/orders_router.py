"""/api/v1/orders, /api/v1/admin/orders, /api/v1/admin/stock, /api/v1/payments/webhooks."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Query, Request, Response, status
from fastapi.responses import StreamingResponse
from pydantic import ValidationError

from garderobe.accounts.dependencies import AdminUser, ConfirmedUser, CurrentUser
from garderobe.api.deps import DbSession, SettingsDep, StoresDep
from garderobe.catalog import service as catalog
from garderobe.commerce import export, lifecycle, orders, payments, stock, views
from garderobe.commerce.models import OrderStatus, Stock
from garderobe.commerce.schemas import (
    CheckoutIn,
    OrderOut,
    OrderPage,
    PayIn,
    PaymentOut,
    StatusIn,
    StockIn,
    StockOut,
    WebhookEvent,
)
from garderobe.errors import InvalidInput, PreconditionRequired

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
        409: {"description": "Problem: out of stock, item unavailable or cart empty"},
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
        body=body.model_dump(),
    )
    if not created:
        response.status_code = status.HTTP_200_OK
    return await views.order_out(session, order)


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
    return await views.order_out(session, await orders.get_order(session, order_id, user))


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
    order = await orders.get_order(session, order_id, user, lock=True)
    order = await lifecycle.pay(session, order, body.card_number, actor=str(user.id))
    return PaymentOut(
        approved=order.status is OrderStatus.PAID, order=await views.order_out(session, order)
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
    order = await orders.get_order(session, order_id, user, lock=True)
    await lifecycle.transition(session, order, OrderStatus.CANCELLED, actor=str(user.id))
    return await views.order_out(session, order)


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
    order_id: uuid.UUID, body: StatusIn, admin: AdminUser, session: DbSession
) -> OrderOut:
    order = await orders.get_order(session, order_id, admin, lock=True)
    await lifecycle.transition(session, order, body.status, actor=str(admin.id), note=body.note)
    return await views.order_out(session, order)


@router.get(
    "/admin/orders",
    response_model=OrderPage,
    summary="All orders (admin); format=ndjson|csv streams an export",
    responses={200: {"content": {"application/x-ndjson": {}, "text/csv": {}}}},
)
async def admin_orders(
    _: AdminUser,
    session: DbSession,
    stores: StoresDep,
    status_: Annotated[OrderStatus | None, Query(alias="status")] = None,
    user_id: uuid.UUID | None = None,
    placed_from: datetime | None = None,
    placed_to: datetime | None = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    format_: Annotated[Literal["json", "ndjson", "csv"], Query(alias="format")] = "json",
) -> OrderPage | StreamingResponse:
    filters = export.Filters(
        status=status_, user_id=user_id, placed_from=placed_from, placed_to=placed_to
    )
    if format_ == "json":
        return await export.page(session, filters, cursor, limit)
    return StreamingResponse(
        export.stream(stores.sessionmaker, filters, format_),
        media_type="application/x-ndjson" if format_ == "ndjson" else "text/csv",
        headers={"Content-Disposition": f'attachment; filename="orders.{format_}"'},
    )


@router.get("/admin/stock/{item_id}", response_model=StockOut, summary="An item's stock (admin)")
async def get_stock(item_id: str, _: AdminUser, session: DbSession) -> StockOut:
    row = await session.get(Stock, item_id)
    return StockOut(
        item_id=item_id, on_hand=row.on_hand if row else 0, reserved=row.reserved if row else 0
    )


@router.put(
    "/admin/stock/{item_id}", response_model=StockOut, summary="Set the units on hand (admin)"
)
async def put_stock(item_id: str, body: StockIn, _: AdminUser, session: DbSession) -> StockOut:
    await catalog.get_item(item_id)
    return StockOut.model_validate(await stock.set_on_hand(session, item_id, body.on_hand))


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

"""Orders and the outbox in the panel: read-only, changed only by actions that run the same
service code as the API (the order state machine with its stock, refund and mail effects)."""

from __future__ import annotations

import uuid

from sqladmin import ModelView, action
from sqladmin.flash import flash
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from garderobe.accounts.models import User
from garderobe.admin import audit
from garderobe.admin.auth import signed_in_admin, stores_of
from garderobe.commerce import lifecycle, repository
from garderobe.commerce.models import (
    Order,
    OrderEvent,
    OrderItem,
    OrderStatus,
    PaymentTransaction,
)
from garderobe.errors import DomainError
from garderobe.infra import jobs
from garderobe.outbox.models import OutboxMessage
from garderobe.outbox.service import PROCESS_JOB
from garderobe.uow import unit_of_work


def _selected(request: Request) -> list[str]:
    return [pk for pk in request.query_params.get("pks", "").split(",") if pk]


def _back(request: Request, identity: str, pks: list[str]) -> RedirectResponse:
    if len(pks) == 1:
        url = request.url_for("admin:details", identity=identity, pk=pks[0])
    else:
        url = request.url_for("admin:list", identity=identity)
    return RedirectResponse(url, status_code=302)


def _note(request: Request, text: str) -> None:
    flash(request, text, "danger", title="Refused")


async def move_order(
    request: Request, actor: User, order_id: uuid.UUID, wanted: OrderStatus
) -> None:
    """One order along its workflow, exactly as `PATCH /orders/{id}/status` does, plus the
    audit row, in one transaction."""
    async with unit_of_work(stores_of(request)) as session:
        order = await repository.get_order(session, order_id, actor, lock=True)
        before = order.status
        await lifecycle.transition(session, order, wanted, actor=str(actor.id), note="admin panel")
        audit.record(
            session,
            actor,
            action=f"status:{wanted.value}",
            target="order",
            target_id=str(order.id),
            before={"status": before},
            after={"status": order.status},
        )


class OrderAdmin(ModelView, model=Order):
    name_plural = "Orders"
    icon = "fa-solid fa-receipt"
    can_create = can_edit = can_delete = False
    column_list = [Order.number, Order.status, Order.total, Order.currency, Order.created_at]
    column_searchable_list = [Order.number]
    column_default_sort = [(Order.created_at, True)]

    async def _move(self, request: Request, wanted: OrderStatus) -> Response:
        actor = await signed_in_admin(request)
        pks = _selected(request)
        if actor is None:
            return RedirectResponse(request.url_for("admin:login"), status_code=302)
        for pk in pks:
            try:
                await move_order(request, actor, uuid.UUID(pk), wanted)
            except (DomainError, ValueError) as refused:
                _note(request, f"{pk}: {refused}")
        return _back(request, self.identity, pks)

    @action(name="ship", label="Mark shipped", confirmation_message="Mark as shipped?")
    async def ship(self, request: Request) -> Response:
        return await self._move(request, OrderStatus.SHIPPED)

    @action(name="deliver", label="Mark delivered", confirmation_message="Mark as delivered?")
    async def deliver(self, request: Request) -> Response:
        return await self._move(request, OrderStatus.DELIVERED)

    @action(name="cancel", label="Cancel", confirmation_message="Cancel (and refund if paid)?")
    async def cancel(self, request: Request) -> Response:
        return await self._move(request, OrderStatus.CANCELLED)


class OrderItemAdmin(ModelView, model=OrderItem):
    name_plural = "Order items"
    icon = "fa-solid fa-shirt"
    can_create = can_edit = can_delete = False
    column_list = [OrderItem.order_id, OrderItem.title, OrderItem.quantity, OrderItem.unit_price]
    column_searchable_list = [OrderItem.item_id, OrderItem.title]


class OrderEventAdmin(ModelView, model=OrderEvent):
    name_plural = "Order events"
    icon = "fa-solid fa-timeline"
    can_create = can_edit = can_delete = False
    column_list = [
        OrderEvent.created_at,
        OrderEvent.order_id,
        OrderEvent.from_status,
        OrderEvent.to_status,
        OrderEvent.actor,
    ]
    column_default_sort = [(OrderEvent.created_at, True)]


class TransactionAdmin(ModelView, model=PaymentTransaction):
    name_plural = "Payment transactions"
    icon = "fa-solid fa-credit-card"
    can_create = can_edit = can_delete = False
    column_list = [
        PaymentTransaction.created_at,
        PaymentTransaction.order_id,
        PaymentTransaction.kind,
        PaymentTransaction.status,
        PaymentTransaction.amount,
    ]


class OutboxAdmin(ModelView, model=OutboxMessage):
    name = "Outbox message"
    name_plural = "Outbox"
    icon = "fa-solid fa-envelope"
    can_create = can_edit = can_delete = False
    column_list = [
        OutboxMessage.created_at,
        OutboxMessage.topic,
        OutboxMessage.attempts,
        OutboxMessage.processed_at,
        OutboxMessage.last_error,
    ]
    column_default_sort = [(OutboxMessage.created_at, True)]

    @action(name="retry", label="Retry now", confirmation_message="Run these rows again now?")
    async def retry(self, request: Request) -> Response:
        actor = await signed_in_admin(request)
        pks = _selected(request)
        if actor is None:
            return RedirectResponse(request.url_for("admin:login"), status_code=302)
        stores = stores_of(request)
        async with unit_of_work(stores) as session:
            for pk in pks:
                audit.record(
                    session,
                    actor,
                    action="retry",
                    target="outbox",
                    target_id=pk,
                    before=None,
                    after=None,
                )
        # A fresh job id: the row's own job id may still hold the failed run's result, and
        # arq refuses to queue a job id it remembers. Processing a row twice is a no-op.
        for pk in pks:
            await jobs.enqueue(
                stores.queue, PROCESS_JOB, pk, job_id=f"outbox:{pk}:retry:{uuid.uuid4()}"
            )
        return _back(request, self.identity, pks)

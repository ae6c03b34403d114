"""The order status state machine: the one table of allowed transitions."""

from __future__ import annotations

from garderobe.commerce.models import OrderStatus
from garderobe.errors import Conflict

S = OrderStatus
TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    S.PENDING_PAYMENT: frozenset({S.PAID, S.CANCELLED}),
    S.PAID: frozenset({S.SHIPPED, S.CANCELLED}),
    S.SHIPPED: frozenset({S.DELIVERED}),
    S.DELIVERED: frozenset(),
    S.CANCELLED: frozenset(),
}


class InvalidTransition(Conflict):
    slug = "invalid-status-transition"
    title = "Status change not allowed"

    def __init__(self, current: OrderStatus, wanted: OrderStatus) -> None:
        allowed = sorted(TRANSITIONS[current])
        super().__init__(
            f"An order that is {current} cannot become {wanted}.",
            extensions={"order_status": current.value, "allowed": [s.value for s in allowed]},
        )


def check(current: OrderStatus, wanted: OrderStatus) -> None:
    if wanted not in TRANSITIONS[current]:
        raise InvalidTransition(current, wanted)

"""Counts order status changes once their transaction commits.

Observed on the SQLAlchemy session instead of called from the order code: every change is an
`OrderEvent` row (checkout, payment, cancellation, admin changes alike), and a change whose
transaction rolls back must not be counted.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from garderobe.commerce.models import OrderEvent, OrderStatus
from garderobe.observability.metrics import ORDERS

_PENDING = "garderobe.metrics.order_statuses"
_installed = False


def _label(status: OrderStatus) -> str:
    return "placed" if status is OrderStatus.PENDING_PAYMENT else status.value


def _collect(session: Session, _context: Any, _instances: Any) -> None:
    for obj in session.new:
        if isinstance(obj, OrderEvent):
            session.info.setdefault(_PENDING, []).append(_label(obj.to_status))


def _count(session: Session) -> None:
    for label in session.info.pop(_PENDING, []):
        ORDERS.labels(label).inc()


def _forget(session: Session) -> None:
    session.info.pop(_PENDING, None)


def install() -> None:
    """Listen on every session (API, worker, CLI alike); idempotent."""
    global _installed
    if _installed:
        return
    event.listen(Session, "before_flush", _collect)
    event.listen(Session, "after_commit", _count)
    event.listen(Session, "after_soft_rollback", lambda session, _tx: _forget(session))
    _installed = True

"""Payments: a provider interface, the built-in test provider, charges, refunds, webhooks."""

from __future__ import annotations

import hashlib
import hmac
import uuid
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from garderobe.commerce.models import (
    Order,
    PaymentTransaction,
    TransactionKind,
    TransactionStatus,
)
from garderobe.errors import Unauthorized

APPROVED_TEST_CARDS = frozenset({"4242424242424242", "5555555555554444"})


@dataclass(frozen=True)
class ProviderResult:
    approved: bool
    reference: str
    reason: str = ""


class PaymentProvider(Protocol):
    name: str

    async def charge(self, order: Order, card_number: str) -> ProviderResult: ...

    async def refund(self, order: Order, amount: int) -> ProviderResult: ...


class TestProvider:
    """Approves the documented test cards, declines every other number. Moves no money."""

    name = "test"

    async def charge(self, order: Order, card_number: str) -> ProviderResult:
        reference = f"ch_{uuid.uuid4().hex}"
        if card_number in APPROVED_TEST_CARDS:
            return ProviderResult(True, reference)
        return ProviderResult(False, reference, "card declined")

    async def refund(self, order: Order, amount: int) -> ProviderResult:
        return ProviderResult(True, f"re_{uuid.uuid4().hex}")


PROVIDERS: dict[str, PaymentProvider] = {"test": TestProvider()}


def record(
    session: AsyncSession,
    order: Order,
    kind: TransactionKind,
    result: ProviderResult,
    provider: str,
    amount: int,
) -> PaymentTransaction:
    transaction = PaymentTransaction(
        id=uuid.uuid4(),
        order_id=order.id,
        kind=kind,
        amount=amount,
        currency=order.currency,
        provider=provider,
        provider_reference=result.reference,
        status=TransactionStatus.APPROVED if result.approved else TransactionStatus.DECLINED,
    )
    session.add(transaction)
    return transaction


async def record_once(
    session: AsyncSession, order: Order, provider: str, reference: str, approved: bool, amount: int
) -> bool:
    """Record a provider-reported charge unless its reference was seen before (webhook
    retries). Returns True when this call recorded it."""
    inserted = await session.scalar(
        insert(PaymentTransaction)
        .values(
            id=uuid.uuid4(),
            order_id=order.id,
            kind=TransactionKind.CHARGE,
            amount=amount,
            currency=order.currency,
            provider=provider,
            provider_reference=reference,
            status=TransactionStatus.APPROVED if approved else TransactionStatus.DECLINED,
        )
        .on_conflict_do_nothing(index_elements=["provider", "provider_reference"])
        .returning(PaymentTransaction.id)
    )
    return inserted is not None


async def approved_charge(session: AsyncSession, order: Order) -> PaymentTransaction | None:
    return await session.scalar(
        select(PaymentTransaction).where(
            PaymentTransaction.order_id == order.id,
            PaymentTransaction.kind == TransactionKind.CHARGE,
            PaymentTransaction.status == TransactionStatus.APPROVED,
        )
    )


def verify_signature(secret: str, body: bytes, signature: str | None) -> None:
    """Webhooks carry X-Signature: hex HMAC-SHA256 of the raw body with the shared secret."""
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    if not signature or not hmac.compare_digest(expected, signature.strip().lower()):
        raise Unauthorized("The webhook signature does not match.")


def sign(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()

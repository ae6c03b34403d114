"""Tables for carts, orders, payments and idempotency (PostgreSQL).

Items live in MongoDB; here they are referenced by their id as text (24 hex characters).
Money is integer minor units with an ISO 4217 currency.
"""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    Enum,
    ForeignKey,
    Integer,
    Sequence,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from garderobe.infra.postgres import ITEM_ID, Base, TimestampMixin, utcnow

order_number_seq = Sequence("order_number_seq", metadata=Base.metadata)


def _enum(cls: type[enum.Enum], name: str) -> Enum:
    return Enum(cls, name=name, values_callable=lambda e: [m.value for m in e])


def _untaxed_total(context: Any) -> int:
    """An order written without pricing (before it, or by a tool) has no tax: net = total."""
    return int(context.get_current_parameters()["total"])


def _untaxed_line(context: Any) -> int:
    """A line written without pricing: no discount, no tax, gross = unit price x quantity."""
    values = context.get_current_parameters()
    return int(values["unit_price"]) * int(values["quantity"])


class OrderStatus(enum.StrEnum):
    PENDING_PAYMENT = "pending_payment"
    PAID = "paid"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"


class TransactionKind(enum.StrEnum):
    CHARGE = "charge"
    REFUND = "refund"


class TransactionStatus(enum.StrEnum):
    APPROVED = "approved"
    DECLINED = "declined"


class Cart(TimestampMixin, Base):
    """A user's cart (one per user) or a guest's (no user, found through a signed token)."""

    __tablename__ = "carts"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id", ondelete="CASCADE"), unique=True
    )


class CartItem(Base):
    __tablename__ = "cart_items"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    cart_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("carts.id", ondelete="CASCADE"), index=True
    )
    item_id: Mapped[str] = mapped_column(ITEM_ID)
    variant_id: Mapped[str] = mapped_column(ITEM_ID)  # the item's own id for a migrated line
    quantity: Mapped[int] = mapped_column(Integer)
    added_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, server_default=text("now()")
    )

    __table_args__ = (
        UniqueConstraint("cart_id", "variant_id"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
    )


class Order(TimestampMixin, Base):
    __tablename__ = "orders"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    user_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id"), index=True
    )
    status: Mapped[OrderStatus] = mapped_column(_enum(OrderStatus, "order_status"))
    currency: Mapped[str] = mapped_column(String(3))
    subtotal: Mapped[int] = mapped_column(Integer)
    shipping: Mapped[int] = mapped_column(Integer)
    total: Mapped[int] = mapped_column(Integer)
    shipping_address: Mapped[dict[str, Any]] = mapped_column(JSONB)
    # Pricing (garderobe.pricing): all gross. Orders placed before it have no discount, no
    # tax and no method (net = total).
    discount: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    net: Mapped[int] = mapped_column(Integer, default=_untaxed_total)
    tax: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    shipping_method_id: Mapped[str | None] = mapped_column(String(64))
    shipping_method: Mapped[str | None] = mapped_column(Text)  # its name then
    prices_include_tax: Mapped[bool] = mapped_column(Boolean, default=True, server_default="true")

    __table_args__ = (
        CheckConstraint("total = subtotal - discount + shipping", name="total_adds_up"),
        CheckConstraint("net + tax = total", name="tax_adds_up"),
        CheckConstraint(
            "discount >= 0 AND discount <= subtotal + shipping AND tax >= 0",
            name="amounts_in_range",
        ),
    )


class OrderItem(Base):
    """What was bought, as it was then: title, brand, variant (SKU, size label, colour),
    image and price are snapshots."""

    __tablename__ = "order_items"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    order_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("orders.id", ondelete="CASCADE"), index=True
    )
    item_id: Mapped[str] = mapped_column(ITEM_ID)
    variant_id: Mapped[str | None] = mapped_column(ITEM_ID)
    sku: Mapped[str | None] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(Text)
    brand: Mapped[str | None] = mapped_column(Text)
    size: Mapped[str | None] = mapped_column(String(40))  # the size's label ("EU 38")
    colour: Mapped[str | None] = mapped_column(String(40))
    image: Mapped[str | None] = mapped_column(Text)
    unit_price: Mapped[int] = mapped_column(Integer)
    quantity: Mapped[int] = mapped_column(Integer)
    # The line after its share of the order's discounts, as net + tax = gross; the rate in
    # basis points of its tax class at the destination.
    discount: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    net: Mapped[int] = mapped_column(Integer, default=_untaxed_line)
    tax: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    gross: Mapped[int] = mapped_column(Integer, default=_untaxed_line)
    tax_rate: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    tax_class: Mapped[str] = mapped_column(
        String(16), default="standard", server_default="standard"
    )

    __table_args__ = (
        CheckConstraint("net + tax = gross", name="line_tax_adds_up"),
        CheckConstraint("discount >= 0 AND tax >= 0 AND gross >= 0", name="line_amounts_in_range"),
    )


class OrderEvent(Base):
    """One status transition; the order's history."""

    __tablename__ = "order_events"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    order_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("orders.id", ondelete="CASCADE"), index=True
    )
    from_status: Mapped[OrderStatus | None] = mapped_column(_enum(OrderStatus, "order_status"))
    to_status: Mapped[OrderStatus] = mapped_column(_enum(OrderStatus, "order_status"))
    actor: Mapped[str] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, server_default=text("now()")
    )


class PaymentTransaction(Base):
    __tablename__ = "payment_transactions"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    order_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("orders.id"), index=True
    )
    kind: Mapped[TransactionKind] = mapped_column(_enum(TransactionKind, "transaction_kind"))
    status: Mapped[TransactionStatus] = mapped_column(
        _enum(TransactionStatus, "transaction_status")
    )
    amount: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3))
    provider: Mapped[str] = mapped_column(String(32))
    provider_reference: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, server_default=text("now()")
    )

    # A provider's reference is seen once: webhooks delivered twice change nothing.
    __table_args__ = (UniqueConstraint("provider", "provider_reference"),)


class IdempotencyKey(Base):
    """A checkout request's key: the same key and body return the order made the first time."""

    __tablename__ = "idempotency_keys"

    user_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    order_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("orders.id", ondelete="CASCADE")
    )
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, server_default=text("now()")
    )

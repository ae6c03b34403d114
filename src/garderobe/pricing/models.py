"""Tables for discounts and their redemptions, and shipping zones and methods (PostgreSQL).

Money is integer minor units of the row's currency; rates and percentages are integers.
A discount's `used` counts its redemptions: checkout raises it with a conditional UPDATE,
and the CHECK below makes the database itself refuse one redemption past the limit.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from garderobe.infra.postgres import Base, TimestampMixin, utcnow


class Discount(TimestampMixin, Base):
    """A code (`code` set, stored upper-case) or an automatic promotion (no code)."""

    __tablename__ = "discounts"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    code: Mapped[str | None] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16))
    value: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    currency: Mapped[str] = mapped_column(String(3))
    scope: Mapped[str] = mapped_column(String(16))
    targets: Mapped[list[str]] = mapped_column(ARRAY(Text), default=list, server_default="{}")
    min_subtotal: Mapped[int | None] = mapped_column(Integer)
    starts_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    usage_limit: Mapped[int | None] = mapped_column(Integer)
    per_customer_limit: Mapped[int | None] = mapped_column(Integer)
    used: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    combinable: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="true")

    __table_args__ = (
        CheckConstraint("kind IN ('percentage', 'fixed', 'free_shipping')", name="kind_known"),
        CheckConstraint("scope IN ('shop', 'categories', 'brands', 'items')", name="scope_known"),
        CheckConstraint(
            "value >= 0 AND (kind <> 'percentage' OR value BETWEEN 1 AND 100)",
            name="value_in_range",
        ),
        CheckConstraint(
            "used >= 0 AND (usage_limit IS NULL OR used <= usage_limit)", name="used_within_limit"
        ),
    )


class DiscountRedemption(Base):
    """One discount applied to one order: the order's discount line, kept as a snapshot
    (name, code, kind, amount) that outlives changes to the discount and its deletion."""

    __tablename__ = "discount_redemptions"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    discount_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("discounts.id", ondelete="SET NULL"), index=True
    )
    order_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("orders.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id", ondelete="CASCADE")
    )
    code: Mapped[str | None] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16))
    amount: Mapped[int] = mapped_column(Integer)  # in the shop's price terms
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, server_default=text("now()")
    )

    __table_args__ = (CheckConstraint("amount >= 0", name="amount_not_negative"),)


class ShippingZone(TimestampMixin, Base):
    __tablename__ = "shipping_zones"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(Text, unique=True)
    countries: Mapped[list[str]] = mapped_column(ARRAY(String(2)))


class ShippingMethod(TimestampMixin, Base):
    """A way to ship to a zone; `bands` are [{"up_to": int | null, "price": int}], ordered."""

    __tablename__ = "shipping_methods"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    zone_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("shipping_zones.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(Text)
    currency: Mapped[str] = mapped_column(String(3))
    basis: Mapped[str] = mapped_column(String(16))
    bands: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    free_over: Mapped[int | None] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="true")

    __table_args__ = (
        CheckConstraint("basis IN ('subtotal', 'weight')", name="basis_known"),
        CheckConstraint("free_over IS NULL OR free_over >= 0", name="free_over_not_negative"),
    )

"""Webhook tables: subscriptions, one delivery per event and subscription, its attempts."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from garderobe.infra.postgres import Base, TimestampMixin, utcnow

MAX_URL = 2000
MAX_DESCRIPTION = 500


class DeliveryStatus(enum.StrEnum):
    PENDING = "pending"  # due at next_attempt_at (none: paused, its subscription is off)
    DELIVERED = "delivered"
    FAILED = "failed"  # every scheduled attempt failed; a manual redelivery may still follow


class WebhookSubscription(TimestampMixin, Base):
    """Where to send which events. The secret signs every delivery, so it is kept as issued
    (a hash could not sign); the API shows it once, when the subscription is created."""

    __tablename__ = "webhook_subscriptions"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    url: Mapped[str] = mapped_column(String(MAX_URL))
    description: Mapped[str] = mapped_column(String(MAX_DESCRIPTION), server_default="")
    event_types: Mapped[list[str]] = mapped_column(ARRAY(String(40)))
    secret: Mapped[str] = mapped_column(String(100))
    active: Mapped[bool] = mapped_column(Boolean, server_default=text("true"))
    # Set by the first failed attempt after a success, cleared by the next success: the
    # subscription is disabled when it has failed continuously for WEBHOOK_DISABLE_AFTER_HOURS.
    failing_since: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    disabled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class WebhookDelivery(Base):
    """One event for one subscription; its id is the `webhook-id` of every attempt."""

    __tablename__ = "webhook_deliveries"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    subscription_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("webhook_subscriptions.id", ondelete="CASCADE")
    )
    event_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    event_type: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONB)
    status: Mapped[str] = mapped_column(String(16), server_default=DeliveryStatus.PENDING.value)
    attempts: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, server_default=text("now()")
    )
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        # The fan-out may run twice for one event (an outbox retry): one delivery all the same.
        UniqueConstraint("event_id", "subscription_id"),
        CheckConstraint("status IN ('pending', 'delivered', 'failed')", name="status_known"),
        Index(
            "ix_webhook_deliveries_due",
            "next_attempt_at",
            postgresql_where=text("status = 'pending'"),
        ),
        Index("ix_webhook_deliveries_subscription", "subscription_id", "created_at"),
    )


class WebhookAttempt(Base):
    """One HTTP request of a delivery: what came back, how long it took, what went wrong."""

    __tablename__ = "webhook_attempts"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    delivery_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("webhook_deliveries.id", ondelete="CASCADE")
    )
    attempted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    status_code: Mapped[int | None] = mapped_column(Integer)
    latency_ms: Mapped[int] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
    manual: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))

    __table_args__ = (Index("ix_webhook_attempts_delivery", "delivery_id", "attempted_at"),)

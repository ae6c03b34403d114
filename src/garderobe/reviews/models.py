"""The reviews table: one review per buyer and item, with its moderation state."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from garderobe.infra.postgres import ITEM_ID, Base, TimestampMixin

MAX_TITLE = 120
MAX_BODY = 5000
MAX_REASON = 500


class ReviewStatus(enum.StrEnum):
    VISIBLE = "visible"
    HIDDEN = "hidden"


class Review(TimestampMixin, Base):
    """A buyer's rating of an item from one of their delivered orders. Title and body are
    plain text kept exactly as written; a hidden review counts for no summary."""

    __tablename__ = "reviews"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    item_id: Mapped[str] = mapped_column(ITEM_ID)
    user_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id", ondelete="CASCADE")
    )
    # The delivered order that made it a verified purchase.
    order_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), ForeignKey("orders.id"))
    rating: Mapped[int] = mapped_column(SmallInteger)
    title: Mapped[str | None] = mapped_column(String(MAX_TITLE))
    body: Mapped[str | None] = mapped_column(Text)
    status: Mapped[ReviewStatus] = mapped_column(
        Enum(ReviewStatus, name="review_status", values_callable=lambda e: [m.value for m in e]),
        default=ReviewStatus.VISIBLE,
    )
    moderation_reason: Mapped[str | None] = mapped_column(Text)
    moderated_by: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    moderated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # How it fitted, and the size bought ("letter:M", a size of one of the buyer's order lines
    # of the item); both or neither.
    fit_verdict: Mapped[str | None] = mapped_column(String(16))
    fit_size: Mapped[str | None] = mapped_column(String(60))

    __table_args__ = (
        UniqueConstraint("user_id", "item_id"),
        CheckConstraint("rating BETWEEN 1 AND 5", name="rating_in_range"),
        CheckConstraint(
            "fit_verdict IN ('runs_small', 'true_to_size', 'runs_large')", name="fit_verdict_known"
        ),
        # The keyset pages: an item's reviews newest first or by rating, and moderation's
        # lists by status.
        Index("ix_reviews_item_newest", "item_id", "created_at", "id"),
        Index("ix_reviews_item_rating", "item_id", "rating", "created_at", "id"),
        Index("ix_reviews_status", "status", "created_at", "id"),
    )

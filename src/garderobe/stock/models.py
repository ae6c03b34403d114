"""The stock table: one row per catalog item (referenced by its MongoDB id as text)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, Integer, text
from sqlalchemy.orm import Mapped, mapped_column

from garderobe.infra.postgres import ITEM_ID, Base, utcnow


class Stock(Base):
    """Units on hand, and units reserved by orders awaiting payment (available = the rest)."""

    __tablename__ = "stock"

    item_id: Mapped[str] = mapped_column(ITEM_ID, primary_key=True)
    on_hand: Mapped[int] = mapped_column(Integer)
    reserved: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow, server_default=text("now()")
    )

    __table_args__ = (
        CheckConstraint("on_hand >= 0", name="on_hand_not_negative"),
        CheckConstraint("reserved >= 0 AND reserved <= on_hand", name="reserved_within_on_hand"),
    )

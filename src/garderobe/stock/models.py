"""The stock table: one row per variant of a catalog item (both named by MongoDB ids as text)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from garderobe.infra.postgres import ITEM_ID, Base, utcnow

VARIANT_ID = ITEM_ID  # a variant's id is an ObjectId in hex too (a migrated one: its item's)


class Stock(Base):
    """Units on hand of one variant, and units reserved by orders awaiting payment (available
    = the rest). The SKU lives here, where its uniqueness across the catalog is a constraint
    in the same transaction as the variant's creation."""

    __tablename__ = "stock"

    variant_id: Mapped[str] = mapped_column(VARIANT_ID, primary_key=True)
    item_id: Mapped[str] = mapped_column(ITEM_ID)
    sku: Mapped[str] = mapped_column(String(64), unique=True)
    on_hand: Mapped[int] = mapped_column(Integer)
    reserved: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow, server_default=text("now()")
    )

    __table_args__ = (
        CheckConstraint("on_hand >= 0", name="on_hand_not_negative"),
        CheckConstraint("reserved >= 0 AND reserved <= on_hand", name="reserved_within_on_hand"),
        Index("ix_stock_item_id", "item_id"),
    )

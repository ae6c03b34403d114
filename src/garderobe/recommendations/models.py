"""What the co-purchase job computes from the paid orders (PostgreSQL)."""

from __future__ import annotations

from sqlalchemy import Index, Integer, text
from sqlalchemy.orm import Mapped, mapped_column

from garderobe.infra.postgres import ITEM_ID, Base


class CoPurchase(Base):
    """How many paid orders hold both items; each pair is kept both ways round, so one
    item's partners are one primary-key range."""

    __tablename__ = "co_purchases"

    item_id: Mapped[str] = mapped_column(ITEM_ID, primary_key=True)
    other_item_id: Mapped[str] = mapped_column(ITEM_ID, primary_key=True)
    orders: Mapped[int] = mapped_column(Integer)


class ItemPopularity(Base):
    """How many paid orders hold the item: the fallback when a shopper has little history."""

    __tablename__ = "item_popularity"

    item_id: Mapped[str] = mapped_column(ITEM_ID, primary_key=True)
    orders: Mapped[int] = mapped_column(Integer)

    __table_args__ = (Index("ix_item_popularity_ranked", text("orders DESC"), text("item_id")),)

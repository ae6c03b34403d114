"""The PostgreSQL search projection of active catalog items (MongoDB stays the source)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Index, Integer, String, Text, text
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column

from garderobe.infra.postgres import Base, utcnow


class ItemSearch(Base):
    """One row per active item: weighted tsvector plus text for trigram typo tolerance."""

    __tablename__ = "item_search"

    item_id: Mapped[str] = mapped_column(String(24), primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    brand_name: Mapped[str] = mapped_column(Text, default="")
    category_names: Mapped[str] = mapped_column(Text, default="")
    attributes_text: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(Text, default="")
    price_amount: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3))
    revision: Mapped[int] = mapped_column(Integer)
    # title A > brand/category B > attributes/colour C > description D; unaccented.
    document: Mapped[str] = mapped_column(TSVECTOR)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, server_default=text("now()")
    )

    __table_args__ = (Index("ix_item_search_document", "document", postgresql_using="gin"),)


class SearchTerm(Base):
    """Every word in the projection (what a misspelt query word is corrected to), plus brand
    and category names (kind 'brand' / 'category', with their display label) for autocomplete."""

    __tablename__ = "search_terms"

    term: Mapped[str] = mapped_column(Text, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True, default="word")
    label: Mapped[str] = mapped_column(Text, default="", server_default="")

    __table_args__ = (
        Index(
            "ix_search_terms_trgm",
            "term",
            postgresql_using="gin",
            postgresql_ops={"term": "gin_trgm_ops"},
        ),
    )

"""The catalog's read index in PostgreSQL (MongoDB stays the source of the documents)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    Double,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column

from garderobe.infra.postgres import Base, utcnow


class ItemSearch(Base):
    """One row per item, whatever its status: what listings filter, sort and facet on, and
    the weighted tsvector plus text for full-text search with typo tolerance."""

    __tablename__ = "item_search"

    item_id: Mapped[str] = mapped_column(String(24), primary_key=True)
    status: Mapped[str] = mapped_column(String(16), server_default="active")
    category: Mapped[str] = mapped_column(Text, server_default="")
    category_path: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")
    brand: Mapped[str | None] = mapped_column(Text)
    size: Mapped[str | None] = mapped_column(Text)
    colours: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")
    condition: Mapped[str | None] = mapped_column(Text)
    material: Mapped[str | None] = mapped_column(Text)
    pattern: Mapped[str | None] = mapped_column(Text)
    attributes: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default="{}")
    # "<facet>=<value>" for every filterable value (index.tokens.facet_tokens).
    facet_values: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
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

    __table_args__ = (
        Index("ix_item_search_document", "document", postgresql_using="gin"),
        # Similar items: the active items of a leaf category nearest in price
        # (browse/similarity.py).
        Index(
            "ix_item_search_similar",
            "category",
            "price_amount",
            postgresql_where=text("status = 'active'"),
        ),
    )


class ItemFacets(Base):
    """The narrow copy of each item's row that listings read: filters, sorts and facet tokens
    only. Listing statements visit thousands of rows; at a third of item_search's width they
    touch a third of the pages (measured: 2x faster facets at 100,000 items)."""

    __tablename__ = "item_facets"

    item_id: Mapped[str] = mapped_column(String(24), primary_key=True)
    status: Mapped[str] = mapped_column(String(16))
    # The lowest and highest price it sells for (index.offers.price_bounds).
    price_amount: Mapped[int] = mapped_column(Integer)
    price_top: Mapped[int] = mapped_column(Integer)
    # "<size>|<colour>|<price>" per available variant and colour (index.offers).
    offers: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # "<facet>=<value>" for every filterable value (index.tokens.facet_tokens).
    facet_values: Mapped[list[str]] = mapped_column(ARRAY(Text))
    # The visible reviews' average (0 while there are none) and count (index.ratings).
    rating_avg: Mapped[float] = mapped_column(Double, server_default="0")
    rating_count: Mapped[int] = mapped_column(Integer, server_default="0")

    __table_args__ = (
        Index("ix_item_facets_facet_values", "facet_values", postgresql_using="gin"),
        Index("ix_item_facets_rating", text("rating_avg DESC"), text("item_id DESC")),
        # The keyset sorts: newest first, and price both ways (a btree reads backwards too).
        Index("ix_item_facets_newest", text("created_at DESC"), text("item_id DESC")),
        Index("ix_item_facets_price", "price_amount", "item_id"),
    )


class ItemFacetChange(Base):
    """An item whose `item_facets` row a transaction inserted, updated or deleted ('*': the
    table was truncated), appended by triggers (migration 0012), never by code: in-process
    facet indexes (catalog.memory.index) read the changes of transactions they have not seen.
    Rows older than an hour are pruned."""

    __tablename__ = "item_facet_changes"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    # The writing transaction's id (xid8 as bigint): comparable with a snapshot's xmin.
    xid: Mapped[int] = mapped_column(
        BigInteger, server_default=text("(pg_current_xact_id())::text::bigint")
    )
    item_id: Mapped[str] = mapped_column(String(24))
    changed_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=text("now()")
    )

    __table_args__ = (
        Index("ix_item_facet_changes_xid", "xid"),
        Index("ix_item_facet_changes_changed_at", "changed_at"),
    )


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


class FacetCount(Base):
    """How many active items of one category path carry one facet token: the facet counts of
    a listing with at most one filter, without reading the items (index.writer keeps them).

    Index writes only append signed changes (+1/-1 per token, summed per batch), so concurrent
    writers never wait on a shared counter row; `index.counts.compact` folds the
    changes into one row per (path, token). A reader sums the rows of its paths."""

    __tablename__ = "facet_counts"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    category_path: Mapped[list[str]] = mapped_column(ARRAY(Text))
    token: Mapped[str] = mapped_column(Text)
    n: Mapped[int] = mapped_column(Integer)


class ItemRating(Base):
    """One item's rating summary over its visible reviews: kept exact by the reviews domain
    through `index.ratings.apply_rating_change`, in the transaction of each review change."""

    __tablename__ = "item_ratings"

    item_id: Mapped[str] = mapped_column(String(24), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, server_default="0")
    total: Mapped[int] = mapped_column(Integer, server_default="0")  # the sum of the stars
    star_1: Mapped[int] = mapped_column(Integer, server_default="0")
    star_2: Mapped[int] = mapped_column(Integer, server_default="0")
    star_3: Mapped[int] = mapped_column(Integer, server_default="0")
    star_4: Mapped[int] = mapped_column(Integer, server_default="0")
    star_5: Mapped[int] = mapped_column(Integer, server_default="0")
    # Bumped by every change: the item detail's ETag names it, so a 304 is never stale.
    version: Mapped[int] = mapped_column(Integer, server_default="0")

    __table_args__ = (
        CheckConstraint(
            "count >= 0 AND star_1 >= 0 AND star_2 >= 0 AND star_3 >= 0 AND star_4 >= 0 "
            "AND star_5 >= 0 AND count = star_1 + star_2 + star_3 + star_4 + star_5",
            name="counts_add_up",
        ),
    )

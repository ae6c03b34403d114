"""Catalog documents in MongoDB (Beanie 2).

Kept portable to the nx-27017 stand-in and to real MongoDB alike: references are plain slugs
or ids, money is integer minor units, ids inside documents are strings (no Link, Decimal or
UUID fields; see docs/mongodb.md).
"""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any

import pymongo
from beanie import Document
from pydantic import BaseModel, Field


def utcnow() -> datetime:
    return datetime.now(UTC)


# Prices are copied into PostgreSQL integer columns (search projection, orders, payments):
# a larger amount must be refused at the edge (422), not fail there as a 500.
MAX_AMOUNT = 2**31 - 1


class Money(BaseModel):
    """An amount in minor units (cents, kopecks) and its ISO 4217 currency."""

    amount: int = Field(ge=0, le=MAX_AMOUNT, description="Minor units, e.g. 1999 = 19.99")
    currency: str = Field(default="EUR", pattern=r"^[A-Z]{3}$")


class ItemStatus(enum.StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    SOLD = "sold"
    ARCHIVED = "archived"


class ItemImage(BaseModel):
    """An image of an item; the bytes live in object storage (`garderobe.media`)."""

    id: str = Field(description="Content hash (sha256 hex) of the stored image")
    key: str = Field(description="Object key of the original (metadata stripped)")
    content_type: str
    width: int
    height: int
    size_bytes: int
    alt: str = ""
    colour: str | None = Field(
        default=None, description="Colour slug of the variants this image shows, if any"
    )
    thumbnails: dict[str, str] = Field(
        default_factory=dict, description="Width label (e.g. '200') -> object key of a WebP"
    )
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    source_url: str | None = Field(
        default=None, description="The URL a bulk import fetched it from (not refetched)"
    )


OTHER_SIZE = "other"  # a size no size system names: kept as its label (migrated data)


class VariantSize(BaseModel):
    """A size as a value of a size system (`garderobe.sizing`): ("letter", "M"),
    ("jeans", "W32 L34"), ("shoe_eu", "42.5"); or ("other", its label) for a size that
    parses on no scale of the category (kept from before sizes were typed)."""

    system: str
    value: str

    @property
    def token(self) -> str:
        """How listings name it: "letter:M"."""
        return f"{self.system}:{self.value}"


class Variant(BaseModel):
    """One sellable version of an item: a size and/or a colour, an optional price that
    overrides the item's, its own SKU and GTIN. Its stock lives in PostgreSQL (`stock`)."""

    id: str = Field(description="Stable id (24 hex digits)")
    sku: str
    size: VariantSize | None = None
    colour: str | None = Field(default=None, description="Colour slug (the colours vocabulary)")
    price: Money | None = Field(default=None, description="Overrides the item's price")
    gtin: str | None = None
    position: int = 0


class Item(Document):
    title: str
    description: str = ""
    category: str = Field(description="Slug of the item's (leaf) category")
    category_path: list[str] = Field(
        default_factory=list,
        description="Slugs from the department down to the category, for descendant filters",
    )
    brand: str | None = Field(default=None, description="Brand slug")
    supplier: str | None = Field(default=None, description="Supplier slug (admins only)")
    # The size of a single-variant item as given (the shorthand of clients older than
    # variants); the typed sizes are the variants'.
    size: str | None = None
    condition: str | None = None
    material: str | None = None
    weight_grams: int | None = Field(default=None, description="Shipping weight per unit")
    colours: list[str] = Field(default_factory=list)
    pattern: str | None = None
    price: Money
    attributes: dict[str, Any] = Field(default_factory=dict)
    images: list[ItemImage] = Field(default_factory=list)
    # Empty only on documents written before variants: `sellable_variants` stands in for them.
    variants: list[Variant] = Field(default_factory=list)
    status: ItemStatus = ItemStatus.DRAFT
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    revision: int = Field(default=1, description="Bumped on every write; the ETag")

    class Settings:
        name = "items"
        # Listings, facets and search read PostgreSQL (item_facets, item_search); MongoDB is
        # read by id, and otherwise only by the admin item search (category, brand or no
        # filter, newest first; a status filter walks created_at) and the category guards
        # (counts by category_path). Every index costs each insert: keep only these.
        indexes = [
            pymongo.IndexModel([("category_path", 1), ("created_at", -1)]),
            pymongo.IndexModel([("brand", 1), ("created_at", -1)]),
            pymongo.IndexModel([("created_at", -1)]),
        ]

    def sellable_variants(self) -> list[Variant]:
        """The item's variants in their order; a document from before variants has one, whose
        id is the item's own (as the migration of its stock row names it)."""
        if self.variants:
            return sorted(self.variants, key=lambda v: (v.position, v.id))
        size = VariantSize(system=OTHER_SIZE, value=self.size) if self.size else None
        return [Variant(id=str(self.id), sku=legacy_sku(str(self.id)), size=size)]

    def variant(self, variant_id: str) -> Variant | None:
        return next((v for v in self.sellable_variants() if v.id == variant_id), None)

    def price_of(self, variant: Variant) -> Money:
        return variant.price or self.price


def legacy_sku(variant_id: str) -> str:
    """The SKU a variant gets when none is given, and that migrated stock rows carry."""
    return f"GD-{variant_id.upper()}"

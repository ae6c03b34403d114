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
    thumbnails: dict[str, str] = Field(
        default_factory=dict, description="Width label (e.g. '200') -> object key of a WebP"
    )
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC))


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
    size: str | None = None
    condition: str | None = None
    material: str | None = None
    colours: list[str] = Field(default_factory=list)
    pattern: str | None = None
    price: Money
    attributes: dict[str, Any] = Field(default_factory=dict)
    images: list[ItemImage] = Field(default_factory=list)
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

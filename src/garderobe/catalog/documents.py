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

from garderobe.media.models import ItemImage


def utcnow() -> datetime:
    return datetime.now(UTC)


class Money(BaseModel):
    """An amount in minor units (cents, kopecks) and its ISO 4217 currency."""

    amount: int = Field(ge=0, description="Minor units, e.g. 1999 = 19.99")
    currency: str = Field(default="EUR", pattern=r"^[A-Z]{3}$")


class ItemStatus(enum.StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    SOLD = "sold"
    ARCHIVED = "archived"


class Item(Document):
    title: str
    description: str = ""
    category: str = Field(description="Slug of the item's (leaf) category")
    category_path: list[str] = Field(
        default_factory=list,
        description="Slugs from the department down to the category, for descendant filters",
    )
    brand: str | None = Field(default=None, description="Brand slug")
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
        indexes = [
            pymongo.IndexModel([("status", 1), ("category_path", 1), ("price.amount", 1)]),
            pymongo.IndexModel([("status", 1), ("created_at", -1), ("_id", -1)]),
            pymongo.IndexModel([("status", 1), ("price.amount", 1), ("_id", 1)]),
            pymongo.IndexModel([("brand", 1)]),
        ]

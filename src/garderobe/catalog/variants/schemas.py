"""Request and response bodies of variants."""

from __future__ import annotations

import enum

from pydantic import BaseModel, Field

from garderobe.api.fields import MAX_POSITION, Omittable, Request
from garderobe.catalog.documents import Money

MAX_STOCK = 1_000_000
SizeText = Field(
    default=None,
    max_length=40,
    description="A size on one of the category's size systems (`GET /api/v1/categories/"
    "{slug}` lists them): M, 38, W32 L34, 42.5 …",
)
SizeSystemCode = Field(
    default=None,
    max_length=40,
    description="The size system `size` is read on; by default the first of the category's "
    "systems it parses on. `other` keeps a label no scale names",
)


class VariantIn(Request):
    """One variant of a new item, or a new variant of an item."""

    sku: str | None = Field(
        default=None,
        min_length=1,
        max_length=64,
        description="Unique across the catalog; generated when left out",
    )
    size: str | None = SizeText
    size_system: str | None = SizeSystemCode
    colour: str | None = Field(default=None, description="Colour slug or label")
    price: Money | None = Field(default=None, description="Overrides the item's price")
    gtin: str | None = Field(
        default=None, max_length=14, description="GTIN-8/12/13/14 (EAN, UPC), check digit checked"
    )
    stock: int = Field(default=0, ge=0, le=MAX_STOCK, description="Units on hand")


class VariantPatch(Request):
    """Only the given fields change; `size`, `colour`, `price` and `gtin` are removed with
    null."""

    sku: Omittable[str] = Field(default=None, min_length=1, max_length=64)
    size: str | None = SizeText
    size_system: str | None = SizeSystemCode
    colour: str | None = None
    price: Money | None = None
    gtin: str | None = Field(default=None, max_length=14)
    position: Omittable[int] = Field(default=None, ge=0, le=MAX_POSITION)


class VariantOrderIn(Request):
    variant_ids: list[str] = Field(description="Every variant id of the item exactly once")


class VariantStockIn(Request):
    on_hand: int = Field(ge=0, le=MAX_STOCK)


class Availability(enum.StrEnum):
    IN_STOCK = "in_stock"
    FEW_LEFT = "few_left"
    SOLD_OUT = "sold_out"


class SizeOut(BaseModel):
    system: str = Field(description="Size system code (`other`: a label no scale names)")
    value: str = Field(description="The canonical value on that system")
    label: str = Field(description='As shown: "M", "EU 38", "W32 L34"')


class StockLevel(BaseModel):
    """Exact counts, for admins only."""

    on_hand: int
    reserved: int
    available: int


class VariantOut(BaseModel):
    id: str
    sku: str
    size: SizeOut | None
    colour: str | None
    price: Money = Field(description="What it sells for: its own price, else the item's")
    gtin: str | None
    position: int
    availability: Availability = Field(
        description="in_stock, few_left (at most FEW_LEFT_THRESHOLD units) or sold_out"
    )
    stock: StockLevel | None = Field(
        default=None, description="Exact counts; in admins' answers only (left out for others)"
    )


class PriceRange(BaseModel):
    min: Money
    max: Money

"""Request and response bodies of the catalog's items (the wings keep their own schemas)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, Field, model_validator

from garderobe.api.fields import Omittable, Request, UtcDatetime
from garderobe.catalog.documents import Item, ItemStatus, Money
from garderobe.catalog.fit.schemas import FitSummaryOut
from garderobe.catalog.variants.schemas import Availability, PriceRange, VariantIn, VariantOut

MAX_VARIANTS = 200


class ItemIn(Request):
    """A whole item (POST, PUT). Attribute values may be given as slugs or labels."""

    title: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=10_000)
    category: str = Field(description="Category slug")
    brand: str | None = Field(default=None, description="Brand slug")
    supplier: str | None = Field(
        default=None, min_length=1, max_length=80, description="Supplier slug (admins only)"
    )
    size: str | None = Field(
        default=None,
        max_length=40,
        description="The size of an item of one variant, on one of its category's size systems",
    )
    condition: str | None = None
    material: str | None = Field(default=None, max_length=80)
    weight_grams: int | None = Field(
        default=None, ge=0, le=100_000, description="Shipping weight of one unit, in grams"
    )
    colours: list[str] = Field(default_factory=list, max_length=5)
    pattern: str | None = None
    price: Money = Field(description="Its variants' price, unless a variant has its own")
    attributes: dict[str, Any] = Field(default_factory=dict)
    status: ItemStatus = ItemStatus.DRAFT


class ItemCreate(ItemIn):
    stock: int = Field(
        default=1,
        ge=0,
        le=1_000_000,
        description="Units on hand of its one variant when `variants` is left out (one-off "
        "resale items: 1)",
    )
    variants: list[VariantIn] | None = Field(
        default=None,
        min_length=1,
        max_length=MAX_VARIANTS,
        description="The item's variants (sizes, colours, prices, SKUs, stock). Left out: one "
        "variant made of `size` and `stock`",
    )

    @model_validator(mode="after")
    def _one_way(self) -> ItemCreate:
        if self.variants and self.size is not None:
            raise ValueError("give `size` or `variants`, not both: each variant has its size")
        return self


class ItemPatch(Request):
    """A partial update (PATCH): only the given fields change; `attributes` is merged, and an
    attribute set to null is removed."""

    title: Omittable[str] = Field(default=None, min_length=1, max_length=200)
    description: Omittable[str] = Field(default=None, max_length=10_000)
    category: Omittable[str] = None
    brand: str | None = None
    supplier: str | None = Field(
        default=None, min_length=1, max_length=80, description="Supplier slug; null removes it"
    )
    size: str | None = Field(default=None, max_length=40)
    condition: str | None = None
    material: str | None = Field(default=None, max_length=80)
    weight_grams: int | None = Field(
        default=None,
        ge=0,
        le=100_000,
        description="Shipping weight of one unit, in grams; null removes it",
    )
    colours: Omittable[list[str]] = Field(default=None, max_length=5)
    pattern: str | None = None
    price: Omittable[Money] = None
    attributes: Omittable[dict[str, Any]] = None
    status: Omittable[ItemStatus] = None


class ImageOut(BaseModel):
    id: str
    alt: str
    colour: str | None = Field(
        default=None, description="The colour it shows (a picker switches to it), if named"
    )
    width: int
    height: int
    urls: dict[str, str] = Field(
        default_factory=dict, description="`original` plus one URL per thumbnail width"
    )


class RatingSummary(BaseModel):
    """An item's rating over its visible reviews (hidden ones count for nothing)."""

    average: float | None = Field(description="Mean stars, 2 decimals; null with no review")
    count: int
    stars: dict[str, int] = Field(description='Reviews per star, "1" to "5"')


class ItemOut(BaseModel):
    id: str
    title: str
    description: str
    category: str
    category_path: list[str]
    brand: str | None
    supplier: str | None = Field(
        default=None, description="Supplier slug; in admins' answers only (left out for others)"
    )
    size: str | None = Field(description="The size's label when the item has one variant")
    condition: str | None
    material: str | None
    weight_grams: int | None = Field(default=None, description="Shipping weight per unit")
    colours: list[str]
    pattern: str | None
    price: Money
    attributes: dict[str, Any]
    images: list[ImageOut]
    status: ItemStatus
    created_at: UtcDatetime
    updated_at: UtcDatetime
    revision: int
    rating: RatingSummary | None = Field(
        default=None, description="Reviews summary (item detail and listings)"
    )
    variants: list[VariantOut] = Field(
        default_factory=list,
        description="What it is sold in, in the shop's order (item detail; cards in listings "
        "and recommendations leave it empty: they show `sizes_in_stock` and `price_range`)",
    )
    availability: Availability = Field(
        default=Availability.SOLD_OUT, description="in_stock while any variant is; few_left"
    )
    sizes_in_stock: list[str] = Field(
        default_factory=list, description="Labels of the sizes available, in scale order"
    )
    price_range: PriceRange | None = Field(
        default=None, description="Lowest and highest price of what is available"
    )
    fit: FitSummaryOut | None = Field(
        default=None,
        exclude_if=lambda found: found is None,
        description="Item detail: buyers' fit verdicts and, past the threshold, the advice "
        "(the size for you: GET /api/v1/items/{id}/fit)",
    )

    @classmethod
    def of(
        cls, item: Item, urls: Mapping[str, dict[str, str]] | None = None, *, admin: bool = False
    ) -> ItemOut:
        """The item's body; `urls` maps image ids to their URLs (see media.urls). The
        supplier is filled in for admins only (`admin`); the variants by the presenter."""
        hidden = {"id", "images", "variants"} | (set() if admin else {"supplier"})
        data = item.model_dump(exclude=hidden)
        images = [
            ImageOut(
                id=i.id,
                alt=i.alt,
                colour=i.colour,
                width=i.width,
                height=i.height,
                urls=(urls or {}).get(i.id, {}),
            )
            for i in item.images
        ]
        return cls(id=str(item.id), images=images, **data)

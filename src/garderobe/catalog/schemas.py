"""Request and response bodies of the catalog API."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, EmailStr, Field, model_validator

from garderobe.accounts.schemas import Country
from garderobe.api.fields import MAX_POSITION, Omittable, UtcDatetime
from garderobe.catalog.documents import (
    AttributeDefinition,
    AttributeType,
    Choice,
    Item,
    ItemStatus,
    Money,
    slugify,
)


class Request(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class CategoryNode(BaseModel):
    slug: str
    name: str
    children: list[CategoryNode] = Field(default_factory=list)


class CategoryRef(BaseModel):
    slug: str
    name: str


class CategoryOut(BaseModel):
    slug: str
    name: str
    parent: str | None
    breadcrumb: list[CategoryRef]
    children: list[CategoryRef]
    own_attributes: list[AttributeDefinition]
    attributes: list[AttributeDefinition] = Field(
        description="Effective schema: own attributes plus those inherited from ancestors"
    )


class CategoryIn(Request):
    name: str = Field(min_length=1, max_length=80)
    slug: str | None = Field(default=None, pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    parent: str | None = None
    position: int = Field(default=0, ge=0, le=MAX_POSITION)


class CategoryUpdateIn(Request):
    name: Omittable[str] = Field(default=None, min_length=1, max_length=80)
    position: Omittable[int] = Field(default=None, ge=0, le=MAX_POSITION)


class AttributeIn(Request):
    name: str = Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")
    label: str = Field(min_length=1, max_length=80)
    type: AttributeType
    values: list[str] = Field(default_factory=list, description="Labels of enum values")
    required: bool = False
    unit: str | None = None
    min: float | None = None
    max: float | None = None

    @model_validator(mode="after")
    def _consistent(self) -> AttributeIn:
        enum_like = self.type in (AttributeType.ENUM, AttributeType.MULTI_ENUM)
        if self.values and not enum_like:
            raise ValueError(f"a {self.type} attribute takes no values")
        slugs = [slugify(v) for v in self.values]
        if "" in slugs or len(set(slugs)) != len(slugs):
            raise ValueError("values must be distinct and contain letters or digits")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError("min must not exceed max")
        return self


class ValueIn(Request):
    label: str = Field(min_length=1, max_length=80)


class BrandOut(BaseModel):
    slug: str
    name: str


class BrandIn(Request):
    name: str = Field(min_length=1, max_length=80)
    slug: str | None = Field(default=None, pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")


class BrandUpdateIn(Request):
    name: str = Field(min_length=1, max_length=80)


class SupplierIn(Request):
    name: str = Field(min_length=1, max_length=120)
    slug: str | None = Field(
        default=None,
        max_length=80,
        pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$",
        description="Derived from the name when left out; never changes afterwards",
    )
    contact_email: EmailStr | None = None
    country: Country | None = Field(default=None, description="ISO 3166-1 alpha-2, e.g. PT")
    notes: str = Field(default="", max_length=5000)


class SupplierPatch(Request):
    """Only the given fields change; contact_email and country may be cleared with null."""

    name: Omittable[str] = Field(default=None, min_length=1, max_length=120)
    contact_email: EmailStr | None = None
    country: Country | None = Field(default=None, description="ISO 3166-1 alpha-2, e.g. PT")
    notes: Omittable[str] = Field(default=None, max_length=5000)


class SupplierOut(BaseModel):
    slug: str
    name: str
    contact_email: str | None
    country: str | None
    notes: str
    items: int = Field(description="Items naming this supplier, in any status")
    created_at: UtcDatetime
    updated_at: UtcDatetime


class SupplierPage(BaseModel):
    items: list[SupplierOut]
    next_cursor: str | None


class SupplierRef(BaseModel):
    slug: str
    name: str


class ItemIn(Request):
    """A whole item (POST, PUT). Attribute values may be given as slugs or labels."""

    title: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=10_000)
    category: str = Field(description="Category slug")
    brand: str | None = Field(default=None, description="Brand slug")
    supplier: str | None = Field(
        default=None, min_length=1, max_length=80, description="Supplier slug (admins only)"
    )
    size: str | None = Field(default=None, max_length=40)
    condition: str | None = None
    material: str | None = Field(default=None, max_length=80)
    colours: list[str] = Field(default_factory=list, max_length=5)
    pattern: str | None = None
    price: Money
    attributes: dict[str, Any] = Field(default_factory=dict)
    status: ItemStatus = ItemStatus.DRAFT


class ItemCreate(ItemIn):
    stock: int = Field(
        default=1, ge=0, le=1_000_000, description="Units on hand (one-off resale items: 1)"
    )


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
    colours: Omittable[list[str]] = Field(default=None, max_length=5)
    pattern: str | None = None
    price: Omittable[Money] = None
    attributes: Omittable[dict[str, Any]] = None
    status: Omittable[ItemStatus] = None


class ImageOut(BaseModel):
    id: str
    alt: str
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
    size: str | None
    condition: str | None
    material: str | None
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

    @classmethod
    def of(
        cls, item: Item, urls: Mapping[str, dict[str, str]] | None = None, *, admin: bool = False
    ) -> ItemOut:
        """The item's body; `urls` maps image ids to their URLs (see media.urls). The
        supplier is filled in for admins only (`admin`)."""
        data = item.model_dump(exclude={"id", "images"} if admin else {"id", "images", "supplier"})
        images = [
            ImageOut(
                id=i.id, alt=i.alt, width=i.width, height=i.height, urls=(urls or {}).get(i.id, {})
            )
            for i in item.images
        ]
        return cls(id=str(item.id), images=images, **data)


class FacetValue(BaseModel):
    value: Any
    count: int


class PriceBucket(BaseModel):
    min: int
    max: int | None
    count: int


class PriceFacet(BaseModel):
    min: int | None
    max: int | None
    buckets: list[PriceBucket]


class Facets(BaseModel):
    fields: dict[str, list[FacetValue]] = Field(
        description="Counts per value for each filterable field; a field's counts ignore its "
        "own filter and apply all the others (disjunctive). `category` counts the categories "
        "on the matching items' paths, within the chosen category"
    )
    price: PriceFacet


class ItemPage(BaseModel):
    items: list[ItemOut]
    next_cursor: str | None
    facets: Facets | None = None


class VocabularyOut(BaseModel):
    field: str
    choices: list[Choice]


class ImageDetailOut(BaseModel):
    """An image as the media endpoints show it: what ItemOut lists, plus its content type."""

    id: str
    alt: str
    width: int
    height: int
    content_type: str
    urls: dict[str, str] = Field(description="`original` plus one per thumbnail width")


class ImageAltIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    alt: Annotated[str, Field(max_length=300)]


class ImageOrderIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    image_ids: list[str]

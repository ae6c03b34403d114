"""Request and response bodies of the taxonomy: categories, attributes, brands, vocabularies."""

from __future__ import annotations

from pydantic import BaseModel, Field, model_validator

from garderobe.api.fields import MAX_POSITION, Omittable, Request
from garderobe.catalog.taxonomy.documents import AttributeDefinition, AttributeType, Choice, slugify


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
    size_systems: list[SizeSystemOut] = Field(
        default_factory=list,
        description="The size systems its items are sized in (its own, else its nearest "
        "ancestor's), in the order a size given as text is read on, with their values",
    )
    garment: str | None = Field(
        default=None,
        description="What its items are worn as (tops, bottoms, jeans, shoes; its own, else "
        "its nearest ancestor's): with a size's system it names the size chart (GET "
        "/api/v1/sizes/charts/{kind})",
    )


class SizeSystemOut(BaseModel):
    code: str
    label: str
    values: list[str] = Field(description="In scale order")


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


class SizeSystemsIn(Request):
    systems: list[str] = Field(
        max_length=20,
        description="Size system codes (GET /api/v1/sizes lists them); empty: the parent's",
    )


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


class VocabularyOut(BaseModel):
    field: str
    choices: list[Choice]

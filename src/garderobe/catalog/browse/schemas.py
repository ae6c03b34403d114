"""Response bodies of the read side: listing pages with their facets, search answers."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from garderobe.catalog.documents import Money
from garderobe.catalog.schemas import ItemOut
from garderobe.catalog.suppliers.schemas import SupplierRef


class FacetValue(BaseModel):
    value: Any = Field(description='What the filter takes: a slug, a size ("letter:M") …')
    count: int
    label: str | None = Field(
        default=None,
        exclude_if=lambda label: label is None,
        description='As shown, where the value is not: sizes ("EU 38"); left out otherwise',
    )


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


class SearchItem(BaseModel):
    id: str
    title: str = Field(description="Plain text (escape it before putting it into HTML)")
    brand: str = Field(description="Plain text")
    categories: list[str]
    price: Money
    snippet: str = Field(
        description="HTML: the matching part of the title and description with every `<`, `>`, "
        "`&` and quote of the item text escaped, and only the matched words wrapped in "
        "`<mark>`…`</mark>`. Safe to insert as HTML."
    )
    score: float


class SearchOut(BaseModel):
    query_terms: list[str]
    items: list[SearchItem]
    categories: list[str]
    brands: list[str]
    suppliers: list[SupplierRef] | None = Field(
        default=None,
        description="Admins only (left out for others): suppliers whose name matches",
    )

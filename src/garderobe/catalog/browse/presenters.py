"""Bodies of the read side: listing pages with their facets, search answers, suggestions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import TypeAdapter

from garderobe.catalog.browse.facets import FacetCounts
from garderobe.catalog.browse.schemas import (
    Facets,
    FacetValue,
    ItemPage,
    PriceBucket,
    PriceFacet,
    SearchItem,
    SearchOut,
)
from garderobe.catalog.browse.search import SearchHit
from garderobe.catalog.documents import Money
from garderobe.catalog.fit.presenters import label_in
from garderobe.catalog.index.offers import SIZE_FACET, size_of_token
from garderobe.catalog.index.tokens import CATEGORY_SEPARATOR, PRICE_BOUNDARIES
from garderobe.catalog.presenters import public_fields
from garderobe.catalog.schemas import ItemOut
from garderobe.catalog.suppliers.models import Supplier
from garderobe.catalog.suppliers.schemas import SupplierRef
from garderobe.catalog.variants.presenters import size_label

_SUGGESTIONS = TypeAdapter(list[str])


def facets_out(counts: FacetCounts, size_system: str | None = None) -> Facets:
    """The facets' body: value counts per field, price range and buckets; sizes labelled
    in the shopper's `size_system` where a chart converts them."""
    bounds = PRICE_BOUNDARIES
    buckets = [
        PriceBucket(
            min=low,
            max=bounds[i + 1] if i + 1 < len(bounds) else None,
            count=counts.price_buckets.get(low, 0),
        )
        for i, low in enumerate(bounds)
    ]
    return Facets(
        fields={
            name: [
                FacetValue(value=v, count=c, label=_label(name, v, size_system)) for v, c in values
            ]
            for name, values in counts.fields.items()
        },
        price=PriceFacet(min=counts.price_min, max=counts.price_max, buckets=buckets),
    )


def page_json(
    cards: list[ItemOut],
    next_cursor: str | None,
    counts: FacetCounts | None,
    *,
    admin: bool,
    size_system: str | None = None,
) -> bytes:
    """A listing page as JSON: for non-admins its items without the admin-only keys."""
    body = ItemPage(
        items=cards,
        next_cursor=next_cursor,
        facets=facets_out(counts, size_system) if counts is not None else None,
    )
    exclude: dict[str, Any] | None = None if admin else {"items": {"__all__": public_fields()}}
    return body.model_dump_json(exclude=exclude).encode()


def search_json(
    terms: list[str],
    hits: Sequence[SearchHit],
    names: Mapping[str, list[str]],
    suppliers: Sequence[Supplier] | None,
) -> bytes:
    """A search answer as JSON; `suppliers` (matching suppliers) only for admins: for
    anyone else (None) the member is left out."""
    out = SearchOut(
        query_terms=terms,
        items=[
            SearchItem(
                id=h.item_id,
                title=h.title,
                brand=h.brand_name,
                categories=h.category_names.split(CATEGORY_SEPARATOR),
                price=Money(amount=h.price_amount, currency=h.currency),
                snippet=h.snippet,
                score=round(h.score, 4),
            )
            for h in hits
        ],
        categories=names["category"],
        brands=names["brand"],
    )
    if suppliers is None:
        return out.model_dump_json(exclude={"suppliers"}).encode()
    out.suppliers = [SupplierRef(slug=s.slug, name=s.name) for s in suppliers]
    return out.model_dump_json().encode()


def suggestions_json(found: list[str]) -> bytes:
    return _SUGGESTIONS.dump_json(found)


def _label(facet: str, value: object, size_system: str | None) -> str | None:
    if facet != SIZE_FACET or not isinstance(value, str):
        return None
    size = size_of_token(value)
    if size is None:
        return None
    if size_system is not None and size.system != size_system:
        return label_in(size_system, size.system, size.value) or size_label(size)
    return size_label(size)

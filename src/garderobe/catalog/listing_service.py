"""From query parameters to an ItemPage: search, schema lookup, listing, facet shaping."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from sqlalchemy.ext.asyncio import AsyncSession

from garderobe.catalog import listing, search, views
from garderobe.catalog.documents import AttributeType, ItemStatus
from garderobe.catalog.schemas import (
    Facets,
    FacetValue,
    ItemPage,
    PriceBucket,
    PriceFacet,
)
from garderobe.catalog.taxonomy import effective_attributes, get_category
from garderobe.errors import InvalidInput
from garderobe.infra.storage import ObjectStorage
from garderobe.settings import Settings

SortParam = Literal["newest", "price_asc", "price_desc", "relevance"]
ATTRIBUTE_PREFIX = "attr."


def attribute_filters(params: Mapping[str, Any]) -> dict[str, list[str]]:
    """`attr.fit=slim&attr.fit=regular` -> {"fit": ["slim", "regular"]}."""
    found: dict[str, list[str]] = {}
    getlist = getattr(params, "getlist", None)
    for key in params:
        if key.startswith(ATTRIBUTE_PREFIX) and len(key) > len(ATTRIBUTE_PREFIX):
            values = getlist(key) if getlist else [params[key]]
            found[key[len(ATTRIBUTE_PREFIX) :]] = [str(v) for v in values]
    return found


def _statuses(requested: list[str] | None) -> tuple[ItemStatus, ...]:
    if not requested:
        return (ItemStatus.ACTIVE,)
    try:
        return tuple(ItemStatus(s) for s in requested)
    except ValueError as exc:
        raise InvalidInput(f"status must be one of {[s.value for s in ItemStatus]}.") from exc


def _facets(result: listing.ListingResult) -> Facets:
    assert result.facets is not None
    assert result.price is not None
    buckets = []
    bounds = listing.PRICE_BOUNDARIES
    for i, low in enumerate(bounds):
        high = bounds[i + 1] if i + 1 < len(bounds) else None
        buckets.append(PriceBucket(min=low, max=high, count=result.price["buckets"].get(low, 0)))
    return Facets(
        fields={
            name: [FacetValue(value=v, count=c) for v, c in values]
            for name, values in result.facets.items()
        },
        price=PriceFacet(min=result.price["min"], max=result.price["max"], buckets=buckets),
    )


async def list_items(
    session: AsyncSession,
    params: Mapping[str, Any],
    *,
    fields: dict[str, list[str] | None],
    category: str | None,
    price_min: int | None,
    price_max: int | None,
    q: str | None,
    sort: SortParam | None,
    cursor: str | None,
    limit: int,
    facets: bool,
    statuses: list[str] | None,
    storage: ObjectStorage,
    settings: Settings,
) -> ItemPage:
    """One page of items (and facets) for the listing's query parameters."""
    if sort == "relevance" and not q:
        raise InvalidInput("sort=relevance needs a search query `q`.")
    schema_types: dict[str, AttributeType] = {}
    if category:
        definitions = await effective_attributes(await get_category(category))
        schema_types = {d.name: d.type for d in definitions}
    ranked = None
    if q:
        ranked = [item_id for item_id, _ in await search.matching_item_ids(session, q)]
    query = listing.Listing(
        category_path=category,
        fields={k: v for k, v in fields.items() if v},
        attributes=attribute_filters(params),
        price_min=price_min,
        price_max=price_max,
        ranked_ids=ranked,
        sort=sort or ("relevance" if q else "newest"),
        cursor=cursor,
        limit=limit,
        statuses=_statuses(statuses),
    )
    facet_fields = listing.facet_fields_for(schema_types, query) if facets else None
    result = await listing.run(query, facet_fields)
    return ItemPage(
        items=[await views.item_out(i, storage, settings) for i in result.items],
        next_cursor=result.next_cursor,
        facets=_facets(result) if facets else None,
    )

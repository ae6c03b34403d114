"""From query parameters to a listing page body: normalize, cache, query the index, shape."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from beanie import PydanticObjectId
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession

from garderobe.catalog import cache, facets, index, listing, ratings, search
from garderobe.catalog import presenters as views
from garderobe.catalog.documents import AttributeType, Item, ItemStatus
from garderobe.catalog.memory_index import MemoryIndex
from garderobe.catalog.schemas import Facets, FacetValue, ItemPage, PriceBucket, PriceFacet
from garderobe.catalog.taxonomy import effective_attributes, get_category
from garderobe.errors import InvalidInput
from garderobe.infra.cache import Cached, digested
from garderobe.infra.storage import ObjectStorage
from garderobe.settings import Settings

SortParam = Literal["newest", "price_asc", "price_desc", "relevance", "rating"]
ATTRIBUTE_PREFIX = "attr."
FACETABLE = (AttributeType.ENUM, AttributeType.MULTI_ENUM, AttributeType.BOOLEAN)


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
        return tuple(sorted({ItemStatus(s) for s in requested}))
    except ValueError as exc:
        raise InvalidInput(f"status must be one of {[s.value for s in ItemStatus]}.") from exc


def _normalized(values: Sequence[str] | None) -> list[str]:
    return sorted(set(values or []))


@dataclass(frozen=True)
class ListingQuery:
    """The listing's parameters, parsed and normalized: equal queries are equal objects."""

    category: str | None = None
    fields: dict[str, list[str]] = field(default_factory=dict)
    attributes: dict[str, list[str]] = field(default_factory=dict)
    price_min: int | None = None
    price_max: int | None = None
    q: str | None = None
    sort: SortParam = "newest"
    cursor: str | None = None
    limit: int = 24
    facets: bool = False
    statuses: tuple[ItemStatus, ...] = (ItemStatus.ACTIVE,)
    # Admins' pages show admin-only fields (the supplier): they are cached apart.
    admin: bool = False

    @classmethod
    def parse(
        cls,
        params: Mapping[str, Any],
        *,
        fields: Mapping[str, list[str] | None],
        q: str | None,
        sort: SortParam | None,
        statuses: list[str] | None,
        **rest: Any,
    ) -> ListingQuery:
        """`params` is the raw query string (for `attr.*`); the rest come parsed."""
        words = " ".join(q.split()) if q else None
        if sort == "relevance" and not words:
            raise InvalidInput("sort=relevance needs a search query `q`.")
        return cls(
            fields={k: _normalized(v) for k, v in sorted(fields.items()) if v},
            attributes={k: _normalized(v) for k, v in sorted(attribute_filters(params).items())},
            q=words,
            sort=sort or ("relevance" if words else "newest"),
            statuses=_statuses(statuses),
            **rest,
        )

    def cache_key(self) -> str:
        return cache.key("items", asdict(self))


async def _facetable(slug: str) -> tuple[bytes, str]:
    definitions = await effective_attributes(await get_category(slug))
    found = {d.name: d.type.value for d in definitions if d.type in FACETABLE}
    return digested(json.dumps(found, sort_keys=True).encode())


async def category_facets(redis: Redis, settings: Settings, slug: str) -> dict[str, str]:
    """The category's facetable attributes (name -> type); CategoryNotFound if there is no
    such category. Cached with the catalog's pages: two MongoDB reads saved per listing."""
    cached = await cache.response_cache(redis, settings).get_or_compute(
        cache.key("category-facets", {"slug": slug}), lambda: _facetable(slug)
    )
    found: dict[str, str] = json.loads(cached.body)
    return found


def _facet_names(query: ListingQuery, schema: dict[str, str]) -> tuple[list[str], set[str]]:
    """The facets to count (fixed fields, category, the category's facetable attributes and
    any filtered attribute) and which of them hold booleans."""
    schema = dict(schema)
    for name in query.attributes:
        schema.setdefault(name, AttributeType.ENUM.value)
    names = [*facets.FIELD_FACETS, "category", *(f"attr.{n}" for n in sorted(schema))]
    names.append(index.RATING_FACET)
    booleans = {f"attr.{n}" for n, kind in schema.items() if kind == AttributeType.BOOLEAN.value}
    return names, booleans


def _facets_out(counts: facets.FacetCounts) -> Facets:
    bounds = facets.PRICE_BOUNDARIES
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
            name: [FacetValue(value=v, count=c) for v, c in values]
            for name, values in counts.fields.items()
        },
        price=PriceFacet(min=counts.price_min, max=counts.price_max, buckets=buckets),
    )


async def documents(item_ids: Sequence[str]) -> list[Item]:
    """The items of a page from MongoDB (the system of record), in the page's order; an id
    the index still lists but MongoDB no longer has is left out."""
    if not item_ids:  # an empty page asks nothing (the stand-in scans everything for `$in: []`)
        return []
    found = await Item.find({"_id": {"$in": [PydanticObjectId(i) for i in item_ids]}}).to_list()
    by_id = {str(item.id): item for item in found}
    return [by_id[i] for i in item_ids if i in by_id]


async def _listing(session: AsyncSession, query: ListingQuery) -> listing.Listing:
    tsquery = None
    if query.q:
        tsquery = search.to_tsquery(await search.query_terms(session, query.q), "&")
    return listing.Listing(
        category_path=query.category,
        fields=query.fields,
        attributes=query.attributes,
        price_min=query.price_min,
        price_max=query.price_max,
        tsquery=tsquery,
        sort=query.sort,
        cursor=query.cursor,
        limit=query.limit,
        statuses=query.statuses,
    )


async def page_body(
    session: AsyncSession,
    redis: Redis,
    query: ListingQuery,
    storage: ObjectStorage,
    settings: Settings,
    memory: MemoryIndex | None = None,
) -> tuple[bytes, str]:
    """The JSON body of one page (and its facets), computed from the index and MongoDB."""
    schema: dict[str, str] = {}
    if query.category:  # first: an unknown category is a 404 before any query runs
        schema = await category_facets(redis, settings, query.category)
    spec = await _listing(session, query)
    found = await listing.page(session, spec)
    counted = None
    if query.facets:
        names = _facet_names(query, schema)
        counted = _facets_out(await facets.facets(session, spec, *names, memory))
    rated = await ratings.summaries(session, found.rated)
    unrated = ratings.UNRATED
    admin = query.admin
    items = [
        await views.item_out(i, storage, settings, rated.get(str(i.id), unrated), admin=admin)
        for i in await documents(found.item_ids)
    ]
    body = ItemPage(items=items, next_cursor=found.next_cursor, facets=counted)
    return digested(views.page_json(body, admin=admin))


async def list_items(
    session: AsyncSession,
    redis: Redis,
    query: ListingQuery,
    storage: ObjectStorage,
    settings: Settings,
    memory: MemoryIndex | None = None,
) -> Cached:
    """One page of items (and facets), from the cache when this query was answered since
    the catalog last changed."""
    return await cache.response_cache(redis, settings).get_or_compute(
        query.cache_key(), lambda: page_body(session, redis, query, storage, settings, memory)
    )

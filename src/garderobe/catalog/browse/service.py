"""The catalog's read service: listing pages with their facets, item detail, search and
suggestions, each answered from the response cache when it was asked since the catalog
last changed, else computed from the read index, the in-memory bitmaps and MongoDB."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession

from garderobe.catalog import cache, presenters
from garderobe.catalog import service as items
from garderobe.catalog.browse import facets, listing, search, viewed
from garderobe.catalog.browse import presenters as pages
from garderobe.catalog.browse.query import ListingQuery
from garderobe.catalog.fit import advice, feedback, measures
from garderobe.catalog.fit import profile as fit
from garderobe.catalog.index import ratings
from garderobe.catalog.index.selection import Selection
from garderobe.catalog.memory.index import MemoryIndex
from garderobe.catalog.suppliers import service as suppliers
from garderobe.catalog.taxonomy import snapshot as taxonomy
from garderobe.infra.cache import Cached, ResponseCache, digested
from garderobe.infra.storage import ObjectStorage
from garderobe.settings import Settings

# Up to this many matches (which the in-memory index knows), a page's statement reads them
# by their ids; more are found by walking the listing's order (`listing.page`).
FEW_MATCHES = 2_000


@dataclass(frozen=True)
class Reader:
    """What every catalog read needs: a session without a transaction (`ReadSession`),
    Redis (the response cache, recently viewed items), object storage (image URLs), the
    settings, and this process's in-memory index (None while it loads, or when
    CATALOG_INDEX=database: the statements answer then)."""

    session: AsyncSession
    redis: Redis
    storage: ObjectStorage
    settings: Settings
    memory: MemoryIndex | None

    @property
    def cache(self) -> ResponseCache:
        return cache.response_cache(self.redis, self.settings)


async def _caught_up(reader: Reader) -> MemoryIndex | None:
    """This process's in-memory index once it applied every committed change (else None:
    it loads, or has a backlog only the background applies; the statements answer)."""
    if reader.memory is not None and await reader.memory.refresh(reader.session):
        return reader.memory
    return None


async def _selection(
    reader: Reader, query: ListingQuery, tree: taxonomy.Taxonomy, known: measures.KnownValues | None
) -> Selection:
    """The query as the index reads it; `known`, where the measured attributes' values
    are known (the caught-up memory index: the statement scans every counter row)."""
    tsquery = None
    if query.q:
        tsquery = search.to_tsquery(await search.query_terms(reader.session, query.q), "&")
    groups = {}
    for name, wanted in (("fit", query.fit), ("size_across", query.size_across)):
        if wanted is not None:
            leaves = tree.leaves_by_garment()
            groups[name] = await fit.size_groups(reader.session, wanted, leaves, known)
    attributes = dict(query.attributes)
    for attribute, (low, high) in query.ranges.items():
        found = await measures.values_in_range(reader.session, attribute, low, high, known)
        given = attributes.get(attribute)
        attributes[attribute] = [v for v in found if given is None or v in given] or [""]
    return Selection(
        size_groups=groups,
        category_path=query.category,
        fields=query.fields,
        attributes=attributes,
        price_min=query.price_min,
        price_max=query.price_max,
        in_stock=query.in_stock,
        tsquery=tsquery,
        sort=query.sort,
        cursor=query.cursor,
        limit=query.limit,
        statuses=query.statuses,
    )


async def page_body(reader: Reader, query: ListingQuery) -> tuple[bytes, str]:
    """The JSON body of one page (and its facets), computed from the index and MongoDB."""
    schema: dict[str, str] = {}
    tree = await taxonomy.current(reader.redis)
    if query.category:  # first: an unknown category is a 404 before any query runs
        schema = tree.facetable_attributes(query.category)
    memory = await _caught_up(reader)
    selection = await _selection(reader, query, tree, memory)
    if selection.tsquery is not None:
        memory = None  # the bitmaps count no search words
    matches = memory.matches(selection, FEW_MATCHES) if memory is not None else None
    found = await listing.page(reader.session, selection, matches)
    counted = None
    if query.facets:
        names = facets.facet_names(query.attributes, schema)
        counted = await facets.facets(reader.session, selection, *names, memory, caught_up=True)
    rated = await ratings.summaries(reader.session, found.rated)
    documents = await items.items_in_order(found.item_ids)
    summaries = {str(i.id): rated.get(str(i.id), ratings.UNRATED) for i in documents}
    cards = await presenters.item_outs(
        reader.session,
        documents,
        reader.storage,
        reader.settings,
        summaries,
        admin=query.admin,
        cards=True,
    )
    return digested(
        pages.page_json(
            cards, found.next_cursor, counted, admin=query.admin, size_system=query.size_system
        )
    )


async def list_items(reader: Reader, query: ListingQuery) -> Cached:
    """One page of items (and facets), from the cache when this query was answered since
    the catalog last changed."""
    return await reader.cache.get_or_compute(query.cache_key(), lambda: page_body(reader, query))


async def item_detail(
    reader: Reader, item_id: str, *, admin: bool, viewer: uuid.UUID | None
) -> Cached:
    """One item (non-admins: active items only) with its rating summary and ETag; a
    signed-in `viewer`'s view is recorded (after the lookup, which 404s unknown items;
    cache hits count too)."""

    async def body() -> tuple[bytes, str]:
        item = await items.get_item(item_id, include_inactive=admin)
        rating, version = await ratings.summary_and_version(reader.session, str(item.id))
        out = await presenters.item_out(
            reader.session, item, reader.storage, reader.settings, rating, admin=admin
        )
        fitted = await feedback.fit_summary(reader.session, item)
        out.fit = advice.summary_out(fitted)
        fit_version = "" if fitted.version == feedback.NO_VERDICTS else fitted.version
        tag = presenters.etag(item, version, fit_version)
        return presenters.item_json(out, admin=admin), tag

    if admin:  # exact stock, which a reservation changes without turning the cache over
        cached = Cached(*await body(), "bypass")
    else:
        cached = await reader.cache.get_or_compute(cache.key("item", {"id": item_id}), body)
    if viewer is not None:
        await viewed.record_view(reader.redis, viewer, item_id)
    return cached


async def _search_body(reader: Reader, q: str, limit: int, *, admin: bool) -> tuple[bytes, str]:
    terms, hits = await search.search(reader.session, q, limit, reader.memory)
    names = await search.suggest_names(reader.session, q, terms)
    found = await suppliers.matching(reader.session, q) if admin else None
    return digested(pages.search_json(terms, hits, names, found))


async def search_items(reader: Reader, q: str, limit: int, *, admin: bool) -> Cached:
    """Ranked items with highlighted snippets, plus matching categories and brands (and
    for admins, suppliers)."""
    key = cache.key("search", {"q": " ".join(q.split()), "limit": limit, "admin": admin})
    return await reader.cache.get_or_compute(
        key, lambda: _search_body(reader, q, limit, admin=admin)
    )


async def _suggest_body(reader: Reader, q: str, limit: int, *, admin: bool) -> tuple[bytes, str]:
    found = await search.suggest(reader.session, q, limit, reader.memory)
    if admin:  # supplier names first: an admin typing one is looking for it
        names = [s.name for s in await suppliers.matching(reader.session, q, limit)]
        found = list(dict.fromkeys(names + found))[:limit]
    return digested(pages.suggestions_json(found))


async def suggest(reader: Reader, q: str, limit: int, *, admin: bool) -> Cached:
    """Autocomplete: brand and category names, then item titles (admins: suppliers first)."""
    key = cache.key("suggest", {"q": " ".join(q.split()), "limit": limit, "admin": admin})
    return await reader.cache.get_or_compute(
        key, lambda: _suggest_body(reader, q, limit, admin=admin)
    )

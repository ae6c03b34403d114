"""Dependencies of the catalog's routes: the read context, the item a write targets, and the
cache turnover of MongoDB-only writes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from typing import Annotated, Literal

from fastapi import Depends, Header, Query, Request

from garderobe.accounts.dependencies import OptionalUser
from garderobe.api.deps import ReadSession, StoresDep
from garderobe.catalog import cache, service
from garderobe.catalog.browse.query import ListingQuery, SortParam
from garderobe.catalog.browse.service import Reader
from garderobe.catalog.documents import MAX_AMOUNT, Item
from garderobe.catalog.fit import service as fit
from garderobe.catalog.fit.profile import profile
from garderobe.catalog.index.tokens import RATING_FACET
from garderobe.catalog.memory.index import MemoryIndex
from garderobe.catalog.suppliers import service as suppliers
from garderobe.errors import PreconditionRequired, Unauthorized


async def catalog_write(stores: StoresDep) -> AsyncIterator[None]:
    """For routes that write MongoDB only (taxonomy, image order and alt texts): once the
    route has run, and before it answers, the cached catalog pages are obsolete.

    Routes that write in a PostgreSQL transaction mark their unit of work instead
    (`cache.changed`): their bump must wait for the commit, which happens after this.
    """
    try:
        yield
    finally:
        await cache.bump(stores.redis)


CatalogWrite = Depends(catalog_write, scope="function")


async def memory_index(request: Request, stores: StoresDep) -> MemoryIndex | None:
    """This process's in-memory index once loaded; None while it loads (its load is started
    if it is not under way), once it went over its budget (CATALOG_INDEX_MEMORY_MB) and when
    CATALOG_INDEX=database: the statements answer then."""
    found: MemoryIndex | None = request.app.state.memory_index
    if found is not None and not found.loaded:
        found.start_loading(stores.sessionmaker)
        return None
    return found


MemoryIndexDep = Annotated[MemoryIndex | None, Depends(memory_index)]


async def catalog_reader(session: ReadSession, stores: StoresDep, memory: MemoryIndexDep) -> Reader:
    return Reader(session, stores.redis, stores.storage, stores.settings, memory)


ReaderDep = Annotated[Reader, Depends(catalog_reader)]


@dataclass(frozen=True)
class ItemAtRevision:
    """The item a write targets, and the revision its If-Match header names."""

    item: Item
    revision: int


def expected_revision(value: str | None, item: Item) -> int:
    """The revision an If-Match header names; `*` means whatever is current. An ETag of
    another item can never match, so it is answered like a stale one (412)."""
    if value is None:
        raise PreconditionRequired("Send If-Match with the item's ETag to change it.")
    if value.strip() == "*":
        return item.revision
    tag = value.strip().removeprefix("W/").strip('"')
    item_id, _, revision = tag.rpartition("-")
    revision = revision.partition(".")[0]  # the rating suffix of a detail ETag
    if not item_id or not revision.isdigit():
        raise PreconditionRequired("If-Match must be an ETag this API returned.")
    if item_id != str(item.id):
        raise service.StaleRevision("That ETag belongs to another item.")
    return int(revision)


async def item_for_write(
    item_id: str, if_match: Annotated[str | None, Header()] = None
) -> ItemAtRevision:
    """The item (or 404) and the revision If-Match names (or 428/412)."""
    item = await service.get_item(item_id)
    return ItemAtRevision(item, expected_revision(if_match, item))


ItemForWrite = Annotated[ItemAtRevision, Depends(item_for_write)]


# The listing's query parameters (their names, order and descriptions are the API's).
CategoryParam = Annotated[str | None, Query(description="Category slug (includes subcategories)")]
Values = Annotated[list[str] | None, Query()]
Slugs = Annotated[list[str] | None, Query(description="Brand slug(s)")]
ColourSlugs = Annotated[list[str] | None, Query(description="Colour slug(s)")]
Amount = Annotated[int | None, Query(ge=0, le=MAX_AMOUNT, description="Minor units")]
Stars = Annotated[int | None, Query(ge=1, le=4, description="Average rating at least this (stars)")]
Words = Annotated[str | None, Query(min_length=1, max_length=200)]
Cursor = Annotated[str | None, Query(max_length=512)]
PageSize = Annotated[int, Query(ge=1, le=100)]
Statuses = Annotated[list[str] | None, Query(alias="status", description="Admins only")]
InStock = Annotated[
    bool, Query(description="Only items with something available (a sold-out item is listed)")
]
SupplierSlugs = Annotated[
    list[str] | None, Query(description="Supplier slug(s); admins only (403 for others)")
]


async def listing_query(
    request: Request,
    user: OptionalUser,
    category: CategoryParam = None,
    brand: Slugs = None,
    size: Values = None,
    colour: ColourSlugs = None,
    condition: Values = None,
    material: Values = None,
    pattern: Values = None,
    price_min: Amount = None,
    price_max: Amount = None,
    rating_min: Stars = None,
    q: Words = None,
    sort: Annotated[SortParam | None, Query()] = None,
    cursor: Cursor = None,
    limit: PageSize = 24,
    facets: bool = False,
    status_: Statuses = None,
    supplier: SupplierSlugs = None,
    in_stock: InStock = False,
) -> ListingQuery:
    """The listing's parameters, parsed and normalized (403 for a non-admin's supplier
    filter; `status` is for admins, ignored for others)."""
    admin = user is not None and user.is_admin
    fields = {
        "brand": brand,
        "size": size,
        "colour": colour,
        "condition": condition,
        "material": material,
        "pattern": pattern,
        RATING_FACET: [str(rating_min)] if rating_min is not None else None,
        "supplier": suppliers.listing_filter(supplier, admin=admin),
    }
    return ListingQuery.parse(
        request.query_params,
        fields=fields,
        q=q,
        sort=sort,
        statuses=status_ if admin else None,
        admin=admin,
        category=category,
        price_min=price_min,
        price_max=price_max,
        cursor=cursor,
        limit=limit,
        facets=facets,
        in_stock=in_stock,
    )


SizeSystemParam = Annotated[
    str | None,
    Query(max_length=40, description="Read `size` in this system, matched across systems"),
]
Measure = Annotated[float | None, Query(ge=0, le=400)]


async def listing_fit(
    query: Annotated[ListingQuery, Depends(listing_query)],
    user: OptionalUser,
    session: ReadSession,
    fits: Annotated[
        Literal["me"] | None,
        Query(description="`me`: only items with an available size that fits your saved sizes"),
    ] = None,
    bust: Measure = None,
    chest: Measure = None,
    waist: Measure = None,
    hips: Measure = None,
    height: Measure = None,
    inseam: Measure = None,
    foot_length: Annotated[float | None, Query(ge=0, le=400, description="mm")] = None,
    size_system: SizeSystemParam = None,
) -> ListingQuery:
    """The listing's query with what its items must fit: the caller's saved sizes (fits=me:
    401 signed out, 422 `no-saved-sizes`) and/or body dimensions given here (cm; foot length
    in mm, winning over saved ones), and its sizes read in `size_system`."""
    given = {
        "bust": bust,
        "chest": chest,
        "waist": waist,
        "hips": hips,
        "height": height,
        "inseam": inseam,
        "foot_length": foot_length,
    }
    body = {name: value for name, value in given.items() if value is not None}
    wanted = profile([], body) if body else None
    if fits == "me":
        if user is None:
            raise Unauthorized("fits=me needs you signed in.")
        saved = await fit.saved_profile(session, user.id)
        wanted = profile(saved.sizes, {**dict(saved.body), **body})
    return replace(query, fit=wanted).with_size_system(size_system)


ListingQueryDep = Annotated[ListingQuery, Depends(listing_fit)]

"""/api/v1/items."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Query, Request, Response, status

from garderobe.accounts.dependencies import AdminUser, OptionalUser
from garderobe.api.conditional import cached_json
from garderobe.api.deps import DbSession, ReadSession, SettingsDep, StorageDep, StoresDep
from garderobe.catalog import (
    cache,
    listing_service,
    presenters,
    ratings,
    service,
    suppliers,
    viewed,
)
from garderobe.catalog.dependencies import MemoryIndexDep
from garderobe.catalog.documents import MAX_AMOUNT, Item
from garderobe.catalog.index import RATING_FACET
from garderobe.catalog.routers.problems import ADMIN, READ, WRITE
from garderobe.catalog.schemas import ItemCreate, ItemIn, ItemOut, ItemPage, ItemPatch
from garderobe.errors import PreconditionRequired

router = APIRouter(prefix="/api/v1", tags=["catalog"])


def _etag(item: Item, rating_version: int = 0) -> str:
    """A strong ETag naming the item and its revision: `"<id>-<revision>"`; item detail
    adds `.<n>` once the item has a rating summary (its n-th change), so a new review never
    leaves a client with a stale 304."""
    suffix = f".{rating_version}" if rating_version else ""
    return f'"{item.id}-{item.revision}{suffix}"'


def _if_match(value: str | None, item: Item) -> int:
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


LISTING_DESCRIPTION = """
Active items, filtered, sorted and paginated with an opaque cursor (keyset: stable while
items are added). Repeat a filter to OR its values; different filters AND together.

**Attribute filters** use `attr.<name>=<value>` with the attribute names and value slugs of
the category's schema (`GET /api/v1/categories/{slug}`), e.g.
`?category=jeans&attr.fit=slim&attr.fit=regular&attr.rise=high`.

`facets=true` adds value counts for every filterable field (disjunctive: a field's counts
ignore its own filter), price min/max and price buckets, all from one query.
`q` restricts to full-text matches (typo tolerant) and enables `sort=relevance`.
`rating_min=N` keeps items whose average review rating is at least N stars, `sort=rating`
puts the best rated first (unrated last); the `rating` facet counts "N and up" per N.

Answers are cached until the catalog next changes (any acknowledged write is visible in the
very next listing) and carry an `ETag`: send it back in `If-None-Match` to get `304`.
"""


@router.get(
    "/items",
    response_model=ItemPage,
    responses={**READ, 403: {"description": "Problem: a `supplier` filter from a non-admin"}},
    summary="List and filter items",
    description=LISTING_DESCRIPTION,
)
async def list_items(
    request: Request,
    session: ReadSession,
    memory: MemoryIndexDep,
    user: OptionalUser,
    stores: StoresDep,
    settings: SettingsDep,
    category: Annotated[
        str | None, Query(description="Category slug (includes subcategories)")
    ] = None,
    brand: Annotated[list[str] | None, Query(description="Brand slug(s)")] = None,
    size: Annotated[list[str] | None, Query()] = None,
    colour: Annotated[list[str] | None, Query(description="Colour slug(s)")] = None,
    condition: Annotated[list[str] | None, Query()] = None,
    material: Annotated[list[str] | None, Query()] = None,
    pattern: Annotated[list[str] | None, Query()] = None,
    price_min: Annotated[int | None, Query(ge=0, le=MAX_AMOUNT, description="Minor units")] = None,
    price_max: Annotated[int | None, Query(ge=0, le=MAX_AMOUNT, description="Minor units")] = None,
    rating_min: Annotated[
        int | None, Query(ge=1, le=4, description="Average rating at least this (stars)")
    ] = None,
    q: Annotated[str | None, Query(min_length=1, max_length=200)] = None,
    sort: Annotated[listing_service.SortParam | None, Query()] = None,
    cursor: Annotated[str | None, Query(max_length=512)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 24,
    facets: bool = False,
    status_: Annotated[list[str] | None, Query(alias="status", description="Admins only")] = None,
    supplier: Annotated[
        list[str] | None, Query(description="Supplier slug(s); admins only (403 for others)")
    ] = None,
) -> Response:
    admin = user is not None and user.is_admin
    query = listing_service.ListingQuery.parse(
        request.query_params,
        fields={
            "brand": brand,
            "size": size,
            "colour": colour,
            "condition": condition,
            "material": material,
            "pattern": pattern,
            RATING_FACET: [str(rating_min)] if rating_min is not None else None,
            "supplier": suppliers.listing_filter(supplier, admin=admin),
        },
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
    )
    page = await listing_service.list_items(
        session, stores.redis, query, stores.storage, settings, memory
    )
    return cached_json(request, page)


@router.post(
    "/items",
    status_code=status.HTTP_201_CREATED,
    response_model=ItemOut,
    responses={**ADMIN, 422: {"description": "Problem: invalid fields or attributes"}},
    summary="Create an item (admin); attributes are checked against its category",
)
async def create_item(
    body: ItemCreate,
    session: DbSession,
    _: AdminUser,
    response: Response,
    storage: StorageDep,
    settings: SettingsDep,
) -> ItemOut:
    item = await service.create_item(session, body)
    response.headers["ETag"] = _etag(item)
    response.headers["Location"] = f"/api/v1/items/{item.id}"
    return await presenters.item_out(item, storage, settings, admin=True)


@router.get(
    "/items/{item_id}",
    response_model=ItemOut,
    responses={**READ, 404: {"description": "Problem: no such (active) item"}},
    summary='One item (non-admins see active items only); ETag: "<id>-<revision>"',
)
async def get_item(
    item_id: str,
    request: Request,
    session: ReadSession,
    user: OptionalUser,
    stores: StoresDep,
    settings: SettingsDep,
) -> Response:
    admin = user is not None and user.is_admin

    async def body() -> tuple[bytes, str]:
        item = await service.get_item(item_id, include_inactive=admin)
        rating, rating_version = await ratings.summary_and_version(session, str(item.id))
        out = await presenters.item_out(item, stores.storage, settings, rating, admin=admin)
        return presenters.item_json(out, admin=admin), _etag(item, rating_version)

    key = cache.key("item", {"id": item_id, "admin": admin})
    cached = await cache.response_cache(stores.redis, settings).get_or_compute(key, body)
    if user is not None:  # after the lookup, which 404s unknown items; cache hits count too
        await viewed.record_view(stores.redis, user.id, item_id)
    return cached_json(request, cached)


@router.put(
    "/items/{item_id}",
    response_model=ItemOut,
    responses=WRITE,
    summary="Replace an item (admin); needs If-Match",
)
async def replace_item(
    item_id: str,
    body: ItemIn,
    session: DbSession,
    _: AdminUser,
    storage: StorageDep,
    settings: SettingsDep,
    response: Response,
    if_match: Annotated[str | None, Header()] = None,
) -> ItemOut:
    item = await service.get_item(item_id)
    updated = await service.update_item(session, item, body.model_dump(), _if_match(if_match, item))
    response.headers["ETag"] = _etag(updated)
    return await presenters.item_out(updated, storage, settings, admin=True)


@router.patch(
    "/items/{item_id}",
    response_model=ItemOut,
    responses=WRITE,
    summary="Change some fields of an item (admin); needs If-Match",
)
async def patch_item(
    item_id: str,
    body: ItemPatch,
    session: DbSession,
    _: AdminUser,
    storage: StorageDep,
    settings: SettingsDep,
    response: Response,
    if_match: Annotated[str | None, Header()] = None,
) -> ItemOut:
    item = await service.get_item(item_id)
    changes = body.model_dump(exclude_unset=True)
    if "attributes" in changes:
        merged = {**item.attributes, **(changes["attributes"] or {})}
        changes["attributes"] = {k: v for k, v in merged.items() if v is not None}
    updated = await service.update_item(session, item, changes, _if_match(if_match, item))
    response.headers["ETag"] = _etag(updated)
    return await presenters.item_out(updated, storage, settings, admin=True)


@router.delete(
    "/items/{item_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=WRITE,
    summary="Delete an item (admin); needs If-Match",
)
async def delete_item(
    item_id: str, session: DbSession, _: AdminUser, if_match: Annotated[str | None, Header()] = None
) -> None:
    item = await service.get_item(item_id)
    await service.delete_item(session, item, _if_match(if_match, item))

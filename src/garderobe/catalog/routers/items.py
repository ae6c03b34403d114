"""/api/v1/items."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

from garderobe.accounts.apikeys.dependencies import CatalogWriter
from garderobe.accounts.dependencies import OptionalUser
from garderobe.api.conditional import cached_json
from garderobe.api.deps import DbSession, SettingsDep, StorageDep
from garderobe.catalog import presenters, service
from garderobe.catalog.browse import service as browse
from garderobe.catalog.browse.schemas import ItemPage
from garderobe.catalog.dependencies import ItemForWrite, ListingQueryDep, ReaderDep
from garderobe.catalog.routers.problems import ADMIN, READ, WRITE
from garderobe.catalog.schemas import ItemCreate, ItemIn, ItemOut, ItemPatch

router = APIRouter(prefix="/api/v1", tags=["catalog"])


LISTING_DESCRIPTION = """
Active items, filtered, sorted and paginated with an opaque cursor (keyset: stable while
items are added). Repeat a filter to OR its values; different filters AND together.

**Attribute filters** use `attr.<name>=<value>` with the attribute names and value slugs of
the category's schema (`GET /api/v1/categories/{slug}`), e.g.
`?category=jeans&attr.fit=slim&attr.fit=regular&attr.rise=high`.

**Variants.** An item is listed once, whatever it comes in. `size`, `colour`, `price_min`,
`price_max` and `in_stock=true` filter what it is sold in: an item matches when one of its
available variants matches all of them (the same variant: "black" and "M" find an item with
a black M, not one with a black S and a white M). `size` takes a value as the facet gives it
(`letter:M`, `eu_women:38`) or a bare size (`M`, `38`: that size on every size system it
reads on). Sorted by price, an item counts at the lowest price of its variants that match.
A sold-out item stays listed (`availability: sold_out`) unless `in_stock=true`.

`facets=true` adds value counts for every filterable field (disjunctive: a field's counts
ignore its own filter), price min/max and price buckets, all from one query. Facets count
items, not variants, and sizes, colours and prices only of what is available; the size
facet comes in scale order, each value with its `label`.
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
async def list_items(request: Request, reader: ReaderDep, query: ListingQueryDep) -> Response:
    return cached_json(request, await browse.list_items(reader, query))


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
    _: CatalogWriter,
    response: Response,
    storage: StorageDep,
    settings: SettingsDep,
) -> ItemOut:
    item = await service.create_item(session, body)
    response.headers["ETag"] = presenters.etag(item)
    response.headers["Location"] = f"/api/v1/items/{item.id}"
    return await presenters.item_out(session, item, storage, settings, admin=True)


@router.get(
    "/items/{item_id}",
    response_model=ItemOut,
    responses={**READ, 404: {"description": "Problem: no such (active) item"}},
    summary='One item (non-admins see active items only); ETag: "<id>-<revision>"',
)
async def get_item(
    item_id: str, request: Request, reader: ReaderDep, user: OptionalUser
) -> Response:
    admin = user is not None and user.is_admin
    viewer = user.id if user is not None else None
    return cached_json(
        request, await browse.item_detail(reader, item_id, admin=admin, viewer=viewer)
    )


@router.put(
    "/items/{item_id}",
    response_model=ItemOut,
    responses=WRITE,
    summary="Replace an item (admin); needs If-Match",
)
async def replace_item(
    body: ItemIn,
    session: DbSession,
    _: CatalogWriter,
    target: ItemForWrite,
    storage: StorageDep,
    settings: SettingsDep,
    response: Response,
) -> ItemOut:
    updated = await service.update_item(session, target.item, body.model_dump(), target.revision)
    response.headers["ETag"] = presenters.etag(updated)
    return await presenters.item_out(session, updated, storage, settings, admin=True)


@router.patch(
    "/items/{item_id}",
    response_model=ItemOut,
    responses=WRITE,
    summary="Change some fields of an item (admin); needs If-Match",
)
async def patch_item(
    body: ItemPatch,
    session: DbSession,
    _: CatalogWriter,
    target: ItemForWrite,
    storage: StorageDep,
    settings: SettingsDep,
    response: Response,
) -> ItemOut:
    changes = body.model_dump(exclude_unset=True)
    updated = await service.patch_item(session, target.item, changes, target.revision)
    response.headers["ETag"] = presenters.etag(updated)
    return await presenters.item_out(session, updated, storage, settings, admin=True)


@router.delete(
    "/items/{item_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=WRITE,
    summary="Delete an item (admin); needs If-Match",
)
async def delete_item(session: DbSession, _: CatalogWriter, target: ItemForWrite) -> None:
    await service.delete_item(session, target.item, target.revision)

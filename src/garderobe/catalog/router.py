"""/api/v1/categories, /api/v1/brands, /api/v1/items."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request, Response, status

from garderobe.accounts.dependencies import AdminUser, OptionalUser
from garderobe.api.conditional import cached_json
from garderobe.api.deps import DbSession, SettingsDep, StorageDep, StoresDep
from garderobe.catalog import cache, categories, listing_service, service, views
from garderobe.catalog.dependencies import CatalogWrite
from garderobe.catalog.documents import MAX_AMOUNT, Category, Item
from garderobe.catalog.schemas import (
    AttributeIn,
    BrandIn,
    BrandOut,
    BrandUpdateIn,
    CategoryIn,
    CategoryNode,
    CategoryOut,
    CategoryRef,
    CategoryUpdateIn,
    ItemCreate,
    ItemIn,
    ItemOut,
    ItemPage,
    ItemPatch,
    ValueIn,
)
from garderobe.catalog.taxonomy import ancestors, get_category, merge_attributes
from garderobe.errors import PreconditionRequired
from garderobe.infra.cache import digested

router = APIRouter(prefix="/api/v1", tags=["catalog"])

_ADMIN: dict[int | str, dict[str, Any]] = {
    401: {"description": "Problem: not logged in"},
    403: {"description": "Problem: admin role needed"},
}
_READ: dict[int | str, dict[str, Any]] = {
    304: {"description": "Not modified: the If-None-Match ETag is still current"},
}
_WRITE: dict[int | str, dict[str, Any]] = {
    **_ADMIN,
    404: {"description": "Problem: no such item"},
    412: {"description": "Problem: the item changed since it was read (stale If-Match)"},
    428: {"description": "Problem: If-Match header missing"},
}


def _etag(item: Item) -> str:
    """A strong ETag naming the item and its revision: `"<id>-<revision>"`."""
    return f'"{item.id}-{item.revision}"'


def _if_match(value: str | None, item: Item) -> int:
    """The revision an If-Match header names; `*` means whatever is current. An ETag of
    another item can never match, so it is answered like a stale one (412)."""
    if value is None:
        raise PreconditionRequired("Send If-Match with the item's ETag to change it.")
    if value.strip() == "*":
        return item.revision
    tag = value.strip().removeprefix("W/").strip('"')
    item_id, _, revision = tag.rpartition("-")
    if not item_id or not revision.isdigit():
        raise PreconditionRequired("If-Match must be an ETag this API returned.")
    if item_id != str(item.id):
        raise service.StaleRevision("That ETag belongs to another item.")
    return int(revision)


async def _category_out(category: Category) -> CategoryOut:
    chain = await ancestors(category)
    children = await categories.children_of([category.slug])
    return CategoryOut(
        slug=category.slug,
        name=category.name,
        parent=category.parent,
        breadcrumb=[CategoryRef(slug=c.slug, name=c.name) for c in chain],
        children=[CategoryRef(slug=c.slug, name=c.name) for c in children],
        own_attributes=category.attributes,
        attributes=merge_attributes(chain),
    )


@router.get(
    "/categories",
    response_model=list[CategoryNode],
    responses=_READ,
    summary="The category tree",
)
async def category_tree(request: Request, stores: StoresDep, settings: SettingsDep) -> Response:
    cached = await cache.response_cache(stores.redis, settings).get_or_compute(
        "categories", views.category_tree_body
    )
    return cached_json(request, cached)


async def _category_body(slug: str) -> tuple[bytes, str]:
    return digested((await _category_out(await get_category(slug))).model_dump_json().encode())


@router.get(
    "/categories/{slug}",
    response_model=CategoryOut,
    responses=_READ,
    summary="A category with its breadcrumb and effective attribute schema",
)
async def category_detail(
    slug: str, request: Request, stores: StoresDep, settings: SettingsDep
) -> Response:
    cached = await cache.response_cache(stores.redis, settings).get_or_compute(
        cache.key("category", {"slug": slug}), lambda: _category_body(slug)
    )
    return cached_json(request, cached)


@router.post(
    "/categories",
    status_code=status.HTTP_201_CREATED,
    response_model=CategoryOut,
    responses=_ADMIN,
    summary="Create a category (admin)",
    dependencies=[CatalogWrite],
)
async def create_category(body: CategoryIn, _: AdminUser) -> CategoryOut:
    return await _category_out(await categories.create_category(body))


@router.patch(
    "/categories/{slug}",
    response_model=CategoryOut,
    responses=_ADMIN,
    summary="Rename or reorder a category (admin)",
    dependencies=[CatalogWrite],
)
async def update_category(slug: str, body: CategoryUpdateIn, _: AdminUser) -> CategoryOut:
    changes = body.model_dump(exclude_unset=True, exclude_none=True)
    return await _category_out(await categories.update_category(slug, changes))


@router.delete(
    "/categories/{slug}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={**_ADMIN, 409: {"description": "Problem: has children or items"}},
    summary="Delete a category (admin); refused while it has children or items",
    dependencies=[CatalogWrite],
)
async def delete_category(slug: str, _: AdminUser) -> None:
    await categories.delete_category(slug)


@router.post(
    "/categories/{slug}/attributes",
    status_code=status.HTTP_201_CREATED,
    response_model=CategoryOut,
    responses=_ADMIN,
    summary="Add an attribute to a category (admin); inherited by its subcategories",
    dependencies=[CatalogWrite],
)
async def add_attribute(slug: str, body: AttributeIn, _: AdminUser) -> CategoryOut:
    return await _category_out(await categories.add_attribute(slug, body))


@router.post(
    "/categories/{slug}/attributes/{name}/values",
    status_code=status.HTTP_201_CREATED,
    response_model=CategoryOut,
    responses=_ADMIN,
    summary="Allow one more value for an enum attribute (admin)",
    dependencies=[CatalogWrite],
)
async def add_value(slug: str, name: str, body: ValueIn, _: AdminUser) -> CategoryOut:
    return await _category_out(await categories.add_value(slug, name, body.label))


@router.delete(
    "/categories/{slug}/attributes/{name}/values/{value}",
    response_model=CategoryOut,
    responses={**_ADMIN, 409: {"description": "Problem: items use the value"}},
    summary="Remove a value (admin); refused while items use it unless force=true",
    dependencies=[CatalogWrite],
)
async def remove_value(
    slug: str, name: str, value: str, _: AdminUser, force: bool = False
) -> CategoryOut:
    return await _category_out(await categories.remove_value(slug, name, value, force=force))


@router.get("/brands", response_model=list[BrandOut], summary="All brands")
async def list_brands() -> list[BrandOut]:
    return [BrandOut(slug=b.slug, name=b.name) for b in await categories.list_brands()]


@router.post(
    "/brands",
    status_code=status.HTTP_201_CREATED,
    response_model=BrandOut,
    responses=_ADMIN,
    summary="Create a brand (admin)",
    dependencies=[CatalogWrite],
)
async def create_brand(body: BrandIn, _: AdminUser) -> BrandOut:
    brand = await categories.create_brand(body.name, body.slug)
    return BrandOut(slug=brand.slug, name=brand.name)


@router.patch(
    "/brands/{slug}",
    response_model=BrandOut,
    responses=_ADMIN,
    summary="Rename a brand (admin)",
    dependencies=[CatalogWrite],
)
async def rename_brand(slug: str, body: BrandUpdateIn, _: AdminUser) -> BrandOut:
    brand = await categories.rename_brand(slug, body.name)
    return BrandOut(slug=brand.slug, name=brand.name)


LISTING_DESCRIPTION = """
Active items, filtered, sorted and paginated with an opaque cursor (keyset: stable while
items are added). Repeat a filter to OR its values; different filters AND together.

**Attribute filters** use `attr.<name>=<value>` with the attribute names and value slugs of
the category's schema (`GET /api/v1/categories/{slug}`), e.g.
`?category=jeans&attr.fit=slim&attr.fit=regular&attr.rise=high`.

`facets=true` adds value counts for every filterable field (disjunctive: a field's counts
ignore its own filter), price min/max and price buckets, all from one query.
`q` restricts to full-text matches (typo tolerant) and enables `sort=relevance`.

Answers are cached until the catalog next changes (any acknowledged write is visible in the
very next listing) and carry an `ETag`: send it back in `If-None-Match` to get `304`.
"""


@router.get(
    "/items",
    response_model=ItemPage,
    responses=_READ,
    summary="List and filter items",
    description=LISTING_DESCRIPTION,
)
async def list_items(
    request: Request,
    session: DbSession,
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
    q: Annotated[str | None, Query(min_length=1, max_length=200)] = None,
    sort: Annotated[listing_service.SortParam | None, Query()] = None,
    cursor: Annotated[str | None, Query(max_length=512)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 24,
    facets: bool = False,
    status_: Annotated[list[str] | None, Query(alias="status", description="Admins only")] = None,
) -> Response:
    query = listing_service.ListingQuery.parse(
        request.query_params,
        fields={
            "brand": brand,
            "size": size,
            "colour": colour,
            "condition": condition,
            "material": material,
            "pattern": pattern,
        },
        q=q,
        sort=sort,
        statuses=status_ if user is not None and user.is_admin else None,
        category=category,
        price_min=price_min,
        price_max=price_max,
        cursor=cursor,
        limit=limit,
        facets=facets,
    )
    page = await listing_service.list_items(session, stores.redis, query, stores.storage, settings)
    return cached_json(request, page)


@router.post(
    "/items",
    status_code=status.HTTP_201_CREATED,
    response_model=ItemOut,
    responses={**_ADMIN, 422: {"description": "Problem: invalid fields or attributes"}},
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
    return await views.item_out(item, storage, settings)


@router.get(
    "/items/{item_id}",
    response_model=ItemOut,
    responses={**_READ, 404: {"description": "Problem: no such (active) item"}},
    summary='One item (non-admins see active items only); ETag: "<id>-<revision>"',
)
async def get_item(
    item_id: str, request: Request, user: OptionalUser, stores: StoresDep, settings: SettingsDep
) -> Response:
    admin = user is not None and user.is_admin

    async def body() -> tuple[bytes, str]:
        item = await service.get_item(item_id, include_inactive=admin)
        out = await views.item_out(item, stores.storage, settings)
        return out.model_dump_json().encode(), _etag(item)

    key = cache.key("item", {"id": item_id, "admin": admin})
    cached = await cache.response_cache(stores.redis, settings).get_or_compute(key, body)
    return cached_json(request, cached)


@router.put(
    "/items/{item_id}",
    response_model=ItemOut,
    responses=_WRITE,
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
    return await views.item_out(updated, storage, settings)


@router.patch(
    "/items/{item_id}",
    response_model=ItemOut,
    responses=_WRITE,
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
    return await views.item_out(updated, storage, settings)


@router.delete(
    "/items/{item_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=_WRITE,
    summary="Delete an item (admin); needs If-Match",
)
async def delete_item(
    item_id: str, session: DbSession, _: AdminUser, if_match: Annotated[str | None, Header()] = None
) -> None:
    item = await service.get_item(item_id)
    await service.delete_item(session, item, _if_match(if_match, item))

"""/api/v1/categories, /api/v1/brands."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

from garderobe.accounts.apikeys.dependencies import CatalogWriter
from garderobe.api.conditional import cached_json
from garderobe.api.deps import SettingsDep, StoresDep
from garderobe.catalog import cache
from garderobe.catalog.dependencies import CatalogWrite
from garderobe.catalog.routers.problems import ADMIN, READ
from garderobe.catalog.taxonomy import presenters
from garderobe.catalog.taxonomy import service as taxonomy
from garderobe.catalog.taxonomy.presenters import category_out
from garderobe.catalog.taxonomy.schemas import (
    AttributeIn,
    BrandIn,
    BrandOut,
    BrandUpdateIn,
    CategoryIn,
    CategoryNode,
    CategoryOut,
    CategoryUpdateIn,
    SizeSystemsIn,
    ValueIn,
)

router = APIRouter(prefix="/api/v1", tags=["catalog"])


@router.get(
    "/categories",
    response_model=list[CategoryNode],
    responses=READ,
    summary="The category tree",
)
async def category_tree(request: Request, stores: StoresDep, settings: SettingsDep) -> Response:
    cached = await cache.response_cache(stores.redis, settings).get_or_compute(
        "categories", presenters.category_tree_body
    )
    return cached_json(request, cached)


@router.get(
    "/categories/{slug}",
    response_model=CategoryOut,
    responses=READ,
    summary="A category with its breadcrumb and effective attribute schema",
)
async def category_detail(
    slug: str, request: Request, stores: StoresDep, settings: SettingsDep
) -> Response:
    cached = await cache.response_cache(stores.redis, settings).get_or_compute(
        cache.key("category", {"slug": slug}), lambda: presenters.category_body(slug)
    )
    return cached_json(request, cached)


@router.post(
    "/categories",
    status_code=status.HTTP_201_CREATED,
    response_model=CategoryOut,
    responses=ADMIN,
    summary="Create a category (admin)",
    dependencies=[CatalogWrite],
)
async def create_category(body: CategoryIn, _: CatalogWriter) -> CategoryOut:
    return await category_out(await taxonomy.create_category(body))


@router.patch(
    "/categories/{slug}",
    response_model=CategoryOut,
    responses=ADMIN,
    summary="Rename or reorder a category (admin)",
    dependencies=[CatalogWrite],
)
async def update_category(slug: str, body: CategoryUpdateIn, _: CatalogWriter) -> CategoryOut:
    changes = body.model_dump(exclude_unset=True, exclude_none=True)
    return await category_out(await taxonomy.update_category(slug, changes))


@router.delete(
    "/categories/{slug}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={**ADMIN, 409: {"description": "Problem: has children or items"}},
    summary="Delete a category (admin); refused while it has children or items",
    dependencies=[CatalogWrite],
)
async def delete_category(slug: str, _: CatalogWriter) -> None:
    await taxonomy.delete_category(slug)


@router.post(
    "/categories/{slug}/attributes",
    status_code=status.HTTP_201_CREATED,
    response_model=CategoryOut,
    responses=ADMIN,
    summary="Add an attribute to a category (admin); inherited by its subcategories",
    dependencies=[CatalogWrite],
)
async def add_attribute(slug: str, body: AttributeIn, _: CatalogWriter) -> CategoryOut:
    return await category_out(await taxonomy.add_attribute(slug, body))


@router.post(
    "/categories/{slug}/attributes/{name}/values",
    status_code=status.HTTP_201_CREATED,
    response_model=CategoryOut,
    responses=ADMIN,
    summary="Allow one more value for an enum attribute (admin)",
    dependencies=[CatalogWrite],
)
async def add_value(slug: str, name: str, body: ValueIn, _: CatalogWriter) -> CategoryOut:
    return await category_out(await taxonomy.add_value(slug, name, body.label))


@router.delete(
    "/categories/{slug}/attributes/{name}/values/{value}",
    response_model=CategoryOut,
    responses={**ADMIN, 409: {"description": "Problem: items use the value"}},
    summary="Remove a value (admin); refused while items use it unless force=true",
    dependencies=[CatalogWrite],
)
async def remove_value(
    slug: str, name: str, value: str, _: CatalogWriter, force: bool = False
) -> CategoryOut:
    return await category_out(await taxonomy.remove_value(slug, name, value, force=force))


@router.put(
    "/categories/{slug}/size-systems",
    response_model=CategoryOut,
    responses={**ADMIN, 422: {"description": "Problem: an unknown size system"}},
    summary="Set the size systems a category's items are sized in (admin); inherited",
    dependencies=[CatalogWrite],
)
async def set_size_systems(slug: str, body: SizeSystemsIn, _: CatalogWriter) -> CategoryOut:
    return await category_out(await taxonomy.set_size_systems(slug, body.systems))


@router.get("/brands", response_model=list[BrandOut], summary="All brands")
async def list_brands() -> list[BrandOut]:
    return [BrandOut(slug=b.slug, name=b.name) for b in await taxonomy.list_brands()]


@router.post(
    "/brands",
    status_code=status.HTTP_201_CREATED,
    response_model=BrandOut,
    responses=ADMIN,
    summary="Create a brand (admin)",
    dependencies=[CatalogWrite],
)
async def create_brand(body: BrandIn, _: CatalogWriter) -> BrandOut:
    brand = await taxonomy.create_brand(body.name, body.slug)
    return BrandOut(slug=brand.slug, name=brand.name)


@router.patch(
    "/brands/{slug}",
    response_model=BrandOut,
    responses=ADMIN,
    summary="Rename a brand (admin)",
    dependencies=[CatalogWrite],
)
async def rename_brand(slug: str, body: BrandUpdateIn, _: CatalogWriter) -> BrandOut:
    brand = await taxonomy.rename_brand(slug, body.name)
    return BrandOut(slug=brand.slug, name=brand.name)

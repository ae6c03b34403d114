"""/api/v1/items/{id}/variants: what an item is sold in (sizes, colours, prices, SKUs)."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from garderobe.accounts.apikeys.dependencies import CatalogWriter
from garderobe.accounts.dependencies import OptionalUser
from garderobe.api.deps import DbSession, SettingsDep
from garderobe.catalog import presenters
from garderobe.catalog.dependencies import ItemForWrite, ReaderDep
from garderobe.catalog.routers.problems import ADMIN, WRITE
from garderobe.catalog.variants import service
from garderobe.catalog.variants.schemas import VariantIn, VariantOrderIn, VariantOut, VariantPatch

router = APIRouter(prefix="/api/v1/items/{item_id}/variants", tags=["catalog"])
VARIANT_WRITE = {
    **WRITE,
    404: {"description": "Problem: no such item or variant"},
    409: {"description": "Problem: SKU taken, variant alike, units reserved, last variant"},
    422: {"description": "Problem: a size, colour, GTIN or SKU the category doesn't allow"},
}


@router.get(
    "",
    response_model=list[VariantOut],
    responses={404: {"description": "Problem: no such (active) item"}},
    summary="An item's variants with their availability (exact stock for admins)",
)
async def list_variants(item_id: str, reader: ReaderDep, user: OptionalUser) -> Response:
    admin = user is not None and user.is_admin
    found = await presenters.variants_out(reader.session, item_id, reader.settings, admin=admin)
    return Response(presenters.variants_json(found, admin=admin), media_type="application/json")


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=VariantOut,
    responses=VARIANT_WRITE,
    summary="Add a variant (admin); needs the item's If-Match",
)
async def add_variant(
    body: VariantIn,
    session: DbSession,
    _: CatalogWriter,
    target: ItemForWrite,
    settings: SettingsDep,
    response: Response,
) -> VariantOut:
    item, variant = await service.add_variant(session, target.item, target.revision, body)
    response.headers["ETag"] = presenters.etag(item)
    return await presenters.variant_out(session, item, variant, settings)


@router.patch(
    "/{variant_id}",
    response_model=VariantOut,
    responses=VARIANT_WRITE,
    summary="Change a variant (admin); null removes size, colour, price or GTIN; If-Match",
)
async def change_variant(
    variant_id: str,
    body: VariantPatch,
    session: DbSession,
    _: CatalogWriter,
    target: ItemForWrite,
    settings: SettingsDep,
    response: Response,
) -> VariantOut:
    item, variant = await service.change_variant(
        session, target.item, target.revision, variant_id, body
    )
    response.headers["ETag"] = presenters.etag(item)
    return await presenters.variant_out(session, item, variant, settings)


@router.delete(
    "/{variant_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=VARIANT_WRITE,
    summary="Delete a variant (admin); refused while open orders hold its units; If-Match",
)
async def delete_variant(
    variant_id: str, session: DbSession, _: CatalogWriter, target: ItemForWrite, response: Response
) -> None:
    item = await service.remove_variant(session, target.item, target.revision, variant_id)
    response.headers["ETag"] = presenters.etag(item)


@router.put(
    "/order",
    response_model=list[VariantOut],
    responses={**ADMIN, **VARIANT_WRITE},
    summary="Reorder an item's variants (admin): every variant id exactly once; If-Match",
)
async def reorder_variants(
    body: VariantOrderIn,
    session: DbSession,
    _: CatalogWriter,
    target: ItemForWrite,
    settings: SettingsDep,
    response: Response,
) -> list[VariantOut]:
    item = await service.reorder_variants(session, target.item, target.revision, body.variant_ids)
    response.headers["ETag"] = presenters.etag(item)
    return await presenters.variants_out(session, str(item.id), settings, admin=True)

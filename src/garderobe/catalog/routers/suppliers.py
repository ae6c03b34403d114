"""/api/v1/suppliers: who items were bought from (admins only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from garderobe.accounts.apikeys.dependencies import CatalogReader, CatalogWriter
from garderobe.api.deps import DbSession
from garderobe.catalog.routers.problems import ADMIN
from garderobe.catalog.suppliers import service as suppliers
from garderobe.catalog.suppliers.models import Supplier
from garderobe.catalog.suppliers.schemas import (
    SupplierIn,
    SupplierOut,
    SupplierPage,
    SupplierPatch,
)

router = APIRouter(prefix="/api/v1/suppliers", tags=["catalog"])
FOUND = {**ADMIN, 404: {"description": "Problem: no such supplier"}}


def _out(supplier: Supplier, items: int) -> SupplierOut:
    return SupplierOut(
        slug=supplier.slug,
        name=supplier.name,
        contact_email=supplier.contact_email,
        country=supplier.country,
        notes=supplier.notes,
        items=items,
        created_at=supplier.created_at,
        updated_at=supplier.updated_at,
    )


@router.get(
    "",
    response_model=SupplierPage,
    responses={**ADMIN, 422: {"description": "Problem: invalid cursor"}},
    summary="List suppliers (admin), by name, with how many items name each",
)
async def list_suppliers(
    _: CatalogReader,
    session: DbSession,
    name: Annotated[
        str | None, Query(max_length=120, description="Name contains (any case)")
    ] = None,
    cursor: Annotated[str | None, Query(max_length=512)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> SupplierPage:
    found, next_cursor = await suppliers.list_suppliers(
        session, name=name, cursor=cursor, limit=limit
    )
    counts = await suppliers.item_counts(session, [s.slug for s in found])
    return SupplierPage(
        items=[_out(s, counts.get(s.slug, 0)) for s in found], next_cursor=next_cursor
    )


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=SupplierOut,
    responses={**ADMIN, 409: {"description": "Problem: the slug is taken"}},
    summary="Create a supplier (admin); the slug is derived from the name unless given",
)
async def create_supplier(
    body: SupplierIn, _: CatalogWriter, session: DbSession, response: Response
) -> SupplierOut:
    supplier = await suppliers.create_supplier(session, body)
    response.headers["Location"] = f"/api/v1/suppliers/{supplier.slug}"
    return _out(supplier, 0)


@router.get(
    "/{slug}",
    response_model=SupplierOut,
    responses=FOUND,
    summary="One supplier (admin), with how many items name it",
)
async def get_supplier(slug: str, _: CatalogReader, session: DbSession) -> SupplierOut:
    supplier = await suppliers.get_supplier(session, slug)
    return _out(supplier, await suppliers.count_items(session, slug))


@router.patch(
    "/{slug}",
    response_model=SupplierOut,
    responses=FOUND,
    summary="Change a supplier's name, contact email, country or notes (admin)",
)
async def update_supplier(
    slug: str, body: SupplierPatch, _: CatalogWriter, session: DbSession
) -> SupplierOut:
    changes = body.model_dump(exclude_unset=True)
    supplier = await suppliers.update_supplier(session, slug, changes)
    return _out(supplier, await suppliers.count_items(session, slug))


@router.delete(
    "/{slug}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={**FOUND, 409: {"description": "Problem: items name it (`items`: how many)"}},
    summary="Delete a supplier (admin); refused while any item names it",
)
async def delete_supplier(slug: str, _: CatalogWriter, session: DbSession) -> None:
    await suppliers.delete_supplier(session, slug)

"""/api/v1/admin/stock: an item's units on hand and reserved (admin).

Documented with the orders (their tag), where shop operators look for it.
"""

from __future__ import annotations

from fastapi import APIRouter

from garderobe.accounts.apikeys.dependencies import CatalogReader, CatalogWriter
from garderobe.api.deps import DbSession
from garderobe.catalog import service as catalog
from garderobe.stock import service as stock
from garderobe.stock.schemas import StockIn, StockOut

router = APIRouter(prefix="/api/v1", tags=["orders"])


@router.get("/admin/stock/{item_id}", response_model=StockOut, summary="An item's stock (admin)")
async def get_stock(item_id: str, _: CatalogReader, session: DbSession) -> StockOut:
    return await stock.item_stock(session, item_id)


@router.put(
    "/admin/stock/{item_id}",
    response_model=StockOut,
    summary="Set the units on hand of an item of one variant (admin)",
)
async def put_stock(item_id: str, body: StockIn, _: CatalogWriter, session: DbSession) -> StockOut:
    return await catalog.set_on_hand(session, item_id, body.on_hand)


@router.put(
    "/admin/stock/{item_id}/variants/{variant_id}",
    response_model=StockOut,
    summary="Set the units on hand of one variant (admin)",
)
async def put_variant_stock(
    item_id: str, variant_id: str, body: StockIn, _: CatalogWriter, session: DbSession
) -> StockOut:
    return await catalog.set_on_hand(session, item_id, body.on_hand, variant_id)

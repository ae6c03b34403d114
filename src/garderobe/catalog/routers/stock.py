"""/api/v1/admin/stock: an item's units on hand and reserved (admin).

Documented with the orders (their tag), where shop operators look for it.
"""

from __future__ import annotations

from fastapi import APIRouter

from garderobe.accounts.dependencies import AdminUser
from garderobe.api.deps import DbSession
from garderobe.catalog import service as catalog
from garderobe.stock import service as stock
from garderobe.stock.schemas import StockIn, StockOut

router = APIRouter(prefix="/api/v1", tags=["orders"])


@router.get("/admin/stock/{item_id}", response_model=StockOut, summary="An item's stock (admin)")
async def get_stock(item_id: str, _: AdminUser, session: DbSession) -> StockOut:
    row = await stock.get(session, item_id)
    return StockOut(
        item_id=item_id, on_hand=row.on_hand if row else 0, reserved=row.reserved if row else 0
    )


@router.put(
    "/admin/stock/{item_id}", response_model=StockOut, summary="Set the units on hand (admin)"
)
async def put_stock(item_id: str, body: StockIn, _: AdminUser, session: DbSession) -> StockOut:
    return await catalog.set_on_hand(session, item_id, body.on_hand)

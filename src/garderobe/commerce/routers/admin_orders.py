"""/api/v1/admin/orders: every order, paged or streamed as an export (admin)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse

from garderobe.accounts.apikeys.dependencies import OrdersReader
from garderobe.api.deps import DbSession, StoresDep
from garderobe.commerce import export
from garderobe.commerce.models import OrderStatus
from garderobe.commerce.schemas import OrderPage

router = APIRouter(prefix="/api/v1", tags=["orders"])


@router.get(
    "/admin/orders",
    response_model=OrderPage,
    summary="All orders (admin); format=ndjson|csv streams an export",
    responses={200: {"content": {"application/x-ndjson": {}, "text/csv": {}}}},
)
async def admin_orders(
    _: OrdersReader,
    session: DbSession,
    stores: StoresDep,
    status_: Annotated[OrderStatus | None, Query(alias="status")] = None,
    user_id: uuid.UUID | None = None,
    placed_from: datetime | None = None,
    placed_to: datetime | None = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    format_: Annotated[Literal["json", "ndjson", "csv"], Query(alias="format")] = "json",
) -> OrderPage | StreamingResponse:
    filters = export.Filters(
        status=status_, user_id=user_id, placed_from=placed_from, placed_to=placed_to
    )
    if format_ == "json":
        return await export.page(session, filters, cursor, limit)
    return StreamingResponse(
        export.stream(stores.sessionmaker, filters, format_),
        media_type="application/x-ndjson" if format_ == "ndjson" else "text/csv",
        headers={"Content-Disposition": f'attachment; filename="orders.{format_}"'},
    )

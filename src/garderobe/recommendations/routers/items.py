"""/api/v1/items/{id}/similar and /api/v1/items/{id}/bought-together."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from garderobe.api.conditional import cached_json
from garderobe.api.deps import DbSession, SettingsDep, StoresDep
from garderobe.recommendations import service
from garderobe.recommendations.schemas import Recommendations

router = APIRouter(prefix="/api/v1", tags=["recommendations"])

RESPONSES: dict[int | str, dict[str, Any]] = {
    304: {"description": "Not modified: the If-None-Match ETag is still current"},
    404: {"description": "Problem: no such (active) item"},
}
Limit = Annotated[int, Query(ge=1, le=service.MAX_LIMIT, description="How many items at most")]

SIMILAR = """
Active items of the same leaf category, most similar first: scored by the attribute values,
colours, pattern, material, size, condition and brand they share with the item (brand and
attributes weigh most) plus how close their price is. The item itself and sold items are
never listed. Cached until the catalog next changes; `ETag` and `If-None-Match` as for the
listing.
"""

BOUGHT_TOGETHER = """
Active items most often in the same paid orders as this one (counted from the orders by a
scheduled job, not at request time), topped up with similar items when fewer were bought
with it. The item itself and sold items are never listed. Cached until the catalog or the
counts next change.
"""


@router.get(
    "/items/{item_id}/similar",
    response_model=Recommendations,
    responses=RESPONSES,
    summary="Items similar to this one",
    description=SIMILAR,
)
async def similar_items(
    item_id: str,
    request: Request,
    session: DbSession,
    stores: StoresDep,
    settings: SettingsDep,
    limit: Limit = service.DEFAULT_LIMIT,
) -> Response:
    cached = await service.similar(session, stores.redis, item_id, limit, stores.storage, settings)
    return cached_json(request, cached)


@router.get(
    "/items/{item_id}/bought-together",
    response_model=Recommendations,
    responses=RESPONSES,
    summary="Items often bought with this one",
    description=BOUGHT_TOGETHER,
)
async def bought_together(
    item_id: str,
    request: Request,
    session: DbSession,
    stores: StoresDep,
    settings: SettingsDep,
    limit: Limit = service.DEFAULT_LIMIT,
) -> Response:
    cached = await service.bought_together(
        session, stores.redis, item_id, limit, stores.storage, settings
    )
    return cached_json(request, cached)

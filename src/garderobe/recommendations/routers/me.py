"""/api/v1/users/me/recommendations."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from garderobe.accounts.dependencies import CurrentUser
from garderobe.api.conditional import cached_json
from garderobe.api.deps import DbSession, SettingsDep, StoresDep
from garderobe.recommendations import service
from garderobe.recommendations.schemas import Recommendations

router = APIRouter(prefix="/api/v1", tags=["recommendations"])

RESPONSES: dict[int | str, dict[str, Any]] = {
    304: {"description": "Not modified: the If-None-Match ETag is still current"},
    401: {"description": "Problem: not logged in"},
}

FOR_YOU = """
A row of items for the caller, from what they ordered, have in their cart and last looked
at (the item pages they opened while logged in): first items bought together with those,
then items like the one they looked at last, then best sellers (or, without sales, the
newest items) of the categories they looked at, then best sellers of the whole shop. Items
they ordered, hold or viewed and sold items are left out. Cached until any of those inputs
or the catalog changes.
"""


@router.get(
    "/users/me/recommendations",
    response_model=Recommendations,
    responses=RESPONSES,
    summary="Recommended items for the caller",
    description=FOR_YOU,
)
async def my_recommendations(
    request: Request,
    user: CurrentUser,
    session: DbSession,
    stores: StoresDep,
    settings: SettingsDep,
    limit: Annotated[
        int, Query(ge=1, le=service.MAX_LIMIT, description="How many items at most")
    ] = service.DEFAULT_LIMIT,
) -> Response:
    cached = await service.for_you(session, stores.redis, user.id, limit, stores.storage, settings)
    return cached_json(request, cached)

"""/api/v1/admin/discounts: codes and automatic promotions, with redemption counts (admin)."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Response, status

from garderobe.accounts.dependencies import AdminUser
from garderobe.api.deps import DbSession
from garderobe.pricing.discounts import service
from garderobe.pricing.routers import ADMIN
from garderobe.pricing.schemas import DiscountIn, DiscountOut

router = APIRouter(prefix="/api/v1/admin", tags=["pricing"])

ONE: dict[int | str, dict[str, Any]] = {
    **ADMIN,
    404: {"description": "Problem: no such discount (`discount-not-found`)"},
}


@router.get(
    "/discounts",
    response_model=list[DiscountOut],
    responses=ADMIN,
    summary="Every discount, newest first, with its redemptions (`used`)",
)
async def list_discounts(_: AdminUser, session: DbSession) -> list[DiscountOut]:
    return [DiscountOut.model_validate(d) for d in await service.get_all(session)]


@router.post(
    "/discounts",
    status_code=status.HTTP_201_CREATED,
    response_model=DiscountOut,
    responses={**ADMIN, 409: {"description": "Problem: code taken (`discount-code-taken`)"}},
    summary="Create a discount code or (without `code`) an automatic promotion",
)
async def create_discount(body: DiscountIn, _: AdminUser, session: DbSession) -> DiscountOut:
    return DiscountOut.model_validate(await service.create(session, body))


@router.get(
    "/discounts/{discount_id}", response_model=DiscountOut, responses=ONE, summary="One discount"
)
async def get_discount(discount_id: uuid.UUID, _: AdminUser, session: DbSession) -> DiscountOut:
    return DiscountOut.model_validate(await service.get(session, discount_id))


@router.put(
    "/discounts/{discount_id}",
    response_model=DiscountOut,
    responses={**ONE, 409: {"description": "Problem: code taken, or limit below uses so far"}},
    summary="Replace a discount's terms (its redemption count stays)",
)
async def replace_discount(
    discount_id: uuid.UUID, body: DiscountIn, _: AdminUser, session: DbSession
) -> DiscountOut:
    return DiscountOut.model_validate(await service.update_discount(session, discount_id, body))


@router.delete(
    "/discounts/{discount_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=ONE,
    summary="Delete a discount (orders keep their discount lines)",
)
async def delete_discount(discount_id: uuid.UUID, _: AdminUser, session: DbSession) -> Response:
    await service.delete(session, discount_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)

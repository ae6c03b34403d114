"""/api/v1/admin/shipping: zones (countries) and their methods (admin)."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Response, status

from garderobe.accounts.dependencies import AdminUser
from garderobe.api.deps import DbSession
from garderobe.pricing.routers import ADMIN
from garderobe.pricing.schemas import (
    ShippingMethodIn,
    ShippingMethodOut,
    ShippingZoneIn,
    ShippingZoneOut,
)
from garderobe.pricing.shipping import service

router = APIRouter(prefix="/api/v1/admin/shipping", tags=["pricing"])

ZONE: dict[int | str, dict[str, Any]] = {
    **ADMIN,
    404: {"description": "Problem: no such zone (`shipping-zone-not-found`)"},
}
METHOD: dict[int | str, dict[str, Any]] = {
    **ADMIN,
    404: {"description": "Problem: no such method (`shipping-method-not-found`)"},
}
TAKEN: dict[int | str, dict[str, Any]] = {
    409: {"description": "Problem: name taken (`shipping-zone-exists`)"}
}


@router.get(
    "/zones",
    response_model=list[ShippingZoneOut],
    responses=ADMIN,
    summary="Every shipping zone with its methods (none: the flat SHIPPING_FEE applies)",
)
async def list_zones(_: AdminUser, session: DbSession) -> list[ShippingZoneOut]:
    return [await service.zone_out(session, zone) for zone in await service.get_zones(session)]


@router.post(
    "/zones",
    status_code=status.HTTP_201_CREATED,
    response_model=ShippingZoneOut,
    responses={**ADMIN, **TAKEN},
    summary="Create a shipping zone",
)
async def create_zone(body: ShippingZoneIn, _: AdminUser, session: DbSession) -> ShippingZoneOut:
    return await service.zone_out(session, await service.save_zone(session, body))


@router.put(
    "/zones/{zone_id}",
    response_model=ShippingZoneOut,
    responses={**ZONE, **TAKEN},
    summary="Replace a zone's name and countries",
)
async def replace_zone(
    zone_id: uuid.UUID, body: ShippingZoneIn, _: AdminUser, session: DbSession
) -> ShippingZoneOut:
    return await service.zone_out(session, await service.save_zone(session, body, zone_id))


@router.delete(
    "/zones/{zone_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=ZONE,
    summary="Delete a zone with its methods",
)
async def delete_zone(zone_id: uuid.UUID, _: AdminUser, session: DbSession) -> Response:
    await service.delete_zone(session, zone_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/zones/{zone_id}/methods",
    status_code=status.HTTP_201_CREATED,
    response_model=ShippingMethodOut,
    responses=ZONE,
    summary="Add a shipping method to a zone",
)
async def create_method(
    zone_id: uuid.UUID, body: ShippingMethodIn, _: AdminUser, session: DbSession
) -> ShippingMethodOut:
    return service.method_out(await service.save_method(session, body, zone_id=zone_id))


@router.put(
    "/methods/{method_id}",
    response_model=ShippingMethodOut,
    responses=METHOD,
    summary="Replace a shipping method",
)
async def replace_method(
    method_id: uuid.UUID, body: ShippingMethodIn, _: AdminUser, session: DbSession
) -> ShippingMethodOut:
    return service.method_out(await service.save_method(session, body, method_id=method_id))


@router.delete(
    "/methods/{method_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=METHOD,
    summary="Delete a shipping method",
)
async def delete_method(method_id: uuid.UUID, _: AdminUser, session: DbSession) -> Response:
    await service.delete_method(session, method_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)

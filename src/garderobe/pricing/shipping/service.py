"""Shipping zones and methods in the database: what a checkout may choose from, and the
admins' CRUD. With no zone configured, the flat SHIPPING_FEE is the one method."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from garderobe.errors import Conflict, NotFound
from garderobe.pricing.models import ShippingMethod, ShippingZone
from garderobe.pricing.schemas import (
    BandIn,
    ShippingMethodIn,
    ShippingMethodOut,
    ShippingZoneIn,
    ShippingZoneOut,
)
from garderobe.pricing.shipping.rates import Band, Basis, Method, flat_method


class ShippingZoneNotFound(NotFound):
    slug = "shipping-zone-not-found"
    title = "Shipping zone not found"


class ShippingMethodNotFound(NotFound):
    slug = "shipping-method-not-found"
    title = "Shipping method not found"


class ShippingZoneExists(Conflict):
    slug = "shipping-zone-exists"
    title = "A shipping zone with this name exists"


def _method(row: ShippingMethod, zone: ShippingZone) -> Method:
    bands = tuple(Band(band.get("up_to"), band["price"]) for band in row.bands)
    return Method(
        str(row.id),
        row.name,
        zone.name,
        frozenset(zone.countries),
        row.currency,
        Basis(row.basis),
        bands,
        row.free_over,
    )


async def methods(session: AsyncSession, flat_fee: int, currency: str) -> list[Method]:
    """Every active method of every zone; with no zone at all, the flat-fee default."""
    zones = {zone.id: zone for zone in await session.scalars(select(ShippingZone))}
    if not zones:
        return [flat_method(flat_fee, currency)]
    rows = await session.scalars(select(ShippingMethod).where(ShippingMethod.active))
    return [_method(row, zones[row.zone_id]) for row in rows]


def method_out(row: ShippingMethod) -> ShippingMethodOut:
    return ShippingMethodOut(
        id=row.id,
        zone_id=row.zone_id,
        name=row.name,
        currency=row.currency,
        basis=Basis(row.basis),
        bands=[BandIn(**band) for band in row.bands],
        free_over=row.free_over,
        active=row.active,
    )


async def zone_out(session: AsyncSession, zone: ShippingZone) -> ShippingZoneOut:
    rows = await session.scalars(
        select(ShippingMethod)
        .where(ShippingMethod.zone_id == zone.id)
        .order_by(ShippingMethod.name)
    )
    return ShippingZoneOut(
        id=zone.id, name=zone.name, countries=zone.countries, methods=[method_out(r) for r in rows]
    )


async def get_zones(session: AsyncSession) -> list[ShippingZone]:
    return list(await session.scalars(select(ShippingZone).order_by(ShippingZone.name)))


async def get_zone(session: AsyncSession, zone_id: uuid.UUID) -> ShippingZone:
    zone = await session.get(ShippingZone, zone_id)
    if zone is None:
        raise ShippingZoneNotFound(f"No shipping zone {zone_id}.")
    return zone


async def _check_name(session: AsyncSession, name: str, own: uuid.UUID | None) -> None:
    query = select(ShippingZone.id).where(ShippingZone.name == name)
    if own is not None:
        query = query.where(ShippingZone.id != own)
    if await session.scalar(query) is not None:
        raise ShippingZoneExists(f"A shipping zone {name!r} exists already.")


async def save_zone(
    session: AsyncSession, body: ShippingZoneIn, zone_id: uuid.UUID | None = None
) -> ShippingZone:
    """Create a zone (no id) or replace one's name and countries."""
    await _check_name(session, body.name, zone_id)
    zone = await get_zone(session, zone_id) if zone_id else ShippingZone(id=uuid.uuid4())
    zone.name, zone.countries = body.name, sorted(set(body.countries))
    session.add(zone)
    await session.flush()
    return zone


async def delete_zone(session: AsyncSession, zone_id: uuid.UUID) -> None:
    """Delete a zone and its methods (orders keep the method's name and price)."""
    await session.delete(await get_zone(session, zone_id))
    await session.flush()


async def get_method(session: AsyncSession, method_id: uuid.UUID) -> ShippingMethod:
    row = await session.get(ShippingMethod, method_id)
    if row is None:
        raise ShippingMethodNotFound(f"No shipping method {method_id}.")
    return row


async def save_method(
    session: AsyncSession,
    body: ShippingMethodIn,
    *,
    zone_id: uuid.UUID | None = None,
    method_id: uuid.UUID | None = None,
) -> ShippingMethod:
    """Add a method to a zone (`zone_id`) or replace one (`method_id`)."""
    if method_id is not None:
        row = await get_method(session, method_id)
    else:
        assert zone_id is not None
        row = ShippingMethod(id=uuid.uuid4(), zone_id=(await get_zone(session, zone_id)).id)
    values = body.model_dump(mode="json")
    for field, value in values.items():
        setattr(row, field, value)
    session.add(row)
    await session.flush()
    return row


async def delete_method(session: AsyncSession, method_id: uuid.UUID) -> None:
    await session.delete(await get_method(session, method_id))
    await session.flush()

"""A user's shipping addresses. Another user's address is reported as missing, never forbidden."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from garderobe.accounts.models import Address
from garderobe.errors import NotFound


class AddressNotFound(NotFound):
    slug = "address-not-found"
    title = "Address not found"


async def list_addresses(session: AsyncSession, user_id: uuid.UUID) -> list[Address]:
    query = (
        select(Address)
        .where(Address.user_id == user_id)
        .order_by(Address.is_default.desc(), Address.created_at)
    )
    return list(await session.scalars(query))


async def get_address(session: AsyncSession, user_id: uuid.UUID, address_id: uuid.UUID) -> Address:
    """The user's own address; anyone else's is `AddressNotFound` (404), as if absent."""
    address = await session.scalar(
        select(Address).where(Address.id == address_id, Address.user_id == user_id)
    )
    if address is None:
        raise AddressNotFound(f"No address {address_id}.")
    return address


async def _clear_default(session: AsyncSession, user_id: uuid.UUID) -> None:
    # Flushed before the new default is written: the partial unique index allows one.
    await session.execute(
        update(Address)
        .where(Address.user_id == user_id, Address.is_default.is_(True))
        .values(is_default=False)
    )


async def create_address(
    session: AsyncSession, user_id: uuid.UUID, data: dict[str, Any]
) -> Address:
    first = not await list_addresses(session, user_id)
    if data.get("is_default") or first:
        await _clear_default(session, user_id)
        data["is_default"] = True
    address = Address(id=uuid.uuid4(), user_id=user_id, **data)
    session.add(address)
    await session.flush()
    return address


async def update_address(
    session: AsyncSession, user_id: uuid.UUID, address_id: uuid.UUID, changes: dict[str, Any]
) -> Address:
    address = await get_address(session, user_id, address_id)
    if changes.get("is_default") and not address.is_default:
        await _clear_default(session, user_id)
    for field, value in changes.items():
        setattr(address, field, value)
    await session.flush()
    return address


async def delete_address(session: AsyncSession, user_id: uuid.UUID, address_id: uuid.UUID) -> None:
    address = await get_address(session, user_id, address_id)
    await session.delete(address)

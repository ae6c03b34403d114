"""A shopper's saved sizes as stored: `catalog.fit` checks what is saved and reads it back;
nobody but the shopper reads them (admins learn only whether they exist)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from garderobe.accounts.models import SavedSizes


async def read(session: AsyncSession, user_id: uuid.UUID) -> dict[str, Any] | None:
    """The shopper's saved sizes as stored (`catalog.fit` reads and checks them), or None."""
    row = await session.get(SavedSizes, user_id)
    return None if row is None else dict(row.data)


async def save(session: AsyncSession, user_id: uuid.UUID, data: dict[str, Any]) -> None:
    """Replace the shopper's saved sizes (already checked by the caller)."""
    row = await session.get(SavedSizes, user_id)
    if row is None:
        session.add(SavedSizes(user_id=user_id, data=data))
    else:
        row.data = data
    await session.flush()


async def forget(session: AsyncSession, user_id: uuid.UUID) -> None:
    await session.execute(delete(SavedSizes).where(SavedSizes.user_id == user_id))


async def have_saved(session: AsyncSession, user_ids: list[uuid.UUID]) -> set[uuid.UUID]:
    """Which of these users have saved sizes: all an admin may know about them."""
    found = await session.scalars(
        select(SavedSizes.user_id).where(SavedSizes.user_id.in_(user_ids))
    )
    return set(found)

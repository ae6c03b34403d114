"""Objects in storage: their keys, and their deletion (after the change that makes them
unreferenced has committed, through the outbox). Knows nothing of what the objects show."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from garderobe.infra.storage import ObjectStorage
from garderobe.outbox import service as outbox

log = logging.getLogger(__name__)

# Topic names are stored in outbox rows: they stay as they are while rows may be pending.
DELETE_OBJECTS_TOPIC = "media.delete_objects"
DELETE_PREFIX_TOPIC = "media.delete_prefix"


def item_prefix(item_id: str) -> str:
    return f"items/{item_id}/"


def schedule_item_media_deletion(session: AsyncSession, item_id: str) -> None:
    """Called in the transaction that deletes an item: its objects go once that commits."""
    outbox.add(session, DELETE_PREFIX_TOPIC, {"prefix": item_prefix(item_id)})


def schedule_object_deletion(session: AsyncSession, keys: Iterable[str]) -> None:
    """Called in the transaction that drops the last reference to `keys`."""
    outbox.add(session, DELETE_OBJECTS_TOPIC, {"keys": list(keys)})


async def delete_objects(ctx: dict[str, Any], payload: dict[str, Any]) -> None:
    """Outbox handler of DELETE_OBJECTS_TOPIC."""
    storage: ObjectStorage = ctx["stores"].storage
    for key in payload["keys"]:
        await storage.delete(key)


async def delete_prefix(ctx: dict[str, Any], payload: dict[str, Any]) -> None:
    """Outbox handler of DELETE_PREFIX_TOPIC."""
    storage: ObjectStorage = ctx["stores"].storage
    for stored in await storage.list(payload["prefix"]):
        await storage.delete(stored.key)


async def delete_unreferenced(
    storage: ObjectStorage, prefix: str, referenced: set[str], grace: timedelta
) -> list[str]:
    """Delete objects under `prefix` not in `referenced` and older than `grace`.

    The grace period protects uploads whose reference has not landed yet.
    """
    cutoff = datetime.now(UTC) - grace
    removed = []
    for stored in await storage.list(prefix):
        too_new = stored.last_modified is not None and stored.last_modified > cutoff
        if stored.key in referenced or too_new:
            continue
        await storage.delete(stored.key)
        removed.append(stored.key)
    if removed:
        log.info("swept %d orphaned objects", len(removed))
    return removed

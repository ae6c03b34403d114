"""What other domains call to get an item's objects deleted (kept free of catalog imports,
so the catalog can call it without an import cycle)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from garderobe.outbox import service as outbox

DELETE_PREFIX_TOPIC = "media.delete_prefix"


def item_prefix(item_id: str) -> str:
    return f"items/{item_id}/"


def schedule_item_media_deletion(session: AsyncSession, item_id: str) -> None:
    """Called in the transaction that deletes an item: its objects go once that commits."""
    outbox.add(session, DELETE_PREFIX_TOPIC, {"prefix": item_prefix(item_id)})

"""Jobs of the item images: thumbnails after an upload (an outbox handler), and the sweep of
objects no item refers to (a cron job); both registered in `garderobe.registry`."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from anyio import to_thread

from garderobe.catalog import cache as catalog_cache
from garderobe.catalog import service as catalog
from garderobe.catalog.images import records
from garderobe.catalog.images.service import sweep_orphans
from garderobe.catalog.index import writer
from garderobe.infra.storage import ObjectStorage
from garderobe.media import images
from garderobe.media.service import item_prefix
from garderobe.settings import Settings
from garderobe.uow import unit_of_work


async def make_thumbnails(ctx: dict[str, Any], payload: dict[str, Any]) -> None:
    """Outbox handler: WebP thumbnails of each new image, recorded on the item."""
    storage: ObjectStorage = ctx["stores"].storage
    settings: Settings = ctx["settings"]
    item_id = payload["item_id"]
    try:
        item = await catalog.get_item(item_id)
    except catalog.ItemNotFound:
        return  # deleted meanwhile: its prefix deletion takes care of the objects
    for image in item.images:
        if image.id not in payload["image_ids"]:
            continue
        original = await storage.get(image.key)
        thumbs: dict[str, str] = {}
        for width in settings.media_thumbnail_widths:
            data = await to_thread.run_sync(images.thumbnail, original, width)
            key = f"{item_prefix(item_id)}thumbs/{image.id}-{width}.webp"
            await storage.put(key, data, "image/webp")
            thumbs[str(width)] = key
        changed = await records.set_thumbnails(item_id, image.id, thumbs)
        if changed is not None:
            async with unit_of_work(ctx["stores"]) as session:
                await writer.follow_revision(session, changed)
        await catalog_cache.bump(ctx["stores"].redis)


async def sweep_orphaned_media(ctx: dict[str, Any]) -> int:
    """arq cron job."""
    settings: Settings = ctx["settings"]
    grace = timedelta(hours=settings.media_orphan_grace_hours)
    return len(await sweep_orphans(ctx["stores"].storage, grace))

"""Item images: upload, thumbnails, URLs, deletion and the orphan sweeper.

Objects are content-addressed under their item (`items/<item>/<sha256>.<ext>`), so the same
image uploaded twice is stored once. Object deletion always goes through the outbox, after
the change that makes the objects unreferenced has committed.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from anyio import to_thread
from sqlalchemy.ext.asyncio import AsyncSession

from garderobe.catalog import cache as catalog_cache
from garderobe.catalog import item_images
from garderobe.catalog import service as catalog
from garderobe.catalog.documents import Item
from garderobe.errors import InvalidInput, PayloadTooLarge
from garderobe.infra.storage import ObjectStorage
from garderobe.media import images
from garderobe.media.cleanup import item_prefix
from garderobe.media.models import ItemImage
from garderobe.media.uploads import ParsedForm
from garderobe.outbox import service as outbox
from garderobe.settings import Settings

log = logging.getLogger(__name__)

THUMBNAILS_TOPIC = "media.thumbnails"
DELETE_OBJECTS_TOPIC = "media.delete_objects"


async def upload(
    session: AsyncSession, storage: ObjectStorage, settings: Settings, item: Item, form: ParsedForm
) -> Item:
    """Validate every file, store the cleaned bytes, then add them to the item."""
    if not form.files:
        raise InvalidInput("Send at least one file in the `files` field.")
    alts = form.fields.get("alt", [])
    known = {image.id for image in item.images}
    cleaned: dict[str, tuple[images.CleanImage, str]] = {}
    for index, upload_file in enumerate(form.files):
        clean = await to_thread.run_sync(images.clean, upload_file.file, settings.media_max_pixels)
        alt = alts[index] if index < len(alts) else ""
        cleaned.setdefault(clean.digest, (clean, alt))
    fresh = [digest for digest in cleaned if digest not in known]
    if len(item.images) + len(fresh) > settings.media_max_images_per_item:
        raise PayloadTooLarge(
            f"An item holds at most {settings.media_max_images_per_item} images.",
            extensions={"max_images": settings.media_max_images_per_item},
        )
    records = []
    for digest in fresh:
        clean, alt = cleaned[digest]
        key = f"{item_prefix(str(item.id))}{digest}.{clean.extension}"
        if not await storage.exists(key):
            await storage.put(key, clean.data, clean.content_type)
        records.append(
            ItemImage(
                id=digest,
                key=key,
                content_type=clean.content_type,
                width=clean.width,
                height=clean.height,
                size_bytes=len(clean.data),
                alt=alt,
            )
        )
    if records:
        outbox.add(
            session,
            THUMBNAILS_TOPIC,
            {"item_id": str(item.id), "image_ids": [r.id for r in records]},
        )
        await session.flush()
    catalog_cache.changed(session)
    return await item_images.add_images(str(item.id), records, settings.media_max_images_per_item)


def _keys(image: ItemImage) -> list[str]:
    return [image.key, *image.thumbnails.values()]


async def delete_image(session: AsyncSession, item_id: str, image_id: str) -> None:
    image = await item_images.find_image(item_id, image_id)
    outbox.add(session, DELETE_OBJECTS_TOPIC, {"keys": _keys(image)})
    catalog_cache.changed(session)
    await session.flush()
    await item_images.remove_image(item_id, image_id)


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
        await item_images.set_thumbnails(item_id, image.id, thumbs)
        await catalog_cache.bump(ctx["stores"].redis)


async def delete_objects(ctx: dict[str, Any], payload: dict[str, Any]) -> None:
    storage: ObjectStorage = ctx["stores"].storage
    for key in payload["keys"]:
        await storage.delete(key)


async def delete_prefix(ctx: dict[str, Any], payload: dict[str, Any]) -> None:
    storage: ObjectStorage = ctx["stores"].storage
    for stored in await storage.list(payload["prefix"]):
        await storage.delete(stored.key)


async def sweep_orphans(storage: ObjectStorage, grace: timedelta) -> list[str]:
    """Delete objects under items/ that no item refers to and that are older than `grace`.

    The grace period protects uploads whose item update has not landed yet.
    """
    referenced = await item_images.referenced_keys()
    cutoff = datetime.now(UTC) - grace
    removed = []
    for stored in await storage.list("items/"):
        too_new = stored.last_modified is not None and stored.last_modified > cutoff
        if stored.key in referenced or too_new:
            continue
        await storage.delete(stored.key)
        removed.append(stored.key)
    if removed:
        log.info("swept %d orphaned objects", len(removed))
    return removed


async def sweep_orphaned_media(ctx: dict[str, Any]) -> int:
    """arq cron job."""
    settings: Settings = ctx["settings"]
    grace = timedelta(hours=settings.media_orphan_grace_hours)
    return len(await sweep_orphans(ctx["stores"].storage, grace))

"""Item images: upload, thumbnails, URLs, deletion and the orphan sweeper.

The records are part of the item (`documents.ItemImage`, changed through `item_images`); the
bytes are `garderobe.media`'s. Objects are content-addressed under their item
(`items/<item>/<sha256>.<ext>`), so the same image uploaded twice is stored once. Object
deletion always goes through the outbox, after the change that makes the objects
unreferenced has committed.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from anyio import to_thread
from sqlalchemy.ext.asyncio import AsyncSession

from garderobe.catalog import cache as catalog_cache
from garderobe.catalog import index, item_images
from garderobe.catalog import service as catalog
from garderobe.catalog.documents import Item, ItemImage
from garderobe.errors import InvalidInput, PayloadTooLarge
from garderobe.infra.storage import ObjectStorage
from garderobe.media import images
from garderobe.media import service as media
from garderobe.media.service import item_prefix
from garderobe.media.uploads import ParsedForm
from garderobe.media.urls import object_urls
from garderobe.outbox import service as outbox
from garderobe.settings import Settings
from garderobe.uow import unit_of_work

log = logging.getLogger(__name__)

# Stored in outbox rows: the name stays while rows may be pending.
THUMBNAILS_TOPIC = "media.thumbnails"


async def upload(
    session: AsyncSession, storage: ObjectStorage, settings: Settings, item: Item, form: ParsedForm
) -> Item:
    """Validate every file, store the cleaned bytes, then add them to the item."""
    if not form.files:
        raise InvalidInput("Send at least one file in the `files` field.")
    alts = form.fields.get("alt", [])
    known = {image.id for image in item.images}
    cleaned: dict[str, tuple[images.CleanImage, str]] = {}
    for position, upload_file in enumerate(form.files):
        clean = await to_thread.run_sync(images.clean, upload_file.file, settings.media_max_pixels)
        alt = alts[position] if position < len(alts) else ""
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
    changed = await item_images.add_images(
        str(item.id), records, settings.media_max_images_per_item
    )
    await index.follow_revision(session, changed)
    return changed


async def image_urls(
    storage: ObjectStorage, settings: Settings, image: ItemImage
) -> dict[str, str]:
    """{"original": url, "200": url, "600": url …} (thumbnail widths once the job made them)."""
    return await object_urls(storage, settings, image.key, image.thumbnails)


def _keys(image: ItemImage) -> list[str]:
    return [image.key, *image.thumbnails.values()]


async def delete_image(session: AsyncSession, item_id: str, image_id: str) -> None:
    image = await item_images.find_image(item_id, image_id)
    media.schedule_object_deletion(session, _keys(image))
    catalog_cache.changed(session)
    await session.flush()
    await index.follow_revision(session, await item_images.remove_image(item_id, image_id))


async def reorder(session: AsyncSession, item_id: str, order: list[str]) -> None:
    await index.follow_revision(session, await item_images.reorder(item_id, order))


async def set_alt(session: AsyncSession, item_id: str, image_id: str, alt: str) -> None:
    await index.follow_revision(session, await item_images.set_alt(item_id, image_id, alt))


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
        changed = await item_images.set_thumbnails(item_id, image.id, thumbs)
        if changed is not None:
            async with unit_of_work(ctx["stores"]) as session:
                await index.follow_revision(session, changed)
        await catalog_cache.bump(ctx["stores"].redis)


async def sweep_orphans(storage: ObjectStorage, grace: timedelta) -> list[str]:
    """Delete objects under items/ that no item refers to and that are older than `grace`.

    The grace period protects uploads whose item update has not landed yet.
    """
    referenced = await item_images.referenced_keys()
    return await media.delete_unreferenced(storage, "items/", referenced, grace)


async def sweep_orphaned_media(ctx: dict[str, Any]) -> int:
    """arq cron job."""
    settings: Settings = ctx["settings"]
    grace = timedelta(hours=settings.media_orphan_grace_hours)
    return len(await sweep_orphans(ctx["stores"].storage, grace))

"""Item images: upload, URLs, order, alt texts, deletion and the orphan sweep.

The records are part of the item (`documents.ItemImage`, changed through `records`); the
bytes are `garderobe.media`'s. Objects are content-addressed under their item
(`items/<item>/<sha256>.<ext>`), so the same image uploaded twice is stored once. Object
deletion always goes through the outbox, after the change that makes the objects
unreferenced has committed.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from anyio import to_thread
from sqlalchemy.ext.asyncio import AsyncSession

from garderobe.catalog import cache as catalog_cache
from garderobe.catalog import service as catalog
from garderobe.catalog.documents import Item, ItemImage
from garderobe.catalog.images import records
from garderobe.catalog.images.schemas import ImageDetailOut
from garderobe.catalog.index import writer
from garderobe.catalog.taxonomy.service import vocabularies
from garderobe.catalog.variants.validation import checked_colour
from garderobe.errors import InvalidInput, PayloadTooLarge
from garderobe.infra.storage import ObjectStorage
from garderobe.media import images
from garderobe.media import service as media
from garderobe.media.service import item_prefix
from garderobe.media.uploads import ParsedForm
from garderobe.media.urls import object_urls
from garderobe.outbox import service as outbox
from garderobe.settings import Settings

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
    new = []
    for digest in fresh:
        clean, alt = cleaned[digest]
        record = image_record(str(item.id), clean, alt)
        await store_object(storage, record.key, clean.data, clean.content_type)
        new.append(record)
    if new:
        queue_thumbnails(session, str(item.id), [r.id for r in new])
        await session.flush()
    catalog_cache.changed(session)
    changed = await records.add_images(str(item.id), new, settings.media_max_images_per_item)
    await writer.follow_revision(session, changed)
    return changed


def image_record(
    item_id: str, clean: images.CleanImage, alt: str = "", source_url: str | None = None
) -> ItemImage:
    """The record of a cleaned image under the item: its object is content-addressed."""
    return ItemImage(
        id=clean.digest,
        key=f"{item_prefix(item_id)}{clean.digest}.{clean.extension}",
        content_type=clean.content_type,
        width=clean.width,
        height=clean.height,
        size_bytes=len(clean.data),
        alt=alt,
        source_url=source_url,
    )


async def store_object(storage: ObjectStorage, key: str, data: bytes, content_type: str) -> None:
    """Store an image's object once: the key names its content."""
    if not await storage.exists(key):
        await storage.put(key, data, content_type)


def queue_thumbnails(session: AsyncSession, item_id: str, image_ids: list[str]) -> None:
    """The thumbnails of new images are made by a job once the caller's transaction commits."""
    outbox.add(session, THUMBNAILS_TOPIC, {"item_id": item_id, "image_ids": image_ids})


async def image_urls(
    storage: ObjectStorage, settings: Settings, image: ItemImage
) -> dict[str, str]:
    """{"original": url, "200": url, "600": url …} (thumbnail widths once the job made them)."""
    return await object_urls(storage, settings, image.key, image.thumbnails)


async def image_details(
    storage: ObjectStorage, settings: Settings, item_id: str
) -> list[ImageDetailOut]:
    """The item's images as the media endpoints show them, with their URLs."""
    item = await catalog.get_item(item_id)
    return [
        ImageDetailOut(
            id=i.id,
            alt=i.alt,
            colour=i.colour,
            width=i.width,
            height=i.height,
            content_type=i.content_type,
            urls=await image_urls(storage, settings, i),
        )
        for i in item.images
    ]


def _keys(image: ItemImage) -> list[str]:
    return [image.key, *image.thumbnails.values()]


async def delete_image(session: AsyncSession, item_id: str, image_id: str) -> None:
    image = await records.find_image(item_id, image_id)
    media.schedule_object_deletion(session, _keys(image))
    catalog_cache.changed(session)
    await session.flush()
    await writer.follow_revision(session, await records.remove_image(item_id, image_id))


async def reorder(session: AsyncSession, item_id: str, order: list[str]) -> None:
    await writer.follow_revision(session, await records.reorder(item_id, order))


async def describe(
    session: AsyncSession, item_id: str, image_id: str, changes: dict[str, str | None]
) -> None:
    """An admin's alt text and/or colour for the image; a colour must be of the vocabulary
    (422 naming them), since a storefront switches to the image when that colour is picked."""
    if changes.get("colour") is not None:
        colours = (await vocabularies()).get("colours", [])
        slug = checked_colour(str(changes["colour"]), colours, problem=InvalidInput)
        changes = {**changes, "colour": slug}
    await writer.follow_revision(session, await records.describe(item_id, image_id, changes))


async def sweep_orphans(storage: ObjectStorage, grace: timedelta) -> list[str]:
    """Delete objects under items/ that no item refers to and that are older than `grace`.

    The grace period protects uploads whose item update has not landed yet.
    """
    referenced = await records.referenced_keys()
    return await media.delete_unreferenced(storage, "items/", referenced, grace)

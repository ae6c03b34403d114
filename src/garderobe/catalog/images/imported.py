"""The images a bulk-import line names for its item: existing image ids and URLs.

Everything that can refuse the line happens in `prepare`, before anything is written: the
URLs are fetched (`media.fetch`: guarded, limited) and cleaned as an upload is
(`media.images.clean`: type from the bytes, metadata stripped), the ids are looked up, the
colours checked, the item's limit of images counted. Only then does the caller `store` the
objects and write the records, so a refused line leaves the stores as they were.

A URL the item already holds an image from (`ItemImage.source_url`), or an id it holds, is
not fetched or copied again: re-importing a file fetches nothing. An image linked by id from
another item gets its own objects under this item (copied from the stored ones, thumbnails
included), since an item's objects are deleted with it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import httpx
from anyio import to_thread
from sqlalchemy.ext.asyncio import AsyncSession

from garderobe.catalog import cache as catalog_cache
from garderobe.catalog.documents import Item, ItemImage
from garderobe.catalog.images import records
from garderobe.catalog.images.schemas import ImageSource
from garderobe.catalog.images.service import image_record, queue_thumbnails, store_object
from garderobe.catalog.index import writer
from garderobe.catalog.taxonomy.service import vocabularies
from garderobe.catalog.variants.validation import checked_colour
from garderobe.errors import InvalidInput, NotFound, PayloadTooLarge
from garderobe.infra.storage import ObjectStorage
from garderobe.media import fetch, images
from garderobe.media.service import item_prefix
from garderobe.settings import Settings


class ImageNotFound(NotFound):
    slug = "image-not-found"
    title = "Image not found"


@dataclass
class ImageSources:
    """What one import job takes images with: its HTTP client, the storage, the settings."""

    http: httpx.AsyncClient
    storage: ObjectStorage
    settings: Settings


@dataclass(frozen=True)
class _Object:
    key: str
    content_type: str
    data: bytes | None = None  # fetched bytes, or None: a copy of `copy_of`
    copy_of: str = ""


@dataclass
class Prepared:
    """A line's images, checked: their records in the line's order, the objects to store,
    and the images whose thumbnails are still to be made."""

    item_id: str
    records: list[ItemImage] = field(default_factory=list)
    objects: list[_Object] = field(default_factory=list)
    fresh: list[str] = field(default_factory=list)


def merged(line: Sequence[ItemImage], current: Sequence[ItemImage]) -> list[ItemImage]:
    """The item's images after the line: the line's in its order (an image the item holds
    keeps its stored objects and thumbnails, takes the line's alt, colour and source), then
    those the line leaves out (an import never removes an image)."""
    held = {image.id: image for image in current}
    described = {"alt", "colour", "source_url"}
    named = [
        held[i.id].model_copy(update=i.model_dump(include=described)) if i.id in held else i
        for i in line
    ]
    ids = {image.id for image in named}
    return named + [image for image in current if image.id not in ids]


async def prepare(
    sources: ImageSources, item: Item | None, item_id: str, wanted: Sequence[ImageSource]
) -> Prepared:
    """Fetch, clean and check the line's images (`item`: the one it updates, None when new);
    nothing is written. Raises the problem an upload would (or the fetch's)."""
    current = list(item.images) if item is not None else []
    prepared = Prepared(item_id)
    colours = (await vocabularies()).get("colours", [])
    seen: set[str] = set()
    for source in wanted:
        record = await _record(sources, current, source, prepared)
        if record.id in seen:  # named twice: once is enough
            continue
        seen.add(record.id)
        changes: dict[str, str | None] = {}
        if source.alt is not None:
            changes["alt"] = source.alt
        if source.colour is not None:
            changes["colour"] = checked_colour(source.colour, colours, problem=InvalidInput)
        prepared.records.append(record.model_copy(update=changes))
        if not record.thumbnails:  # new, or its job was lost with a crashed import's batch
            prepared.fresh.append(record.id)
    limit = sources.settings.media_max_images_per_item
    if len(merged(prepared.records, current)) > limit:
        raise PayloadTooLarge(
            f"An item holds at most {limit} images.", extensions={"max_images": limit}
        )
    return prepared


async def _record(
    sources: ImageSources, current: list[ItemImage], source: ImageSource, prepared: Prepared
) -> ItemImage:
    held = {image.id: image for image in current}
    if source.id is not None:
        if source.id in held:
            return held[source.id]
        return await _linked(sources.storage, source.id, prepared)
    url = source.url or ""
    for image in current:
        if image.source_url == url:
            return image
    clean = await _fetched(sources, url)
    if clean.digest in held:  # uploaded before: from now on known by its URL too
        return held[clean.digest].model_copy(update={"source_url": url})
    record = image_record(prepared.item_id, clean, source_url=url)
    prepared.objects.append(_Object(record.key, clean.content_type, data=clean.data))
    return record


async def _fetched(sources: ImageSources, url: str) -> images.CleanImage:
    body = await fetch.fetch_image(sources.http, sources.settings, url)
    try:
        max_pixels = sources.settings.media_max_pixels
        return await to_thread.run_sync(images.clean, body, max_pixels)
    finally:
        body.close()


async def _linked(storage: ObjectStorage, image_id: str, prepared: Prepared) -> ItemImage:
    """An image stored for another item, with objects of its own under this one (copied
    from those still there: a thumbnail gone is made again)."""
    stored = await _stored_image(image_id)
    if not await storage.exists(stored.key):  # its item deleted, its objects going
        raise ImageNotFound(f"The stored original of image {image_id} is gone.")
    prefix = item_prefix(prepared.item_id)
    key = f"{prefix}{image_id}.{stored.key.rsplit('.', 1)[-1]}"
    prepared.objects.append(_Object(key, stored.content_type, copy_of=stored.key))
    thumbnails = {}
    for width, thumb in stored.thumbnails.items():
        if await storage.exists(thumb):
            thumbnails[width] = f"{prefix}thumbs/{image_id}-{width}.webp"
            prepared.objects.append(_Object(thumbnails[width], "image/webp", copy_of=thumb))
    return stored.model_copy(update={"key": key, "thumbnails": thumbnails, "source_url": None})


async def _stored_image(image_id: str) -> ItemImage:
    found = await Item.get_pymongo_collection().find_one({"images.id": image_id}, {"images": 1})
    for image in (found or {}).get("images", []):
        if image["id"] == image_id:
            return ItemImage.model_validate(image)
    raise ImageNotFound(f"No item of the shop has an image {image_id}.")


async def store(storage: ObjectStorage, prepared: Prepared) -> None:
    """The objects of the prepared images (once each: their keys name their content)."""
    for stored in prepared.objects:
        data = stored.data if stored.data is not None else await storage.get(stored.copy_of)
        await store_object(storage, stored.key, data, stored.content_type)


def changes_images(item: Item, prepared: Prepared) -> bool:
    return merged(prepared.records, item.images) != list(item.images)


def queue_fresh(session: AsyncSession, prepared: Prepared) -> None:
    """The thumbnails still to be made, by the job, once the caller's transaction commits."""
    if prepared.fresh:
        queue_thumbnails(session, prepared.item_id, prepared.fresh)


async def apply(session: AsyncSession, prepared: Prepared) -> Item:
    """Write the line's images on its (existing) item, after `store`; thumbnails queued."""
    queue_fresh(session, prepared)
    catalog_cache.changed(session)
    await session.flush()
    changed = await records.change_images(
        prepared.item_id, lambda current: merged(prepared.records, current)
    )
    await writer.follow_revision(session, changed)
    return changed

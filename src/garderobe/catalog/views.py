"""Item bodies with their image URLs (public base URL or presigned, by configuration)."""

from __future__ import annotations

from garderobe.catalog.documents import Item
from garderobe.catalog.schemas import ItemOut
from garderobe.infra.storage import ObjectStorage
from garderobe.media.urls import image_urls
from garderobe.settings import Settings


async def item_out(item: Item, storage: ObjectStorage, settings: Settings) -> ItemOut:
    urls = {image.id: await image_urls(storage, settings, image) for image in item.images}
    return ItemOut.of(item, urls)

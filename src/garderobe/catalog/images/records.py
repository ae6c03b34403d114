"""Every change to an item's `images` list, done atomically on the item document.

Each change reads the item, computes the new list and writes it with a conditional update on
the item's revision, retrying when another writer got there first.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from garderobe.catalog.documents import Item, ItemImage
from garderobe.catalog.service import ItemNotFound, get_item, parse_item_id
from garderobe.errors import Conflict, InvalidInput

ATTEMPTS = 5
Change = Callable[[list[ItemImage]], list[ItemImage]]


async def change_images(item_id: str, change: Change) -> Item:
    """Apply `change` to the item's images under optimistic concurrency."""
    for _ in range(ATTEMPTS):
        item = await get_item(item_id)
        images = change(list(item.images))
        result = await Item.get_pymongo_collection().update_one(
            {"_id": parse_item_id(item_id), "revision": item.revision},
            {
                "$set": {
                    "images": [i.model_dump() for i in images],
                    "updated_at": datetime.now(UTC),
                },
                "$inc": {"revision": 1},
            },
        )
        if result.matched_count:
            updated: Item = item.model_copy(
                update={"images": images, "revision": item.revision + 1}
            )
            return updated
    raise Conflict("The item kept changing; try again.")


async def add_images(item_id: str, new: list[ItemImage], limit: int) -> Item:
    def add(images: list[ItemImage]) -> list[ItemImage]:
        known = {i.id for i in images}
        fresh = [i for i in new if i.id not in known]
        return images + fresh

    return await change_images(item_id, add)


async def find_image(item_id: str, image_id: str) -> ItemImage:
    item = await get_item(item_id)
    for image in item.images:
        if image.id == image_id:
            return image
    raise ItemNotFound(f"Item {item_id} has no image {image_id}.")


async def remove_image(item_id: str, image_id: str) -> Item:
    await find_image(item_id, image_id)
    return await change_images(item_id, lambda images: [i for i in images if i.id != image_id])


async def reorder(item_id: str, order: list[str]) -> Item:
    def apply(images: list[ItemImage]) -> list[ItemImage]:
        by_id = {i.id: i for i in images}
        if sorted(order) != sorted(by_id):
            raise InvalidInput("The order must list every image of the item exactly once.")
        return [by_id[i] for i in order]

    return await change_images(item_id, apply)


async def describe(item_id: str, image_id: str, changes: dict[str, str | None]) -> Item:
    """Set the image's alt text and/or colour (checked by the caller)."""
    await find_image(item_id, image_id)
    return await change_images(
        item_id,
        lambda images: [i.model_copy(update=changes) if i.id == image_id else i for i in images],
    )


async def set_thumbnails(item_id: str, image_id: str, thumbnails: dict[str, str]) -> Item | None:
    """Record thumbnails; a no-op (None) when the image (or the item) was removed meanwhile."""
    try:
        return await change_images(
            item_id,
            lambda images: [
                i.model_copy(update={"thumbnails": thumbnails}) if i.id == image_id else i
                for i in images
            ],
        )
    except ItemNotFound:
        return None


async def referenced_keys() -> set[str]:
    """Every object key an item refers to (originals and thumbnails)."""
    keys: set[str] = set()
    async for doc in Item.get_pymongo_collection().find({}, {"images": 1}):
        for image in doc.get("images", []):
            keys.add(image["key"])
            keys.update(image.get("thumbnails", {}).values())
    return keys

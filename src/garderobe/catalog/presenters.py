"""Item bodies: an item with its image URLs (public base URL or presigned, by configuration)
and its rating summary, as JSON for admins and for everyone else, and its ETag."""

from __future__ import annotations

from garderobe.catalog.documents import Item
from garderobe.catalog.schemas import ItemOut, RatingSummary
from garderobe.infra.storage import ObjectStorage
from garderobe.media.urls import object_urls
from garderobe.settings import Settings

# What an item body leaves out for everyone but admins (see `item_json`, `ItemOut.of`).
ADMIN_ONLY_FIELDS = frozenset({"supplier"})


def etag(item: Item, rating_version: int = 0) -> str:
    """A strong ETag naming the item and its revision: `"<id>-<revision>"`; item detail
    adds `.<n>` once the item has a rating summary (its n-th change), so a new review never
    leaves a client with a stale 304."""
    suffix = f".{rating_version}" if rating_version else ""
    return f'"{item.id}-{item.revision}{suffix}"'


async def item_out(
    item: Item,
    storage: ObjectStorage,
    settings: Settings,
    rating: RatingSummary | None = None,
    *,
    admin: bool = False,
) -> ItemOut:
    """The item's body with its rating summary; the supplier is filled in only for an
    `admin`."""
    urls = {
        image.id: await object_urls(storage, settings, image.key, image.thumbnails)
        for image in item.images
    }
    out = ItemOut.of(item, urls, admin=admin)
    out.rating = rating
    return out


def item_json(out: ItemOut, *, admin: bool) -> bytes:
    """The item as JSON: for non-admins without the admin-only keys at all."""
    return out.model_dump_json(exclude=None if admin else set(ADMIN_ONLY_FIELDS)).encode()

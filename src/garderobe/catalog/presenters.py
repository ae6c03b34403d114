"""Response bodies: items with their image URLs (public base URL or presigned, by
configuration), the category tree."""

from __future__ import annotations

from pydantic import TypeAdapter

from garderobe.catalog.documents import Category, Item
from garderobe.catalog.schemas import CategoryNode, ItemOut, ItemPage, RatingSummary
from garderobe.catalog.taxonomy import tree
from garderobe.infra.cache import digested
from garderobe.infra.storage import ObjectStorage
from garderobe.media.urls import object_urls
from garderobe.settings import Settings

_CATEGORY_TREE = TypeAdapter(list[CategoryNode])


# What an item body leaves out for everyone but admins (see `item_json`, `ItemOut.of`).
ADMIN_ONLY_FIELDS = frozenset({"supplier"})


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


def page_json(page: ItemPage, *, admin: bool) -> bytes:
    """A listing page as JSON: for non-admins its items without the admin-only keys."""
    exclude = None if admin else {"items": {"__all__": set(ADMIN_ONLY_FIELDS)}}
    return page.model_dump_json(exclude=exclude).encode()


async def category_tree_body() -> tuple[bytes, str]:
    """The whole category tree as JSON, with its digest ETag."""
    nodes = [CategoryNode.model_validate(n) for n in tree(await Category.find_all().to_list())]
    return digested(_CATEGORY_TREE.dump_json(nodes))

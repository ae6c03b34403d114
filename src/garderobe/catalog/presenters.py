"""Response bodies: items with their image URLs (public base URL or presigned, by
configuration), the category tree."""

from __future__ import annotations

from pydantic import TypeAdapter

from garderobe.catalog.documents import Category, Item
from garderobe.catalog.schemas import CategoryNode, ItemOut, RatingSummary
from garderobe.catalog.taxonomy import tree
from garderobe.infra.cache import digested
from garderobe.infra.storage import ObjectStorage
from garderobe.media.urls import object_urls
from garderobe.settings import Settings

_CATEGORY_TREE = TypeAdapter(list[CategoryNode])


async def item_out(
    item: Item, storage: ObjectStorage, settings: Settings, rating: RatingSummary | None = None
) -> ItemOut:
    urls = {
        image.id: await object_urls(storage, settings, image.key, image.thumbnails)
        for image in item.images
    }
    out = ItemOut.of(item, urls)
    out.rating = rating
    return out


async def category_tree_body() -> tuple[bytes, str]:
    """The whole category tree as JSON, with its digest ETag."""
    nodes = [CategoryNode.model_validate(n) for n in tree(await Category.find_all().to_list())]
    return digested(_CATEGORY_TREE.dump_json(nodes))

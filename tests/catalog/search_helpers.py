"""Items written straight to MongoDB and the read index, as a search test needs them."""

from __future__ import annotations

from garderobe.catalog import cache
from garderobe.catalog.documents import Item
from garderobe.catalog.index import writer as index
from garderobe.infra.stores import Stores
from garderobe.uow import unit_of_work
from tests.factories import add_stock, create_item

PATHS = {
    "t-shirts": ["clothes", "tops", "t-shirts"],
    "jeans": ["clothes", "bottoms", "jeans"],
    "sneakers": ["shoes", "footwear", "sneakers"],
}
NAMES = {
    "t-shirts": ["Clothes", "Tops", "T-shirts"],
    "jeans": ["Clothes", "Bottoms", "Jeans"],
    "sneakers": ["Shoes", "Footwear", "Sneakers"],
}
BRANDS = {"adidas": "Adidas", "levis": "Levi's", "uniqlo": "Uniqlo", "nike": "Nike"}


async def reindexed(stores: Stores, item: Item) -> Item:
    """The item's index rows written as an item write does (with a unit of each variant in
    stock; cached pages dropped)."""
    async with unit_of_work(stores) as session:
        await add_stock(session, item)
        await index.index_item(
            session,
            item,
            category_names=NAMES[item.category],
            brand_name=BRANDS.get(item.brand or ""),
        )
        cache.changed(session)
    return item


async def indexed(stores: Stores, **fields: object) -> Item:
    """A new item (a T-shirt unless `category` says otherwise), stored and indexed."""
    category = str(fields.setdefault("category", "t-shirts"))
    item = await create_item(category_path=PATHS[category], **fields)  # type: ignore[arg-type]
    return await reindexed(stores, item)

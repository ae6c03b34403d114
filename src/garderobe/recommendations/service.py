"""The three recommenders: similar items, bought together, and a row for one shopper.

Each answer is a list of active item ids turned into the listing's item bodies, cached in
Redis (recommendations.cache) until the catalog or the co-purchase tables change.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession

from garderobe.catalog.browse import similarity, viewed
from garderobe.catalog.presenters import public_fields
from garderobe.catalog.service import ItemNotFound, parse_item_id
from garderobe.commerce import purchases
from garderobe.infra.cache import Cached, digested
from garderobe.infra.storage import ObjectStorage
from garderobe.recommendations import cache, co_purchases
from garderobe.recommendations.schemas import Recommendations
from garderobe.settings import Settings

DEFAULT_LIMIT = 12
MAX_LIMIT = 50
# How many of a shopper's items seed their row, and how many best sellers the fallback
# looks through for ones in the shopper's categories.
MAX_SEEDS = 20
POPULAR_POOL = 500


async def _body(
    session: AsyncSession, item_ids: Sequence[str], storage: ObjectStorage, settings: Settings
) -> tuple[bytes, str]:
    items = await similarity.item_cards(session, item_ids, storage, settings)
    body = Recommendations(items=items)
    public: dict[str, Any] = {"items": {"__all__": public_fields()}}
    return digested(body.model_dump_json(exclude=public).encode())


async def similar(
    session: AsyncSession,
    redis: Redis,
    item_id: str,
    limit: int,
    storage: ObjectStorage,
    settings: Settings,
) -> Cached:
    """Active items of the item's leaf category sharing the most attribute values, colours
    and brand, at the closest price. ItemNotFound unless the item is active."""

    async def compute() -> tuple[bytes, str]:
        ids = await similarity.similar_item_ids(session, item_id, limit=limit)
        return await _body(session, ids, storage, settings)

    parameters = {"item": item_id, "limit": limit}
    return await cache.answer(redis, settings, "similar", parameters, compute)


async def bought_together_ids(session: AsyncSession, item_id: str, limit: int) -> list[str]:
    """The active items in the most paid orders with `item_id`, topped up with similar
    items when fewer than `limit` were bought with it."""
    parse_item_id(item_id)
    # Partners that sold out are dropped below: ask for more than the page needs.
    partners = await co_purchases.partners(session, item_id, limit * 4 + 20)
    active = await similarity.active_among(session, [item_id, *partners])  # one statement
    if item_id not in active:
        raise ItemNotFound(f"No item {item_id!r}.")
    picked = [i for i in active if i != item_id][:limit]
    if len(picked) < limit:
        picked += await similarity.similar_item_ids(
            session, item_id, limit=limit - len(picked), exclude=picked
        )
    return picked


async def bought_together(
    session: AsyncSession,
    redis: Redis,
    item_id: str,
    limit: int,
    storage: ObjectStorage,
    settings: Settings,
) -> Cached:
    """bought_together_ids as a cached body. ItemNotFound unless the item is active."""

    async def compute() -> tuple[bytes, str]:
        ids = await bought_together_ids(session, item_id, limit)
        return await _body(session, ids, storage, settings)

    parameters = {"item": item_id, "limit": limit}
    return await cache.answer(redis, settings, "bought-together", parameters, compute)


class _Row:
    """The shopper's row as it fills: each item once, never one they already have."""

    def __init__(self, limit: int, exclude: Iterable[str]) -> None:
        self.limit, self.excluded = limit, set(exclude)
        self.ids: list[str] = []

    @property
    def missing(self) -> int:
        return self.limit - len(self.ids)

    def add(self, item_ids: Iterable[str]) -> None:
        for item_id in item_ids:
            if self.missing <= 0:
                return
            if item_id not in self.excluded:
                self.excluded.add(item_id)
                self.ids.append(item_id)


async def for_you_ids(
    session: AsyncSession,
    *,
    viewed_ids: Sequence[str],
    cart_ids: Sequence[str],
    ordered_ids: Sequence[str],
    limit: int,
) -> list[str]:
    """What was bought with the shopper's items, then items like the last one they looked
    at, then best sellers (else the newest) in their categories, then overall."""
    seeds = list(dict.fromkeys([*cart_ids, *viewed_ids, *ordered_ids]))[:MAX_SEEDS]
    row = _Row(limit, seeds)
    partners = await co_purchases.partners_of_many(session, seeds, limit * 3)
    active = set(await similarity.active_among(session, [*partners, *seeds]))  # one statement
    row.add(i for i in partners if i in active)
    active_seeds = [i for i in seeds if i in active] if row.missing > 0 else []
    if active_seeds:
        row.add(
            await similarity.similar_item_ids(
                session, active_seeds[0], limit=row.missing, exclude=sorted(row.excluded)
            )
        )
    if row.missing <= 0:
        return row.ids
    categories = await similarity.leaf_categories(session, seeds)
    popular: list[str] | None = None
    for scope in ([categories] if categories else []) + [[]]:
        if row.missing <= 0:
            break
        if popular is None:
            popular = await co_purchases.popular(session, POPULAR_POOL)
        row.add(await similarity.active_among(session, popular, categories=scope))
        if row.missing > 0:
            row.add(
                await similarity.newest_active(
                    session, limit=limit + len(row.excluded), categories=scope
                )
            )
    return row.ids


async def for_you(
    session: AsyncSession,
    redis: Redis,
    user_id: uuid.UUID,
    limit: int,
    storage: ObjectStorage,
    settings: Settings,
) -> Cached:
    """for_you_ids as a cached body; the key holds everything the row is made from."""
    viewed_ids = await viewed.recently_viewed(redis, user_id)
    cart_ids = await purchases.cart_item_ids(session, user_id)
    ordered_ids = await purchases.ordered_item_ids(session, user_id, MAX_SEEDS)

    async def compute() -> tuple[bytes, str]:
        ids = await for_you_ids(
            session, viewed_ids=viewed_ids, cart_ids=cart_ids, ordered_ids=ordered_ids, limit=limit
        )
        return await _body(session, ids, storage, settings)

    parameters = {
        "user": str(user_id),
        "viewed": viewed_ids,
        "cart": cart_ids,
        "ordered": ordered_ids,
        "limit": limit,
    }
    return await cache.answer(redis, settings, "for-you", parameters, compute)

"""The taxonomy as a listing reads it, held in this process between catalog writes.

A listing needs its category's effective facetable attributes (and a `fits` listing the
leaf categories of each garment): two MongoDB reads (the category, its ancestors) on every
uncached page, about a sixth of its time (profiled at 100,000 items). The categories change
rarely, and every change bumps the catalog cache's generation (`catalog.cache`) before it
answers. So the process keeps the whole tree, read in one query, tagged with the generation
it was read under, and reads it again when the generation has moved: one Redis round trip
instead of the two MongoDB reads, and never a tree older than the generation the page will
be cached under.

The tag also carries an epoch kept in Redis next to the generation: a flushed or replaced
Redis starts counting from 0 again, and a tree read under an earlier count must not pass
for a later one.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

from redis.asyncio import Redis
from redis.exceptions import RedisError

from garderobe.catalog.cache import NAMESPACE
from garderobe.catalog.taxonomy.documents import Category
from garderobe.catalog.taxonomy.service import (
    FACETABLE,
    CategoryNotFound,
    garment_leaves,
    merge_attributes,
)
from garderobe.infra.cache import generation_key

log = logging.getLogger(__name__)

EPOCH_KEY = f"{NAMESPACE}:epoch"

Tag = tuple[str, str]  # (epoch, generation)


@dataclass(frozen=True)
class Taxonomy:
    """Every category by slug, as read at one moment."""

    categories: dict[str, Category]

    def category(self, slug: str) -> Category:
        found = self.categories.get(slug)
        if found is None:
            raise CategoryNotFound(f"No category {slug!r}.")
        return found

    def facetable_attributes(self, slug: str) -> dict[str, str]:
        """As `taxonomy.service.facetable_attributes`: name -> type of the category's
        attributes that listings count; CategoryNotFound for an unknown slug."""
        category = self.category(slug)
        chain = [self.categories[s] for s in category.path if s in self.categories]
        return {d.name: d.type.value for d in merge_attributes(chain) if d.type in FACETABLE}

    def leaves_by_garment(self) -> dict[str, list[str]]:
        """As `taxonomy.service.leaves_by_garment`: leaf slugs per effective garment."""
        return garment_leaves(list(self.categories.values()))


_held: tuple[Tag, Taxonomy] | None = None


async def _tag(redis: Redis) -> Tag:
    epoch, generation = await redis.mget([EPOCH_KEY, generation_key(NAMESPACE)])
    if epoch is None:  # a Redis that never had one, or was flushed: a new count begins
        await redis.set(EPOCH_KEY, uuid.uuid4().hex, nx=True)
        epoch, generation = await redis.mget([EPOCH_KEY, generation_key(NAMESPACE)])
    return _text(epoch), _text(generation or b"0")


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


async def _read() -> Taxonomy:
    return Taxonomy({c.slug: c for c in await Category.find_all().to_list()})


async def current(redis: Redis) -> Taxonomy:
    """The taxonomy as of the catalog's current generation (read afresh when it moved;
    every time while Redis cannot say)."""
    global _held
    try:
        tag = await _tag(redis)
    except RedisError:
        log.warning("cache generation unavailable; reading the taxonomy from MongoDB")
        return await _read()
    if _held is not None and _held[0] == tag:
        return _held[1]
    taxonomy = await _read()  # read after the tag: never older than what the tag names
    _held = (tag, taxonomy)
    return taxonomy

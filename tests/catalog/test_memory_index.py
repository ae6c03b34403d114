"""The in-process facet bitmaps (catalog.memory) count what the database statements
(browse.facets) count, for random listings over a catalogue with many distinct prices,
variants in several sizes and colours (some at prices of their own, some sold out), and
follow every committed change of `item_facets`, whoever made it."""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, insert, text, update

from garderobe.catalog.browse import facets
from garderobe.catalog.documents import ItemStatus
from garderobe.catalog.index.models import ItemFacets
from garderobe.catalog.index.offers import Offer, offer_pairs
from garderobe.catalog.index.selection import Selection
from garderobe.catalog.memory.counting import Tally
from garderobe.catalog.memory.index import MemoryIndex
from garderobe.infra.stores import Stores

TREE = {"jeans": "clothes", "t-shirts": "clothes", "sneakers": "shoes"}
COLOURS = ["black", "blue", "white", "red"]
SIZES = ["S", "M", "L"]
NAMES = ["category", "colour", "size", "brand"]
IN_STOCK_BLUE = ["status=active", "category=jeans", "colour=blue", "stock=in"]


def _offers(rng: random.Random, colours: list[str], base: int) -> list[Offer]:
    """0 to 3 variants (none: sold out), some without a colour of their own, one in five
    items with variants at different prices."""
    uneven = rng.random() < 0.2
    offers: list[Offer] = []
    for _ in range(rng.choice([0, 1, 1, 2, 3])):
        size = rng.choice([*SIZES, None])
        own = rng.choice([None, *colours])
        price = base + (rng.choice([0, 500, 1500]) if uneven else 0)
        offers += [
            Offer(f"letter:{size}" if size else "", c, price) for c in ([own] if own else colours)
        ]
    return offers


def _row(rng: random.Random, n: int) -> dict[str, Any]:
    leaf = rng.choice(sorted(TREE))
    status = rng.choice([ItemStatus.ACTIVE] * 4 + [ItemStatus.DRAFT, ItemStatus.SOLD])
    colours = rng.sample(COLOURS, rng.randint(1, 2))
    # Many distinct prices, and some shared: the index's price bins have both.
    base = rng.choice([rng.randint(0, 150_000), 2500, 10_000])
    offers = _offers(rng, colours, base)
    prices = [o.price for o in offers] or [base]
    return {
        "item_id": f"{n:024x}",
        "status": status.value,
        "price_amount": min(prices),
        "price_top": max(prices),
        "offers": [o.encoded() for o in offers],
        "created_at": datetime(2026, 11, 1, tzinfo=UTC),
        "facet_values": [
            f"status={status.value}",
            f"category={TREE[leaf]}",
            f"category={leaf}",
            f"brand=b{rng.randint(0, 5)}",
            *(f"{facet}={value}" for facet, value in offer_pairs(offers)),
        ],
    }


def _listing(rng: random.Random) -> Selection:
    fields = {
        "colour": rng.sample(COLOURS, rng.randint(0, 2)),
        "size": rng.sample(SIZES, rng.randint(0, 1)),
    }
    low = rng.choice([None, rng.randint(0, 100_000), 2500])
    high = rng.choice([None, rng.randint(0, 150_000), 10_000])
    statuses = rng.choice([(ItemStatus.ACTIVE,), (ItemStatus.ACTIVE, ItemStatus.DRAFT)])
    return Selection(
        category_path=rng.choice([None, "clothes", "jeans", "sneakers"]),
        fields={k: v for k, v in fields.items() if v},
        price_min=low,
        price_max=high,
        in_stock=rng.random() < 0.2,
        statuses=statuses,
    )


def _named(tally: Tally) -> dict[str, int]:
    return {t: n for t, n in tally.tokens.items() if t.split("=")[0] in NAMES}


async def _fill(stores: Stores, rows: list[dict[str, Any]]) -> None:
    async with stores.sessionmaker() as session, session.begin():
        await session.execute(delete(ItemFacets))
        if rows:
            await session.execute(insert(ItemFacets), rows)


async def test_bitmaps_count_what_the_statements_count(stores: Stores) -> None:
    rng = random.Random(20261201)
    await _fill(stores, [_row(rng, n) for n in range(1500)])
    memory = MemoryIndex()
    async with stores.sessionmaker() as session:
        await memory.sync(session)
        for _ in range(150):
            listing = _listing(rng)
            expected = await facets._scan(session, listing, disjunctive=True)
            got = memory.tally(listing, NAMES)
            assert _named(got) == _named(expected), listing
            assert got.buckets == expected.buckets, listing
            assert (got.price_min, got.price_max) == (expected.price_min, expected.price_max)


async def _counts(memory: MemoryIndex, stores: Stores, **listing: Any) -> dict[str, int]:
    async with stores.sessionmaker() as session:
        await memory.sync(session)
    return _named(memory.tally(Selection(**listing), NAMES))


async def test_bitmaps_follow_inserts_updates_deletes_and_truncation(stores: Stores) -> None:
    rng = random.Random(7)
    rows = [_row(rng, n) for n in range(3)]
    for row in rows:
        row.update(price_amount=5000, price_top=5000, offers=[], facet_values=IN_STOCK_BLUE)
    await _fill(stores, rows)
    memory = MemoryIndex()
    assert (await _counts(memory, stores))["colour=blue"] == 3

    async with stores.sessionmaker() as session, session.begin():
        await session.execute(
            update(ItemFacets)
            .where(ItemFacets.item_id == rows[0]["item_id"])
            .values(facet_values=["status=active", "category=jeans", "colour=red", "stock=in"])
        )
        await session.execute(delete(ItemFacets).where(ItemFacets.item_id == rows[1]["item_id"]))
        new = {
            **_row(rng, 99),
            "price_amount": 700,
            "price_top": 700,
            "offers": ["letter:S||700"],
            "facet_values": ["status=draft", "size=letter:S", "stock=in"],
        }
        await session.execute(insert(ItemFacets), [new])
    counts = await _counts(memory, stores, category_path="jeans")
    assert (counts["colour=blue"], counts["colour=red"]) == (1, 1)
    cheap = await _counts(memory, stores, statuses=(ItemStatus.DRAFT,), price_max=1000)
    assert cheap == {"size=letter:S": 1}

    async with stores.sessionmaker() as session, session.begin():
        await session.execute(text("TRUNCATE item_facets"))
    assert await _counts(memory, stores) == {}


async def test_a_change_left_uncommitted_is_not_counted_until_commit(stores: Stores) -> None:
    rng = random.Random(3)
    await _fill(stores, [])
    memory = MemoryIndex()
    async with stores.sessionmaker() as writer:
        await writer.execute(insert(ItemFacets), [_row(rng, 1)])
        assert await _counts(memory, stores) == {}
        await writer.commit()
    assert sum((await _counts(memory, stores, statuses=tuple(ItemStatus))).values()) > 0


async def _until_loaded(memory: MemoryIndex) -> None:
    for _ in range(200):
        if memory.loaded:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the index did not load")


async def test_requests_use_the_statements_until_a_background_load_is_done(
    stores: Stores,
) -> None:
    rng = random.Random(11)
    await _fill(stores, [_row(rng, n) for n in range(20)])
    memory = MemoryIndex()
    async with stores.sessionmaker() as session:
        assert not await memory.refresh(session)  # not loaded: the caller counts in SQL
    memory.start_loading(stores.sessionmaker)
    await _until_loaded(memory)
    everything = Selection(statuses=tuple(ItemStatus))
    async with stores.sessionmaker() as session:
        assert await memory.refresh(session)
    assert sum(memory.tally(everything, ["brand"]).tokens.values()) == 20
    # A truncation can only be followed by a full load: not inline, in the background.
    async with stores.sessionmaker() as session, session.begin():
        await session.execute(text("TRUNCATE item_facets"))
        await session.execute(insert(ItemFacets), [_row(rng, n) for n in range(5)])
    async with stores.sessionmaker() as session:
        assert not await memory.refresh(session)
    assert not memory.loaded
    memory.start_loading(stores.sessionmaker)
    await _until_loaded(memory)
    assert sum(memory.tally(everything, ["brand"]).tokens.values()) == 5
    await memory.close()

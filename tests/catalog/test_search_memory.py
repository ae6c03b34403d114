"""Search ranked in memory (catalog.word_ranking over catalog.bitmaps) against a brute-force
reference computed here from each index row's tsvector, through edits and deletions; and
search over the API following writes and non-Latin words in both index modes."""

from __future__ import annotations

import random
from collections.abc import Sequence

import httpx
import pytest
from beanie import PydanticObjectId
from fastapi import FastAPI
from sqlalchemy import text

from garderobe.catalog.documents import Item, ItemStatus, Money
from garderobe.catalog.index import writer as index
from garderobe.catalog.memory.index import MemoryIndex
from garderobe.catalog.memory.ranking import WEIGHT_TENTHS, Ranked
from garderobe.infra.stores import Stores
from garderobe.uow import unit_of_work
from tests.catalog.search_helpers import indexed, reindexed

WORDS = ["linen", "line", "lime", "wool", "woollen", "blue", "black", "slim", "shirt", "shirts"]
BRANDS = {"nordic": "Nordic Wool", "acme": "Acme Linen"}
NAMES = {"shirts": ["Clothes", "Shirts"], "scarves": ["Clothes", "Scarves"]}


def _item(rng: random.Random) -> Item:
    leaf = rng.choice(sorted(NAMES))
    return Item(  # random ids: items indexed after a full load come in no id order
        id=PydanticObjectId(rng.randbytes(12).hex()),
        title=" ".join(rng.sample(WORDS, rng.randint(1, 3))),
        description=" ".join(rng.choices(WORDS, k=rng.randint(0, 4))),
        category=leaf,
        category_path=["clothes", leaf],
        brand=rng.choice(sorted(BRANDS)),
        colours=rng.sample(["blue", "black", "grey"], rng.randint(1, 2)),
        price=Money(amount=rng.randint(100, 9000)),
        status=rng.choice([ItemStatus.ACTIVE] * 3 + [ItemStatus.DRAFT]),
    )


async def _index(stores: Stores, items: Sequence[Item]) -> None:
    async with unit_of_work(stores) as session:
        await index.index_items_bulk(
            session, [(i, NAMES[i.category], BRANDS[i.brand or ""]) for i in items]
        )


async def _reference(
    stores: Stores, terms: Sequence[str], limit: int, *, every: bool
) -> list[Ranked]:
    """Per term the best weight among the item's lexemes beginning with it, summed."""
    async with stores.sessionmaker() as session:
        rows = await session.execute(
            text(
                "SELECT item_id, lexeme, weights FROM item_search, unnest(document) "
                "WHERE status = 'active'"
            )
        )
        lexemes: dict[str, list[tuple[str, str]]] = {}
        for item_id, lexeme, weights in rows:
            lexemes.setdefault(item_id, []).append((lexeme, min(weights or ["D"])))
    found = []
    for item_id, held in lexemes.items():
        best = [
            min((w for lexeme, w in held if lexeme.startswith(term)), default=None)
            for term in terms
        ]
        matched = sum(b is not None for b in best)
        if matched and (matched == len(terms) or not every):
            tenths = sum(WEIGHT_TENTHS["ABCD".index(b)] for b in best if b is not None)
            found.append(Ranked(item_id, matched, tenths / 10))
    found.sort(key=lambda r: (-r.matched, -r.rank, r.item_id))
    return found[:limit]


async def _compare(stores: Stores, memory: MemoryIndex, rng: random.Random) -> None:
    async with stores.sessionmaker() as session:
        await memory.sync(session)
    for _ in range(60):
        pool = [*WORDS, *(w[: rng.randint(2, 4)] for w in WORDS), "nordic", "clothes", "grey"]
        terms = rng.sample([*pool, "absent"], rng.randint(1, 3))
        limit, every = rng.randint(1, 12), rng.random() < 0.3
        expected = await _reference(stores, terms, limit, every=every)
        assert memory.ranked(terms, limit, every=every) == expected, (terms, limit, every)


async def test_memory_ranking_matches_the_reference_through_edits(stores: Stores) -> None:
    rng = random.Random(1201)
    items = [_item(rng) for _ in range(120)]
    await _index(stores, items)
    memory = MemoryIndex()
    await _compare(stores, memory, rng)
    for item in rng.sample(items, 40):  # new titles, statuses, brands; then some deleted
        fresh = _item(rng)
        item.title, item.status, item.brand = fresh.title, fresh.status, fresh.brand
    await _index(stores, items)
    async with unit_of_work(stores) as session:
        await index.remove_items(session, [str(i.id) for i in items[:15]])
    await _index(stores, [_item(rng) for _ in range(30)])
    await _compare(stores, memory, rng)


async def _titles(client: httpx.AsyncClient, q: str) -> list[str]:
    response = await client.get("/api/v1/search", params={"q": q})
    assert response.status_code == 200, response.text
    return [hit["title"] for hit in response.json()["items"]]


async def test_search_follows_each_write_at_once(client: httpx.AsyncClient, stores: Stores) -> None:
    assert await _titles(client, "seersucker") == []
    item = await indexed(stores, title="Seersucker shirt")
    assert await _titles(client, "seersucker") == ["Seersucker shirt"]
    item.title, item.status = "Poplin shirt", ItemStatus.ACTIVE
    await reindexed(stores, item)
    assert await _titles(client, "poplin") == ["Poplin shirt"]
    assert await _titles(client, "seersucker") == []
    item.status = ItemStatus.SOLD
    await reindexed(stores, item)
    assert await _titles(client, "poplin") == []


@pytest.mark.parametrize("mode", ["memory", "database"])
async def test_words_in_any_script_are_found(
    client: httpx.AsyncClient, stores: Stores, app: FastAPI, mode: str
) -> None:
    warm = app.state.memory_index
    if mode == "database":
        app.state.memory_index = None
    try:
        await _words_in_any_script(client, stores)
    finally:
        app.state.memory_index = warm


async def _words_in_any_script(client: httpx.AsyncClient, stores: Stores) -> None:
    await indexed(stores, title="Летнее платье из льна")
    await indexed(stores, title="Ñandú poncho")
    assert await _titles(client, "платье") == ["Летнее платье из льна"]
    assert await _titles(client, "пла") == ["Летнее платье из льна"]
    assert await _titles(client, "nandu") == ["Ñandú poncho"]
    suggest = await client.get("/api/v1/search/suggest", params={"q": "летн"})
    assert suggest.status_code == 200
    assert "Летнее платье из льна" in suggest.json()
    assert await _titles(client, "юбка") == []

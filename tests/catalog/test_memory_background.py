"""No request waits for the in-memory index (catalog.memory.index): a full load, and a catch-up
over a change log longer than a request applies itself (a seed, an import, a reindex), run
in the background while the statements answer; and past its memory budget the index gives
way to the statements for good, and says so."""

from __future__ import annotations

import asyncio
import logging
import random
import time

import pytest
from prometheus_client import REGISTRY
from sqlalchemy import insert

from garderobe.catalog.browse import facets
from garderobe.catalog.browse.facets import FacetCounts
from garderobe.catalog.documents import ItemStatus
from garderobe.catalog.index.models import ItemFacets
from garderobe.catalog.index.selection import Selection
from garderobe.catalog.memory import index
from garderobe.catalog.memory.index import REQUEST_CATCH_UP, MemoryIndex
from garderobe.infra.stores import Stores
from tests.catalog.test_memory_index import NAMES, _fill, _row

EVERYTHING = Selection(statuses=tuple(ItemStatus))


async def _insert(stores: Stores, first: int, count: int) -> None:
    rng = random.Random(first)
    async with stores.sessionmaker() as session, session.begin():
        await session.execute(
            insert(ItemFacets), [_row(rng, n) for n in range(first, first + count)]
        )


async def _idle(memory: MemoryIndex) -> None:
    for _ in range(600):
        if not memory.busy:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the background load did not end")


async def _counted(stores: Stores, memory: MemoryIndex | None) -> FacetCounts:
    async with stores.sessionmaker() as session:
        return await facets.facets(session, EVERYTHING, NAMES, (), memory)


def _fell_back(index: MemoryIndex) -> bool:
    return index.over_budget and not index.loaded and not index.busy


def _state(name: str) -> float | None:
    return REGISTRY.get_sample_value("garderobe_catalog_index_state", {"state": name})


async def test_no_request_waits_for_a_full_load(stores: Stores) -> None:
    await _fill(stores, [])
    await _insert(stores, 0, 12_000)  # three chunks of the load's stream
    memory = MemoryIndex()
    memory.start_loading(stores.sessionmaker)
    answered_meanwhile = 0
    async with stores.sessionmaker() as session:
        while memory.busy:
            asked = time.monotonic()
            assert not await memory.refresh(session)  # the caller uses the statements
            assert time.monotonic() - asked < 0.05
            answered_meanwhile += 1
            await asyncio.sleep(0.01)
        assert await memory.refresh(session)
    assert answered_meanwhile > 0
    assert sum(memory.tally(EVERYTHING, ["brand"]).tokens.values()) == 12_000
    await memory.close()


# Applied change by change, or (a backlog past RELOAD_BACKLOG) loaded afresh.
@pytest.mark.parametrize("reload_backlog", [index.RELOAD_BACKLOG, 100])
async def test_a_long_change_log_is_applied_in_the_background_meanwhile_statements_answer(
    stores: Stores,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    reload_backlog: int,
) -> None:
    monkeypatch.setattr(index, "RELOAD_BACKLOG", reload_backlog)
    await _fill(stores, [])
    await _insert(stores, 0, 50)
    memory = MemoryIndex()
    memory.start_loading(stores.sessionmaker)
    await _idle(memory)
    await _insert(stores, 1000, 3 * REQUEST_CATCH_UP)  # a seed, an import …
    caplog.set_level(logging.INFO, logger="garderobe.catalog.memory.index")
    async with stores.sessionmaker() as session:
        assert not await memory.refresh(session)  # too long for a request: not applied here
    assert memory.busy
    assert _state("catching_up") == 1
    meanwhile = await _counted(stores, memory)
    assert meanwhile == await _counted(stores, None)  # the new items counted, by SQL
    await _idle(memory)
    assert "memory index up to date" in caplog.text
    async with stores.sessionmaker() as session:
        assert await memory.refresh(session)
    assert sum(memory.tally(EVERYTHING, ["brand"]).tokens.values()) == 50 + 3 * REQUEST_CATCH_UP
    assert await _counted(stores, memory) == await _counted(stores, None)
    assert _state("ready") == 1
    await memory.close()


async def test_past_its_budget_the_index_gives_way_to_the_statements(
    stores: Stores, caplog: pytest.LogCaptureFixture
) -> None:
    await _fill(stores, [])
    await _insert(stores, 0, 2000)
    memory = MemoryIndex(budget_bytes=20_000)
    memory.start_loading(stores.sessionmaker)
    await _idle(memory)
    assert _fell_back(memory)
    assert "over its budget" in caplog.text
    assert _state("over_budget") == 1
    assert REGISTRY.get_sample_value("garderobe_catalog_index_bytes") == 0
    memory.start_loading(stores.sessionmaker)  # a request's: no second load
    assert not memory.busy
    async with stores.sessionmaker() as session:
        assert not await memory.refresh(session)
    assert await _counted(stores, memory) == await _counted(stores, None)


async def test_an_index_that_grows_past_its_budget_gives_way(stores: Stores) -> None:
    await _fill(stores, [])
    await _insert(stores, 0, 100)
    memory = MemoryIndex()
    async with stores.sessionmaker() as session:
        await memory.sync(session)
    grown = MemoryIndex(budget_bytes=memory.footprint() + 20_000)
    grown.start_loading(stores.sessionmaker)
    await _idle(grown)
    assert grown.loaded
    assert not grown.over_budget
    assert REGISTRY.get_sample_value("garderobe_catalog_index_bytes") == grown.footprint()
    await _insert(stores, 1000, 3 * REQUEST_CATCH_UP)
    async with stores.sessionmaker() as session:
        assert not await grown.refresh(session)
    await _idle(grown)
    assert _fell_back(grown)
    assert REGISTRY.get_sample_value("garderobe_catalog_index_bytes") == 0
    async with stores.sessionmaker() as session:
        assert not await grown.refresh(session)

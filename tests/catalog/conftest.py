from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI

from garderobe.accounts.models import Role
from garderobe.catalog.browse import listing
from garderobe.catalog.browse import service as browse
from garderobe.catalog.memory.index import MemoryIndex
from garderobe.catalog.taxonomy import loading
from garderobe.infra.stores import Stores
from garderobe.settings import Settings
from tests.factories import auth_headers, create_user


@pytest.fixture
async def shop(stores: Stores) -> Stores:
    """The stores with the real taxonomy file loaded (categories, brands, vocabularies)."""
    await loading.load_file()
    return stores


@pytest.fixture
async def admin(shop: Stores, settings: Settings) -> dict[str, str]:
    return auth_headers(settings, await create_user(shop.sessionmaker, role=Role.ADMIN))


@pytest.fixture
async def customer(shop: Stores, settings: Settings) -> dict[str, str]:
    return auth_headers(settings, await create_user(shop.sessionmaker))


@pytest.fixture(params=["memory", "memory_walk", "database", "over_budget"])
async def index_mode(
    request: pytest.FixtureRequest, app: FastAPI, stores: Stores, monkeypatch: pytest.MonkeyPatch
) -> Any:
    """Each run through the in-memory index (its matches given to the page's statement by
    id; and, `memory_walk`, as many matches found by walking the listing's order three rows
    a statement), through the statements (CATALOG_INDEX=database) and through an index
    over its memory budget (the statements again)."""
    memory = app.state.memory_index
    if request.param == "memory_walk":
        monkeypatch.setattr(browse, "FEW_MATCHES", 0)
        monkeypatch.setattr(listing, "WALK_CHUNK", 3)
        monkeypatch.setattr(listing, "WALK_CHUNKS", 10_000)
        # Every listing walked, not only fits: the reference test's sorts and cursors too.
        monkeypatch.setattr(listing, "_walkable", lambda s: s.sort in listing.WALKED_SORTS)
    if request.param == "database":
        app.state.memory_index = None
    if request.param == "over_budget":
        app.state.memory_index = await over_budget_index(stores)
    yield request.param
    app.state.memory_index = memory


async def over_budget_index(stores: Stores) -> MemoryIndex:
    """An index whose budget (one byte) the first load exceeds."""
    index = MemoryIndex(budget_bytes=1)
    async with stores.sessionmaker() as session:
        await index.sync(session)
    assert index.over_budget
    index.start_loading(stores.sessionmaker)  # as the first request does: no load again
    assert not index.busy
    return index

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI

from garderobe.accounts.models import Role
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


@pytest.fixture(params=["memory", "database"])
def index_mode(request: pytest.FixtureRequest, app: FastAPI) -> Any:
    """Each run through the in-memory index and through the statements."""
    memory = app.state.memory_index
    if request.param == "database":
        app.state.memory_index = None
    yield request.param
    app.state.memory_index = memory

from __future__ import annotations

import pytest

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

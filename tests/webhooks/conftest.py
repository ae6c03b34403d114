from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import httpx
import pytest

from garderobe.accounts.models import Role
from garderobe.infra.stores import Stores
from garderobe.settings import Settings
from tests.factories import auth_headers, create_user
from tests.webhooks.helpers import Hooks
from tests.webhooks.receiver import Receiver


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    started = Receiver()
    await started.start()
    try:
        yield started
    finally:
        await started.stop()


@pytest.fixture
async def admin(stores: Stores, settings: Settings) -> dict[str, str]:
    user = await create_user(stores.sessionmaker, role=Role.ADMIN, email="admin@example.org")
    return auth_headers(settings, user)


@pytest.fixture
async def hooks(
    client: httpx.AsyncClient,
    stores: Stores,
    settings: Settings,
    admin: dict[str, str],
    receiver: Receiver,
    run_jobs: Callable[[], Awaitable[int]],
) -> Hooks:
    return Hooks(client, stores, settings, admin, receiver, run_jobs)

"""`garderobe seed`: idempotent taxonomy, generated items that pass validation."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import httpx

from garderobe.catalog.documents import Item
from garderobe.infra.stores import Stores
from garderobe.settings import Settings, store_environment

GARDEROBE = str(Path(sys.executable).parent / "garderobe")


def _env(settings: Settings) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if not k.endswith("_URL")}
    return {**keep, **store_environment(settings)}


async def test_seed_is_idempotent_and_generates_valid_items(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    root = Path(__file__).parents[2]
    first = await asyncio.to_thread(
        subprocess.run,
        [GARDEROBE, "seed", "--items", "60", "--batch-size", "25"],
        env=_env(settings),
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert first.returncode == 0, first.stderr
    assert "category t-shirts" in first.stdout
    assert "60 items in" in first.stdout
    assert "items/s" in first.stdout
    second = await asyncio.to_thread(
        subprocess.run,
        [GARDEROBE, "seed"],
        env=_env(settings),
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert second.returncode == 0, second.stderr
    assert second.stdout.strip() == "taxonomy unchanged"
    assert await Item.find_all().count() == 60
    categories = {item.category async for item in Item.find_all()}
    assert len(categories) > 10
    # Every generated item passes the same validation an admin's write goes through.
    from garderobe.accounts.models import Role
    from tests.factories import auth_headers, create_user

    admin = auth_headers(settings, await create_user(stores.sessionmaker, role=Role.ADMIN))
    async for item in Item.find_all().limit(15):
        response = await client.patch(
            f"/api/v1/items/{item.id}",
            json={"title": item.title},
            headers={**admin, "If-Match": f'"{item.id}-{item.revision}"'},
        )
        assert response.status_code == 200, response.text
    # Generated items are searchable. The sample is random: with no jeans among 60 items,
    # "jeans" would be typo-corrected to some other word, so only check when there are some.
    if await Item.find(Item.category == "jeans").count():
        found = (await client.get("/api/v1/search", params={"q": "jeans"})).json()["items"]
        assert found
        assert all("Jean" in hit["title"] or "Jean" in " ".join(hit["categories"]) for hit in found)

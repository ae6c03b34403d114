"""What `garderobe dev` puts into empty stores: the sample shop and the dev accounts."""

from __future__ import annotations

import dataclasses
import io
import stat
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx
import pytest
from PIL import Image

from garderobe.catalog import seeding
from garderobe.catalog.documents import Item
from garderobe.catalog.taxonomy.documents import Category
from garderobe.dev import accounts, pictures, sample
from garderobe.infra.stores import Stores
from garderobe.media import images

RunJobs = Callable[[], Awaitable[int]]


def _development(stores: Stores) -> Stores:
    return dataclasses.replace(
        stores, settings=stores.settings.model_copy(update={"environment": "development"})
    )


async def test_empty_catalog_gets_taxonomy_and_an_item_in_every_leaf(
    stores: Stores, tmp_path: Path
) -> None:
    shop = await sample.load_sample_shop(stores, tmp_path, items=40)
    leaves = {leaf.category.slug for leaf in await seeding.leaves()}
    assert shop.loaded
    assert shop.items == 40
    assert shop.leaves == len(leaves)
    assert shop.categories == await Category.find_all().count() > len(leaves)
    assert {item.category async for item in Item.find_all()} == leaves
    assert len(sample.pending_pictures(tmp_path)) == 40


async def test_later_start_adds_nothing(stores: Stores, tmp_path: Path) -> None:
    await sample.load_sample_shop(stores, tmp_path, items=35)
    again = await sample.load_sample_shop(stores, tmp_path, items=35)
    assert not again.loaded
    assert await Item.find_all().count() == 35


async def test_sample_items_listed_by_the_api(
    stores: Stores, client: httpx.AsyncClient, tmp_path: Path
) -> None:
    await sample.load_sample_shop(stores, tmp_path, items=32)
    response = await client.get("/api/v1/items", params={"category": "t-shirts", "facets": "true"})
    assert response.status_code == 200
    assert response.json()["items"]
    assert response.json()["facets"]["fields"]["colour"]


async def test_picture_goes_through_upload_and_worker_makes_thumbnails(
    stores: Stores, client: httpx.AsyncClient, run_jobs: RunJobs, tmp_path: Path
) -> None:
    await sample.load_sample_shop(stores, tmp_path, items=32)
    item_id = sample.pending_pictures(tmp_path)[0]
    assert await sample.upload_picture(stores, item_id)
    await run_jobs()
    body = (await client.get(f"/api/v1/items/{item_id}")).json()
    [image] = body["images"]
    assert set(image["urls"]) == {"original", "200", "600"}
    async with httpx.AsyncClient() as http:
        original = await http.get(image["urls"]["original"])
        thumbnail = await http.get(image["urls"]["200"])
    assert Image.open(io.BytesIO(original.content)).format == "JPEG"
    assert Image.open(io.BytesIO(thumbnail.content)).size[0] == 200


async def test_resumed_fill_never_adds_a_second_picture(stores: Stores, tmp_path: Path) -> None:
    await sample.load_sample_shop(stores, tmp_path, items=32)
    item_id = sample.pending_pictures(tmp_path)[0]
    assert await sample.upload_picture(stores, item_id)
    assert not await sample.upload_picture(stores, item_id)
    item = await Item.get(item_id)
    assert item is not None
    assert len(item.images) == 1


@pytest.mark.parametrize(
    "path", [["clothes", "tops", "t-shirts"], ["shoes", "sneakers"], ["accessories", "misc"]]
)
def test_every_picture_passes_the_upload_checks(path: list[str]) -> None:
    data = pictures.garment_picture(path, ["navy", "white"], "striped")
    clean = images.clean(io.BytesIO(data), 40_000_000)
    assert clean.content_type == "image/jpeg"
    assert (clean.width, clean.height) == (pictures.WIDTH, pictures.HEIGHT)


async def test_first_start_makes_admin_and_confirmed_customer(
    stores: Stores, client: httpx.AsyncClient, tmp_path: Path
) -> None:
    created = await accounts.ensure_dev_accounts(_development(stores), tmp_path)
    assert [a.email for a in created] == [accounts.ADMIN_EMAIL, accounts.CUSTOMER_EMAIL]
    for account in created:
        login = await client.post(
            "/api/v1/auth/login", json={"email": account.email, "password": account.password}
        )
        assert login.status_code == 200, login.text
        token = login.json()["access_token"]
        me = await client.get("/api/v1/users/me", headers={"Authorization": f"Bearer {token}"})
        assert me.json()["role"] == account.role
        assert me.json()["email_confirmed_at"] is not None


async def test_credentials_file_is_private_and_holds_the_passwords(
    stores: Stores, tmp_path: Path
) -> None:
    created = await accounts.ensure_dev_accounts(_development(stores), tmp_path)
    path = accounts.credentials_file(tmp_path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    text = path.read_text()
    for account in created:
        assert f"DEV_{account.role.upper()}_PASSWORD={account.password}" in text


async def test_later_start_makes_no_new_accounts(stores: Stores, tmp_path: Path) -> None:
    await accounts.ensure_dev_accounts(_development(stores), tmp_path)
    before = accounts.credentials_file(tmp_path).read_text()
    assert await accounts.ensure_dev_accounts(_development(stores), tmp_path) == []
    assert accounts.credentials_file(tmp_path).read_text() == before


async def test_dev_accounts_are_never_made_outside_development(
    stores: Stores, tmp_path: Path
) -> None:
    assert stores.settings.environment == "test"
    with pytest.raises(RuntimeError):
        await accounts.ensure_dev_accounts(stores, tmp_path)
    assert not accounts.credentials_file(tmp_path).exists()

"""What a careless or hostile client sends is a 4xx problem, never a 500 (issue 12's cases)."""

from __future__ import annotations

import httpx
import pytest

from garderobe.accounts.models import Role
from garderobe.catalog.taxonomy import loading
from garderobe.infra.stores import Stores
from garderobe.settings import Settings
from tests.catalog.test_images import picture
from tests.factories import auth_headers, create_item, create_user

ADDRESS = {
    "recipient": "Ann Example",
    "line1": "1 Main St",
    "city": "Berlin",
    "postal_code": "10115",
    "country": "DE",
}


@pytest.fixture
async def admin(stores: Stores, settings: Settings) -> dict[str, str]:
    await loading.load_file()
    return auth_headers(settings, await create_user(stores.sessionmaker, role=Role.ADMIN))


def _fields(response: httpx.Response) -> list[str]:
    return [e["field"] for e in response.json()["errors"]]


async def test_null_for_a_required_address_field_is_a_422(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    headers = auth_headers(settings, await create_user(stores.sessionmaker))
    created = await client.post("/api/v1/users/me/addresses", json=ADDRESS, headers=headers)
    assert created.status_code == 201, created.text
    url = f"/api/v1/users/me/addresses/{created.json()['id']}"
    for field in ("recipient", "line1", "city", "postal_code", "country", "is_default"):
        response = await client.patch(url, json={field: None}, headers=headers)
        assert response.status_code == 422, (field, response.text)
        assert _fields(response) == [f"body.{field}"]
    # Nullable fields may still be cleared, and leaving a field out keeps it.
    cleared = await client.patch(url, json={"line2": None, "phone": None}, headers=headers)
    assert cleared.status_code == 200, cleared.text
    assert cleared.json()["postal_code"] == "10115"


async def test_null_title_in_an_item_patch_is_a_422(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    item = await create_item()
    response = await client.patch(
        f"/api/v1/items/{item.id}",
        json={"title": None},
        headers={**admin, "If-Match": f'"{item.id}-{item.revision}"'},
    )
    assert response.status_code == 422
    assert _fields(response) == ["body.title"]


async def test_patch_schemas_say_which_fields_may_not_be_null(client: httpx.AsyncClient) -> None:
    schemas = (await client.get("/openapi.json")).json()["components"]["schemas"]
    recipient = schemas["AddressUpdateIn"]["properties"]["recipient"]
    assert recipient["type"] == "string"
    assert "anyOf" not in recipient
    line2 = schemas["AddressUpdateIn"]["properties"]["line2"]
    assert {"type": "null"} in line2["anyOf"]


@pytest.mark.parametrize("position", [2**31, 10**20, -1])
async def test_category_positions_are_bounded(
    client: httpx.AsyncClient, admin: dict[str, str], position: int
) -> None:
    created = await client.post(
        "/api/v1/categories",
        json={"name": "Capes", "parent": "outerwear", "position": position},
        headers=admin,
    )
    assert created.status_code == 422
    assert _fields(created) == ["body.position"]
    patched = await client.patch(
        "/api/v1/categories/coats", json={"position": position}, headers=admin
    )
    assert patched.status_code == 422


@pytest.mark.parametrize("raw", [b"100000000000000000000", b"1e400", b"-9223372036854775809"])
async def test_a_number_attribute_beyond_64_bits_is_a_422(
    client: httpx.AsyncClient, admin: dict[str, str], raw: bytes
) -> None:
    added = await client.post(
        "/api/v1/categories/t-shirts/attributes",
        json={"name": "chest_cm", "label": "Chest", "type": "number"},
        headers=admin,
    )
    assert added.status_code == 201, added.text
    body = (
        b'{"title": "Tee", "category": "t-shirts", "price": {"amount": 100}, '
        b'"attributes": {"chest_cm": ' + raw + b"}}"
    )
    response = await client.post(
        "/api/v1/items", content=body, headers={**admin, "Content-Type": "application/json"}
    )
    assert response.status_code == 422, response.text
    assert response.json()["type"].endswith(("/invalid-attributes", "/validation-error"))


async def test_listing_price_bounds_beyond_the_column_are_a_422(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/items", params={"price_min": 10**20})
    assert response.status_code == 422
    assert _fields(response) == ["query.price_min"]


async def test_a_broken_multipart_part_header_is_a_400(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    item = await create_item()
    body = b'--b\r\nContent-Disposition: form-data; name="files"\r\r\n\r\nxx\r\n--b--\r\n'
    response = await client.post(
        f"/api/v1/items/{item.id}/images",
        content=body,
        headers={**admin, "Content-Type": "multipart/form-data; boundary=b"},
    )
    assert response.status_code == 400
    assert response.json()["type"].endswith("/malformed-multipart")


async def test_a_nul_in_a_multipart_field_is_a_422_and_nothing_is_stored(
    client: httpx.AsyncClient, admin: dict[str, str], stores: Stores
) -> None:
    item = await create_item()
    response = await client.post(
        f"/api/v1/items/{item.id}/images",
        files=[("files", ("a.jpg", picture(), "image/jpeg"))],
        data={"alt": ["front\x00"]},
        headers=admin,
    )
    assert response.status_code == 422
    assert _fields(response) == ["body.alt"]
    assert await stores.storage.list() == []

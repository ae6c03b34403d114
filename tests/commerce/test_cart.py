from __future__ import annotations

import uuid

import httpx

from garderobe.catalog.documents import ItemStatus
from garderobe.infra.stores import Stores
from garderobe.settings import Settings
from tests.accounts.helpers import PASSWORD
from tests.commerce.helpers import shopper, stocked_item

CART = "/api/v1/cart"


async def test_cart_shows_current_prices_and_totals(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    ann = await shopper(client, stores, settings)
    item = await stocked_item(stores, on_hand=3, price=1500)
    assert (await ann.add(item, 2)).status_code == 201
    cart = (await client.get(CART, headers=ann.headers)).json()
    assert cart["subtotal"] == 3000
    assert cart["lines"][0]["quantity"] == 2
    assert cart["lines"][0]["available"] == 3
    assert cart["cart_token"] is None  # users need no token


async def test_more_than_available_is_409_with_the_available_quantity(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    ann = await shopper(client, stores, settings)
    item = await stocked_item(stores, on_hand=2)
    await ann.add(item, 2)
    response = await ann.add(item, 1)
    assert response.status_code == 409
    assert response.json()["available"] == 2
    assert response.json()["type"].endswith("/out-of-stock")


async def test_missing_or_inactive_items_are_404(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    ann = await shopper(client, stores, settings)
    draft = await stocked_item(stores, status=ItemStatus.DRAFT)
    assert (await ann.add(draft)).status_code == 404
    missing = await client.post(
        f"{CART}/items", headers=ann.headers, json={"item_id": "0" * 24, "quantity": 1}
    )
    assert missing.status_code == 404


async def test_someone_elses_line_is_404(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    ann, bob = (await shopper(client, stores, settings), await shopper(client, stores, settings))
    item = await stocked_item(stores, on_hand=5)
    line = (await ann.add(item)).json()["lines"][0]["id"]
    url = f"{CART}/items/{line}"
    assert (await client.patch(url, headers=bob.headers, json={"quantity": 2})).status_code == 404
    assert (await client.delete(url, headers=bob.headers)).status_code == 404
    assert (await client.patch(url, headers=ann.headers, json={"quantity": 2})).status_code == 200
    assert (await client.delete(url, headers=ann.headers)).json()["lines"] == []
    gone = await client.delete(f"{CART}/items/{uuid.uuid4()}", headers=ann.headers)
    assert gone.status_code == 404


async def test_guest_cart_token_and_merge_at_login_capped_by_stock(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    scarce = await stocked_item(stores, on_hand=2)
    plenty = await stocked_item(stores, on_hand=9)
    first = await client.post(f"{CART}/items", json={"item_id": str(scarce.id), "quantity": 2})
    token = first.json()["cart_token"]
    assert token
    await client.post(
        f"{CART}/items",
        headers={"X-Cart-Token": token},
        json={"item_id": str(plenty.id), "quantity": 1},
    )
    guest = (await client.get(CART, headers={"X-Cart-Token": token})).json()
    assert len(guest["lines"]) == 2
    ann = await shopper(client, stores, settings, email="ann@example.org", password=PASSWORD)
    await ann.add(scarce, 1)
    login = await client.post(
        "/api/v1/auth/login",
        headers={"X-Cart-Token": token},
        json={"email": "ann@example.org", "password": PASSWORD},
    )
    assert login.status_code == 200
    merged = (await client.get(CART, headers=ann.headers)).json()
    assert {line["item_id"]: line["quantity"] for line in merged["lines"]} == {
        str(scarce.id): 2,
        str(plenty.id): 1,
    }  # 1 + 2 wanted, only 2 exist
    assert (await client.get(CART, headers={"X-Cart-Token": token})).json()["lines"] == []


async def test_forged_cart_token_is_401(client: httpx.AsyncClient, stores: Stores) -> None:
    response = await client.get(CART, headers={"X-Cart-Token": "not.a.token"})
    assert response.status_code == 401

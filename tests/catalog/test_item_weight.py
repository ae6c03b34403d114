"""An item's optional shipping weight (shipping by weight reads it): set, changed, removed,
refused when negative."""

from __future__ import annotations

import httpx

from tests.catalog.helpers import TSHIRT, create, etag

ITEMS = "/api/v1/items"


async def test_weight_is_optional_set_patched_and_removed(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    plain = await create(client, admin)
    assert plain["weight_grams"] is None
    item = await create(client, admin, weight_grams=350)
    assert item["weight_grams"] == 350
    url = f"{ITEMS}/{item['id']}"
    patched = await client.patch(
        url, json={"weight_grams": 400}, headers={**admin, "If-Match": etag(item, 1)}
    )
    assert patched.json()["weight_grams"] == 400
    removed = await client.patch(
        url, json={"weight_grams": None}, headers={**admin, "If-Match": etag(item, 2)}
    )
    assert removed.json()["weight_grams"] is None
    refused = await client.post(ITEMS, json={**TSHIRT, "weight_grams": -1}, headers=admin)
    assert refused.status_code == 422
    assert "weight_grams" in refused.text

from __future__ import annotations

from typing import Any

import httpx

TSHIRT: dict[str, Any] = {
    "title": "Uniqlo slim white T-shirt",
    "category": "t-shirts",
    "brand": "uniqlo",
    "size": "M",
    "condition": "very-good",
    "colours": ["white"],
    "pattern": "plain",
    "material": "cotton",
    "price": {"amount": 1999, "currency": "EUR"},
    "attributes": {"fit": "Slim", "sleeves": "short", "collar": "Polo"},
    "status": "active",
}


async def create(
    client: httpx.AsyncClient, admin: dict[str, str], **changes: Any
) -> dict[str, Any]:
    body = {**TSHIRT, **changes}
    response = await client.post("/api/v1/items", json=body, headers=admin)
    assert response.status_code == 201, response.text
    item: dict[str, Any] = response.json()
    return item


def etag(item: dict[str, Any], revision: int) -> str:
    """The ETag the API gives `item` at `revision` (what If-Match must carry)."""
    return f'"{item["id"]}-{revision}"'

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

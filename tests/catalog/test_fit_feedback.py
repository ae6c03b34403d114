"""Fit verdicts in reviews, the item's fit summary and advice past the threshold, and the
size a shopper with saved sizes should choose (`catalog.fit.feedback`, `advice`)."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from garderobe.catalog.documents import Item
from garderobe.catalog.fit.feedback import ITEM_THRESHOLD
from garderobe.commerce.models import Order, OrderItem, OrderStatus
from garderobe.infra.stores import Stores
from garderobe.settings import Settings
from garderobe.uow import unit_of_work
from tests.factories import auth_headers, create_listed_item, create_user, variant

TEES = ["clothes", "tops", "t-shirts"]


async def _tee(stores: Stores, brand: str = "uniqlo") -> Item:
    return await create_listed_item(
        stores,
        title=f"{brand} tee",
        category="t-shirts",
        category_path=TEES,
        brand=brand,
        variants=[variant("S"), variant("M"), variant("L")],
        on_hand=[5, 5, 5],
    )


async def _buyer(stores: Stores, settings: Settings, item: Item, size: str) -> dict[str, str]:
    """A shopper with a delivered order of the item's variant in `size` (written as checkout
    writes its lines: the variant id and the size's label)."""
    user = await create_user(stores.sessionmaker)
    sold = next(v for v in item.sellable_variants() if v.size and v.size.value == size)
    async with unit_of_work(stores) as session:
        order = Order(
            number=f"T-{uuid.uuid4().hex[:12]}",
            user_id=user.id,
            status=OrderStatus.DELIVERED,
            currency="EUR",
            subtotal=1999,
            shipping=0,
            total=1999,
            shipping_address={"recipient": "Sam"},
        )
        session.add(order)
        await session.flush()
        session.add(
            OrderItem(
                order_id=order.id,
                item_id=str(item.id),
                variant_id=sold.id,
                sku=sold.sku,
                title=item.title,
                brand=item.brand,
                size=size,
                unit_price=1999,
                quantity=1,
            )
        )
    return auth_headers(settings, user)


async def _review(
    client: httpx.AsyncClient, who: dict[str, str], item: Item, verdict: str, size: str
) -> httpx.Response:
    body = {"rating": 4, "fit": {"verdict": verdict, "size": size}}
    return await client.post(f"/api/v1/items/{item.id}/reviews", headers=who, json=body)


async def _fit(client: httpx.AsyncClient, item: Item, **kw: Any) -> dict[str, Any]:
    found: dict[str, Any] = (await client.get(f"/api/v1/items/{item.id}/fit", **kw)).json()
    return found


async def test_a_fit_verdict_names_a_size_the_buyer_ordered(
    client: httpx.AsyncClient, shop: Stores, settings: Settings
) -> None:
    item = await _tee(shop)
    who = await _buyer(shop, settings, item, "M")
    refused = await _review(client, who, item, "runs_small", "L")
    assert refused.status_code == 422
    assert refused.json()["type"].endswith("/fit-size-not-bought")
    assert refused.json()["ordered"] == ["M"]
    written = await _review(client, who, item, "runs_small", "medium")
    assert written.status_code == 201, written.text
    assert written.json()["fit"] == {"verdict": "runs_small", "size": "letter:M", "label": "M"}


async def test_advice_appears_only_past_the_threshold_and_follows_the_verdicts(
    client: httpx.AsyncClient, shop: Stores, settings: Settings
) -> None:
    item = await _tee(shop)
    reviews = []
    for n in range(ITEM_THRESHOLD):
        who = await _buyer(shop, settings, item, "M")
        reviews.append((who, (await _review(client, who, item, "runs_small", "M")).json()))
        detail = (await client.get(f"/api/v1/items/{item.id}")).json()
        assert detail["fit"]["count"] == n + 1
        if n + 1 < ITEM_THRESHOLD:
            assert detail["fit"]["advice"] is None  # never advice on too little data
    advice = detail["fit"]["advice"]
    assert advice["verdict"] == "runs_small"
    assert advice["steps"] == 1
    assert advice["based_on"] == "item"
    assert advice["verdicts"] == ITEM_THRESHOLD
    for who, review in reviews[:3]:  # three of five now say it is true to size
        fit = {"verdict": "true_to_size", "size": "M"}
        changed = await client.patch(
            f"/api/v1/reviews/{review['id']}", headers=who, json={"fit": fit}
        )
        assert changed.status_code == 200, changed.text
    detail = (await client.get(f"/api/v1/items/{item.id}")).json()
    assert detail["fit"]["verdicts"] == {"runs_small": 2, "true_to_size": 3, "runs_large": 0}
    assert detail["fit"]["advice"]["verdict"] == "true_to_size"


async def test_a_new_verdict_changes_the_detail_etag(
    client: httpx.AsyncClient, shop: Stores, settings: Settings
) -> None:
    item = await _tee(shop)
    before = await client.get(f"/api/v1/items/{item.id}")
    who = await _buyer(shop, settings, item, "S")
    assert (await _review(client, who, item, "runs_large", "S")).status_code == 201
    after = await client.get(
        f"/api/v1/items/{item.id}", headers={"If-None-Match": before.headers["etag"]}
    )
    assert after.status_code == 200
    assert after.headers["etag"] != before.headers["etag"]
    assert after.json()["fit"]["verdicts"]["runs_large"] == 1


async def test_the_brand_speaks_for_an_item_with_too_few_verdicts_of_its_own(
    client: httpx.AsyncClient, shop: Stores, settings: Settings, monkeypatch: Any
) -> None:
    from garderobe.catalog.fit import feedback

    monkeypatch.setattr(feedback, "BRAND_THRESHOLD", 3)
    reviewed, fresh = await _tee(shop, "zara"), await _tee(shop, "zara")
    for _ in range(3):
        who = await _buyer(shop, settings, reviewed, "L")
        assert (await _review(client, who, reviewed, "runs_large", "L")).status_code == 201
    other_brand = await _tee(shop, "mango")
    advice = (await client.get(f"/api/v1/items/{fresh.id}")).json()["fit"]["advice"]
    assert advice["based_on"] == "brand"
    assert advice["verdict"] == "runs_large"
    assert (await client.get(f"/api/v1/items/{other_brand.id}")).json()["fit"]["advice"] is None


async def test_the_size_to_choose_is_personal_and_follows_the_advice(
    client: httpx.AsyncClient, shop: Stores, settings: Settings
) -> None:
    item = await _tee(shop)
    shopper = auth_headers(settings, await create_user(shop.sessionmaker))
    mine = {"body": {"bust": 88}}  # letter S on the default chart
    assert (await client.put("/api/v1/me/sizes", headers=shopper, json=mine)).status_code == 200
    assert (await _fit(client, item, headers=shopper))["suggested_size"] is None  # no advice yet
    for _ in range(ITEM_THRESHOLD):
        who = await _buyer(shop, settings, item, "S")
        assert (await _review(client, who, item, "runs_small", "S")).status_code == 201
    personal = await client.get(f"/api/v1/items/{item.id}/fit", headers=shopper)
    assert personal.headers["cache-control"] == "private, no-store"
    assert personal.json()["suggested_size"]["label"] == "M"  # one up from S
    assert (await _fit(client, item))["suggested_size"] is None  # a guest has no sizes
    detail = (await client.get(f"/api/v1/items/{item.id}", headers=shopper)).json()
    assert "suggested_size" not in detail["fit"]

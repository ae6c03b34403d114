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


async def _shopper(
    client: httpx.AsyncClient, shop: Stores, settings: Settings, **mine: Any
) -> dict[str, str]:
    """A signed-in shopper who saved `mine` (`sizes=`, `body=`) as their sizes."""
    who = auth_headers(settings, await create_user(shop.sessionmaker))
    assert (await client.put("/api/v1/me/sizes", headers=who, json=mine)).status_code == 200
    return who


def _labels(fit: dict[str, Any]) -> list[str]:
    return [size["label"] for size in fit["suggested_sizes"]]


async def _advised_brand(
    client: httpx.AsyncClient, shop: Stores, settings: Settings, brand: str, verdicts: list[str]
) -> None:
    """Verdicts on one S/M/L tee of `brand`, which speak for its other tops (the brand
    threshold is lowered to their number)."""
    reviewed = await _tee(shop, brand)
    for verdict in verdicts:
        who = await _buyer(shop, settings, reviewed, "M")
        assert (await _review(client, who, reviewed, verdict, "M")).status_code == 201


async def test_a_shopper_near_a_size_edge_is_also_offered_the_neighbour(
    client: httpx.AsyncClient, shop: Stores, settings: Settings, monkeypatch: Any
) -> None:
    from garderobe.catalog.fit import feedback

    monkeypatch.setattr(feedback, "BRAND_THRESHOLD", 3)
    item = await _tee(shop, "arket")
    edge = await _shopper(client, shop, settings, body={"bust": 89})  # S is [82, 90)
    before = await _fit(client, item, headers=edge)
    assert before["suggested_size"] is None  # no advice yet, no size
    assert before["suggested_sizes"] == []
    await _advised_brand(client, shop, settings, "arket", ["true_to_size"] * 3)
    fit = await _fit(client, item, headers=edge)
    assert fit["suggested_size"]["label"] == "S"  # still the single best size
    assert _labels(fit) == ["S", "M"]
    assert fit["advice"]["text"].endswith("Between two sizes: S, or M for a looser fit.")
    middle = await _fit(
        client, item, headers=await _shopper(client, shop, settings, body={"bust": 86})
    )
    assert _labels(middle) == ["S"]
    assert "Between" not in middle["advice"]["text"]
    low_edge = await _shopper(client, shop, settings, body={"bust": 82.5})  # the item has no XS
    assert _labels(await _fit(client, item, headers=low_edge)) == ["S"]
    detail = (await client.get(f"/api/v1/items/{item.id}", headers=edge)).json()
    assert "Between" not in detail["fit"]["advice"]["text"]  # shared detail stays impersonal
    assert (await _fit(client, item))["suggested_sizes"] == []  # a guest has no sizes


async def test_the_second_size_is_never_two_steps_off(
    client: httpx.AsyncClient, shop: Stores, settings: Settings, monkeypatch: Any
) -> None:
    from garderobe.catalog.fit import feedback

    monkeypatch.setattr(feedback, "BRAND_THRESHOLD", 3)
    await _advised_brand(client, shop, settings, "cos", ["true_to_size"] * 3)
    gap = await create_listed_item(
        shop,
        title="cos tee without M",
        category="t-shirts",
        category_path=TEES,
        brand="cos",
        variants=[variant("S"), variant("L")],
        on_hand=[5, 5],
    )
    edge = await _shopper(client, shop, settings, body={"bust": 89})  # near M, which is missing
    assert _labels(await _fit(client, gap, headers=edge)) == ["S"]  # L is two steps from S


async def test_a_saved_size_moved_near_an_edge_names_the_size_it_came_from(
    client: httpx.AsyncClient, shop: Stores, settings: Settings, monkeypatch: Any
) -> None:
    from garderobe.catalog.fit import feedback

    monkeypatch.setattr(feedback, "BRAND_THRESHOLD", 3)
    item = await _tee(shop, "weekday")
    # two of three say small: the saved S's middle (86) moves up 2/3 of a size, into M just
    # above its low edge, while most of the saved S's range moved stays in S
    await _advised_brand(client, shop, settings, "weekday", ["runs_small"] * 2 + ["true_to_size"])
    saved = await _shopper(
        client, shop, settings, sizes={"womens_tops": {"system": "letter", "value": "S"}}
    )
    fit = await _fit(client, item, headers=saved)
    assert _labels(fit) == ["M", "S"]
    assert fit["advice"]["text"].endswith("Between two sizes: M, or S for a closer fit.")

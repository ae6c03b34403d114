"""Discounts through the API: each kind and scope, the refusal reasons, the combination
rule, limits, and the order's discount lines."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import func, select

from garderobe.commerce.models import Order
from garderobe.infra.stores import Stores
from garderobe.settings import Settings
from tests.commerce.helpers import stock_of, stocked_item
from tests.pricing.helpers import admin_headers, buyer, discount, order, priced

TOPS = ["clothes", "tops", "t-shirts"]
JEANS = ["clothes", "bottoms", "jeans"]


async def _orders(stores: Stores) -> int:
    async with stores.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(Order)) or 0)


def _line(pricing: dict[str, object], variant_id: str) -> dict[str, object]:
    lines = pricing["lines"]
    assert isinstance(lines, list)
    return next(line for line in lines if line["variant_id"] == variant_id)


async def test_percentage_code_is_shown_in_the_cart_and_kept_by_the_order(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    admin = await admin_headers(stores, settings)
    made = await discount(client, admin, code="save10")
    ann = await buyer(client, stores, settings)
    await ann.add(await stocked_item(stores, on_hand=2, price=5000))
    quote = await priced(ann, code="SAVE10")
    assert [d["code"] for d in quote["discounts"]] == ["SAVE10"]
    assert (quote["subtotal"], quote["discount"], quote["shipping"]) == (5000, 500, 495)
    assert quote["total"] == 4995
    placed = await order(ann, ["save10"])
    assert placed.status_code == 201, placed.text
    body = placed.json()
    assert (body["subtotal"], body["discount"], body["shipping"], body["total"]) == (
        5000,
        500,
        495,
        4995,
    )
    assert body["discounts"] == [
        {"id": made["id"], "code": "SAVE10", "name": "Ten off", "kind": "percentage", "amount": 500}
    ]
    assert body["item_amounts"][0]["discount"] == 500
    counted = await client.get(f"/api/v1/admin/discounts/{made['id']}", headers=admin)
    assert counted.json()["used"] == 1


async def test_fixed_amount_for_a_brand_comes_off_that_brands_lines_only(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    admin = await admin_headers(stores, settings)
    await discount(
        client, admin, code="ACNE", kind="fixed", value=1000, scope="brands", targets=["acne"]
    )
    ann = await buyer(client, stores, settings)
    acne = await stocked_item(stores, price=3000, brand="acne")
    other = await stocked_item(stores, price=2000, brand="uniqlo")
    await ann.add(acne)
    await ann.add(other)
    quote = await priced(ann, code="ACNE")
    assert quote["discount"] == 1000
    assert _line(quote, acne.sellable_variants()[0].id)["discount"] == 1000
    assert _line(quote, other.sellable_variants()[0].id)["discount"] == 0


async def test_fixed_amount_never_takes_a_line_below_zero(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    admin = await admin_headers(stores, settings)
    await discount(client, admin, code="BIG", kind="fixed", value=10_000)
    ann = await buyer(client, stores, settings)
    await ann.add(await stocked_item(stores, price=1500))
    placed = await order(ann, ["BIG"])
    assert placed.status_code == 201, placed.text
    assert (placed.json()["discount"], placed.json()["total"]) == (1500, 495)


async def test_free_shipping_takes_the_shipping_off(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    admin = await admin_headers(stores, settings)
    await discount(client, admin, code="SHIPFREE", kind="free_shipping")
    ann = await buyer(client, stores, settings)
    await ann.add(await stocked_item(stores, price=2500))
    placed = await order(ann, ["SHIPFREE"])
    assert placed.status_code == 201, placed.text
    body = placed.json()
    assert (body["shipping"], body["discount"], body["total"]) == (495, 495, 2500)


async def test_category_scope_covers_the_subtree_and_nothing_else(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    admin = await admin_headers(stores, settings)
    await discount(client, admin, code="TOPS20", value=20, scope="categories", targets=["tops"])
    ann = await buyer(client, stores, settings)
    tee = await stocked_item(stores, price=2000, category="t-shirts", category_path=TOPS)
    jeans = await stocked_item(stores, price=6000, category="jeans", category_path=JEANS)
    await ann.add(tee)
    await ann.add(jeans)
    quote = await priced(ann, code="TOPS20")
    assert _line(quote, tee.sellable_variants()[0].id)["discount"] == 400
    assert _line(quote, jeans.sellable_variants()[0].id)["discount"] == 0


async def test_item_scope_and_its_refusal_for_other_items(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    admin = await admin_headers(stores, settings)
    wanted = await stocked_item(stores, price=4000)
    other = await stocked_item(stores, price=4000)
    await discount(client, admin, code="THISONE", value=50, scope="items", targets=[str(wanted.id)])
    ann = await buyer(client, stores, settings)
    await ann.add(other)
    refused = (await priced(ann, code="THISONE"))["refused_codes"]
    assert refused == [
        {"code": "THISONE", "reason": "not_valid_for_items", "message": "not valid for these items"}
    ]
    await ann.add(wanted)
    assert (await priced(ann, code="THISONE"))["discount"] == 2000


async def test_refusal_reasons_have_stable_codes(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    admin = await admin_headers(stores, settings)
    now = datetime.now(UTC)
    await discount(client, admin, code="OLD", ends_at=(now - timedelta(days=1)).isoformat())
    await discount(client, admin, code="SOON", starts_at=(now + timedelta(days=1)).isoformat())
    await discount(client, admin, code="MIN50", min_subtotal=5000)
    await discount(client, admin, code="GONE", usage_limit=1)
    first = await buyer(client, stores, settings)
    await first.add(await stocked_item(stores, price=3000))
    assert (await order(first, ["GONE"])).status_code == 201
    ann = await buyer(client, stores, settings)
    await ann.add(await stocked_item(stores, price=3000))
    quote = await priced(ann, code=["OLD", "SOON", "MIN50", "GONE", "NOPE"])
    assert {r["code"]: (r["reason"], r["message"]) for r in quote["refused_codes"]} == {
        "OLD": ("expired", "expired"),
        "SOON": ("not_started", "not valid yet"),
        "MIN50": ("minimum_not_reached", "minimum 50.00 EUR"),
        "GONE": ("usage_limit_reached", "usage limit reached"),
        "NOPE": ("unknown_code", "no such code"),
    }
    assert quote["discount"] == 0


async def test_checkout_with_a_code_that_does_not_apply_changes_nothing(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    admin = await admin_headers(stores, settings)
    await discount(client, admin, code="MIN50", min_subtotal=5000)
    ann = await buyer(client, stores, settings)
    item = await stocked_item(stores, on_hand=2, price=3000)
    await ann.add(item)
    refused = await order(ann, ["MIN50"])
    assert refused.status_code == 409
    assert refused.json()["type"].endswith("/discount-refused")
    assert refused.json()["reason"] == "minimum_not_reached"
    assert await _orders(stores) == 0
    assert (await stock_of(stores, item)).reserved == 0
    assert len((await client.get("/api/v1/cart", headers=ann.headers)).json()["lines"]) == 1


async def test_per_customer_limit_allows_each_customer_their_uses(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    admin = await admin_headers(stores, settings)
    await discount(client, admin, code="ONCE", per_customer_limit=1)
    ann, bob = await buyer(client, stores, settings), await buyer(client, stores, settings)
    item = await stocked_item(stores, on_hand=5, price=2000)
    await ann.add(item)
    assert (await order(ann, ["ONCE"])).status_code == 201
    await ann.add(item)
    again = await priced(ann, code="ONCE")
    assert again["refused_codes"][0]["reason"] == "customer_limit_reached"
    assert (await order(ann, ["ONCE"])).status_code == 409
    await bob.add(item)
    assert (await order(bob, ["ONCE"])).status_code == 201


async def test_automatic_promotion_applies_without_a_code(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    admin = await admin_headers(stores, settings)
    await discount(client, admin, code=None, name="Winter sale", value=25)
    ann = await buyer(client, stores, settings)
    await ann.add(await stocked_item(stores, price=4000))
    placed = await order(ann)
    assert placed.status_code == 201, placed.text
    assert placed.json()["discount"] == 1000
    assert placed.json()["discounts"][0]["code"] is None


async def test_combinable_discounts_add_up_and_a_better_exclusive_one_wins_alone(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    admin = await admin_headers(stores, settings)
    await discount(client, admin, code="FIVE", value=5, combinable=True)
    await discount(client, admin, code="SHIP", kind="free_shipping", combinable=True)
    ann = await buyer(client, stores, settings)
    await ann.add(await stocked_item(stores, price=10_000))
    both = await priced(ann, code=["FIVE", "SHIP"])
    assert sorted(d["code"] for d in both["discounts"]) == ["FIVE", "SHIP"]
    assert both["discount"] == 500 + 495
    await discount(client, admin, code="TWENTY", value=20)  # not combinable, saves 2000
    best = await priced(ann, code=["FIVE", "SHIP", "TWENTY"])
    assert [d["code"] for d in best["discounts"]] == ["TWENTY"]
    assert best["discount"] == 2000
    assert {r["code"]: r["reason"] for r in best["refused_codes"]} == {
        "FIVE": "not_combinable",
        "SHIP": "not_combinable",
    }


async def test_admin_crud_keeps_order_snapshots_and_refuses_bad_terms(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    admin = await admin_headers(stores, settings)
    made = await discount(client, admin, code="SPRING")
    url = f"/api/v1/admin/discounts/{made['id']}"
    taken = await client.post(
        "/api/v1/admin/discounts",
        headers=admin,
        json={"code": "spring", "name": "x", "kind": "free_shipping"},
    )
    assert taken.status_code == 409
    for bad in ({"kind": "percentage", "value": 150}, {"scope": "brands", "targets": []}):
        body = {"code": "BAD", "name": "Bad", "kind": "fixed", "value": 100, **bad}
        assert (
            await client.post("/api/v1/admin/discounts", headers=admin, json=body)
        ).status_code == 422
    ann = await buyer(client, stores, settings)
    await ann.add(await stocked_item(stores, price=2000))
    placed = (await order(ann, ["SPRING"])).json()
    lowered = await client.put(
        url, headers=admin, json={**_terms(made), "usage_limit": 1, "value": 15}
    )
    assert lowered.status_code == 200
    assert (lowered.json()["value"], lowered.json()["used"]) == (15, 1)
    listed = await client.get("/api/v1/admin/discounts", headers=admin)
    assert [(d["code"], d["used"]) for d in listed.json()] == [("SPRING", 1)]
    assert (await client.delete(url, headers=admin)).status_code == 204
    kept = await client.get(f"/api/v1/orders/{placed['id']}", headers=ann.headers)
    assert kept.json()["discounts"][0]["code"] == "SPRING"
    assert kept.json()["discounts"][0]["id"] is None
    assert (await client.get(url, headers=admin)).status_code == 404
    assert (await client.get("/api/v1/admin/discounts", headers=ann.headers)).status_code == 403


def _terms(made: dict[str, object]) -> dict[str, object]:
    fields = ("code", "name", "kind", "value", "currency", "scope", "targets", "combinable")
    return {name: made[name] for name in fields}

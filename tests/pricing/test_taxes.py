"""Taxes through the API: the destination's rate per tax class, tax-inclusive and
-exclusive prices, the per-line half-up rounding rule, zero-rated exports."""

from __future__ import annotations

import httpx
import pytest

from garderobe.infra.stores import Stores
from garderobe.settings import Settings
from tests.commerce.helpers import stocked_item
from tests.pricing.helpers import admin_headers, buyer, discount, order, priced

KIDS = ["clothes", "kids", "t-shirts"]


async def test_inclusive_prices_hold_the_german_rate_rounded_per_line(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    ann = await buyer(client, stores, settings, country="DE")
    await ann.add(await stocked_item(stores, price=1999))
    placed = await order(ann)
    assert placed.status_code == 201, placed.text
    body = placed.json()
    # 1999 x 19/119 = 319.16 -> 319; shipping 495 x 19/119 = 79.03 -> 79.
    assert body["item_amounts"][0] == {
        "variant_id": body["items"][0]["variant_id"],
        "tax_class": "standard",
        "tax_rate": 1900,
        "discount": 0,
        "net": 1680,
        "tax": 319,
        "gross": 1999,
    }
    assert (body["tax"], body["net"], body["total"]) == (319 + 79, 2494 - 398, 2494)
    assert body["prices_include_tax"] is True


async def test_exclusive_prices_add_tax_rounded_half_up_on_each_line(
    client: httpx.AsyncClient, stores: Stores, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(settings, "prices_include_tax", False)
    ann = await buyer(client, stores, settings, country="DE")
    await ann.add(await stocked_item(stores, price=150))
    await ann.add(await stocked_item(stores, price=150))
    quote = await priced(ann)
    # 150 x 19% = 28.5: half up -> 29 on each line (half-even would give 28; one rounding
    # of the 300 total would give 57, not 58). Shipping 495 x 19% = 94.05 -> 94.
    assert [line["tax"] for line in quote["lines"]] == [29, 29]
    assert [line["gross"] for line in quote["lines"]] == [179, 179]
    assert (quote["subtotal"], quote["shipping"]) == (358, 589)
    assert (quote["net"], quote["tax"], quote["total"]) == (795, 152, 947)
    placed = (await order(ann)).json()
    assert (placed["net"], placed["tax"], placed["total"]) == (795, 152, 947)
    assert placed["prices_include_tax"] is False


@pytest.mark.parametrize(
    ("country", "children_rate", "standard_rate"),
    [("GB", 0, 2000), ("IE", 0, 2300), ("FR", 2000, 2000)],
)
async def test_childrens_clothing_has_its_countrys_own_rate(
    client: httpx.AsyncClient,
    stores: Stores,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    country: str,
    children_rate: int,
    standard_rate: int,
) -> None:
    monkeypatch.setattr(settings, "tax_area", [*settings.tax_area, "GB"])
    monkeypatch.setattr(settings, "tax_children_categories", ["kids"])
    ann = await buyer(client, stores, settings, country=country)
    kids = await stocked_item(stores, price=1000, category_path=KIDS)
    adults = await stocked_item(stores, price=1000)
    await ann.add(kids)
    await ann.add(adults)
    lines = {line["variant_id"]: line for line in (await priced(ann))["lines"]}
    kid_line = lines[kids.sellable_variants()[0].id]
    adult_line = lines[adults.sellable_variants()[0].id]
    assert (kid_line["tax_class"], kid_line["tax_rate"]) == ("children", children_rate)
    assert (adult_line["tax_class"], adult_line["tax_rate"]) == ("standard", standard_rate)
    assert kid_line["net"] + kid_line["tax"] == kid_line["gross"] == 1000


async def test_destinations_outside_the_tax_area_are_zero_rated(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    for country in ("US", "GB"):  # GB is outside the default area (the EU)
        who = await buyer(client, stores, settings, country=country)
        await who.add(await stocked_item(stores, price=2500))
        body = (await order(who)).json()
        assert body["tax"] == 0
        assert body["net"] == body["total"] == 2500 + settings.shipping_fee
        assert body["item_amounts"][0]["tax_rate"] == 0


async def test_a_discount_lowers_the_taxed_amount(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    await discount(client, await admin_headers(stores, settings), code="HALF", value=50)
    ann = await buyer(client, stores, settings, country="DE")
    await ann.add(await stocked_item(stores, price=2380))
    line = (await priced(ann, code="HALF"))["lines"][0]
    # 1190 left of 2380; 1190 x 19/119 = 190 exactly.
    assert (line["discount"], line["gross"], line["tax"], line["net"]) == (1190, 1190, 190, 1000)


async def test_guests_price_their_cart_for_a_country_and_bad_destinations_are_4xx(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    item = await stocked_item(stores, price=1200)
    added = await client.post("/api/v1/cart/items", json={"item_id": str(item.id)})
    guest = {"X-Cart-Token": added.json()["cart_token"]}
    french = await client.get("/api/v1/cart", headers=guest, params={"country": "fr"})
    assert french.json()["pricing"]["country"] == "FR"
    assert french.json()["pricing"]["lines"][0]["tax_rate"] == 2000
    assert (await client.get("/api/v1/cart", headers=guest)).json()["pricing"] is None
    ann = await buyer(client, stores, settings)
    for params, headers, status in [
        ({"country": "France"}, guest, 422),
        ({"address_id": str(ann.address_id)}, guest, 422),  # guests name a country
        ({"address_id": str(ann.address_id)}, (await buyer(client, stores, settings)).headers, 404),
    ]:
        assert (
            await client.get("/api/v1/cart", headers=headers, params=params)
        ).status_code == status

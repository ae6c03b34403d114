"""Listings that fit a shopper (fits=me, body dimensions) and size filters across systems,
through a brand's chart or the default, in both index modes (`index_mode`)."""

from __future__ import annotations

from typing import Any

import httpx

from garderobe.infra.stores import Stores
from garderobe.settings import Settings
from garderobe.sizing.charts import default_chart
from garderobe.sizing.conversion import fitting_sizes
from tests.catalog.sizes_helpers import brand_chart
from tests.factories import auth_headers, create_listed_item, create_user, variant

ITEMS = "/api/v1/items"
TEES = ["clothes", "tops", "t-shirts"]


async def _tee(stores: Stores, brand: str, *sizes: str, units: list[int] | None = None) -> str:
    item = await create_listed_item(
        stores,
        title=f"{brand} tee {' '.join(sizes)}",
        category="t-shirts",
        category_path=TEES,
        brand=brand,
        colours=["black"],
        variants=[variant(size, "black") for size in sizes],
        on_hand=units or [1] * len(sizes),
    )
    return str(item.id)


async def _ids(client: httpx.AsyncClient, *params: tuple[str, Any], **kw: Any) -> set[str]:
    response = await client.get(ITEMS, params=[("category", "t-shirts"), *params], **kw)
    assert response.status_code == 200, response.text
    return {item["id"] for item in response.json()["items"]}


async def _size_counts(client: httpx.AsyncClient, *params: tuple[str, Any], **kw: Any) -> Any:
    query = [("category", "t-shirts"), ("facets", "true"), *params]
    body = (await client.get(ITEMS, params=query, **kw)).json()
    return {v["value"]: v["count"] for v in body["facets"]["fields"]["size"]}


async def test_body_dimensions_list_items_with_an_available_size_that_fits(
    client: httpx.AsyncClient, shop: Stores, index_mode: str
) -> None:
    fits = [f"{s}:{v}" for s, v in fitting_sizes(default_chart("womens_tops"), {"bust": 88})]
    fitting = await _tee(shop, "uniqlo", "S", "L")  # letter S is bust [82, 90)
    too_big = await _tee(shop, "uniqlo", "L", "XL")
    sold_out = await _tee(shop, "uniqlo", "S", "L", units=[0, 1])
    in_eu = await _tee(shop, "mango", "eu_women:38")  # EU 38 is bust [86, 90)
    assert "letter:S" in fits
    assert "eu_women:38" in fits
    assert await _ids(client, ("bust", "88")) == {fitting, in_eu}
    assert too_big not in await _ids(client, ("bust", "88"), ("size", "L"))
    assert await _ids(client, ("bust", "88"), ("colour", "black")) == {fitting, in_eu}
    assert sold_out in await _ids(client)
    counts = await _size_counts(client, ("bust", "88"))
    assert counts == {"letter:S": 1, "letter:L": 1, "eu_women:38": 1}


async def test_a_brand_chart_changes_what_fits_me_returns_for_that_brand_only(
    client: httpx.AsyncClient, shop: Stores, admin: dict[str, str], index_mode: str
) -> None:
    # The brand's letter sizes run small: its M is bust [84, 90), the default's S [82, 90).
    uniqlo_s = await _tee(shop, "uniqlo", "S")
    uniqlo_m = await _tee(shop, "uniqlo", "M")
    zara_s = await _tee(shop, "zara", "S")
    zara_m = await _tee(shop, "zara", "M")
    shopper = auth_headers(shop.settings, await create_user(shop.sessionmaker))
    saved = await client.put("/api/v1/me/sizes", headers=shopper, json={"body": {"bust": 88}})
    assert saved.status_code == 200
    before = await _ids(client, ("fits", "me"), headers=shopper)
    assert before == {uniqlo_s, zara_s}
    put = await client.put(
        "/api/v1/admin/size-charts/zara/womens_tops", headers=admin, json=brand_chart()
    )
    assert put.status_code == 201, put.text
    after = await _ids(client, ("fits", "me"), headers=shopper)
    assert after == {uniqlo_s, zara_m}
    assert await _ids(client, ("bust", "88")) == after  # guests, same rule
    assert uniqlo_m not in after


async def test_fits_me_needs_a_signed_in_shopper_with_saved_sizes(
    client: httpx.AsyncClient, shop: Stores, settings: Settings
) -> None:
    anonymous = await client.get(ITEMS, params={"fits": "me"})
    assert anonymous.status_code == 401
    assert anonymous.headers["content-type"].startswith("application/problem+json")
    shopper = auth_headers(settings, await create_user(shop.sessionmaker))
    nothing = await client.get(ITEMS, params={"fits": "me"}, headers=shopper)
    assert nothing.status_code == 422
    assert nothing.json()["type"].endswith("/no-saved-sizes")


async def test_a_saved_size_in_one_system_finds_equivalent_sizes_in_others(
    client: httpx.AsyncClient, shop: Stores, settings: Settings, index_mode: str
) -> None:
    # UK 10 is bust [82, 86): EU 36 [82, 86) and letter S [82, 90) overlap it; EU 38 does not.
    eu_36 = await _tee(shop, "mango", "eu_women:36")
    eu_38 = await _tee(shop, "mango", "eu_women:38")
    small = await _tee(shop, "uniqlo", "S")
    shopper = auth_headers(settings, await create_user(shop.sessionmaker))
    mine = {"sizes": {"womens_tops": {"system": "uk_women", "value": "10"}}}
    assert (await client.put("/api/v1/me/sizes", headers=shopper, json=mine)).status_code == 200
    assert await _ids(client, ("fits", "me"), headers=shopper) == {eu_36, small}
    assert eu_38 in await _ids(client)


async def test_a_uk_size_filter_finds_eu_and_letter_sizes_where_the_charts_overlap(
    client: httpx.AsyncClient, shop: Stores, index_mode: str
) -> None:
    eu_36 = await _tee(shop, "mango", "eu_women:36")
    eu_40 = await _tee(shop, "mango", "eu_women:40")
    small = await _tee(shop, "uniqlo", "S")
    medium = await _tee(shop, "uniqlo", "M")
    across = await _ids(client, ("size", "UK 10"), ("size_system", "uk_women"))
    assert across == {eu_36, small}
    twelve = await _ids(client, ("size", "12"), ("size_system", "uk_women"))
    assert twelve == {small}  # UK 12 is bust [86, 90): EU 38, letter S
    assert {eu_40, medium}.isdisjoint(across | twelve)
    bad = await client.get(ITEMS, params={"size": "M", "size_system": "uk_women"})
    assert bad.status_code == 422
    assert bad.json()["type"].endswith("/unknown-size")


async def test_size_system_labels_the_size_facet_in_the_shoppers_system(
    client: httpx.AsyncClient, shop: Stores, index_mode: str
) -> None:
    await _tee(shop, "mango", "eu_women:36")
    small = await _tee(shop, "uniqlo", "S")
    query = [("category", "t-shirts"), ("facets", "true"), ("size_system", "uk_women")]
    body = (await client.get(ITEMS, params=query)).json()
    labels = {v["value"]: v["label"] for v in body["facets"]["fields"]["size"]}
    # On womens_tops, EU 36 is UK 10 exactly; letter S (bust [82, 90)) spans UK 10 and 12.
    assert labels == {"eu_women:36": "UK 10", "letter:S": "UK 10 / UK 12"}
    picked = await _ids(client, ("size", "letter:S"), ("size_system", "uk_women"))
    assert small in picked  # a facet value is taken back as the facet gives it


async def _measured_tee(stores: Stores, chest_flat: float, size: str = "one_size:One size") -> str:
    item = await create_listed_item(
        stores,
        title=f"Vintage tee {chest_flat}",
        category="t-shirts",
        category_path=TEES,
        brand="uniqlo",
        colours=["black"],
        attributes={"chest_flat": chest_flat},
        variants=[variant(size, "black")],
        on_hand=[1],
    )
    return str(item.id)


async def test_garment_measurements_filter_as_ranges(
    client: httpx.AsyncClient, shop: Stores, index_mode: str
) -> None:
    narrow = await _measured_tee(shop, 44)
    wide = await _measured_tee(shop, 50.5)
    await _tee(shop, "uniqlo", "M")
    low, high = ("attr.chest_flat.min", "48"), ("attr.chest_flat.max", "52")
    assert await _ids(client, low, high) == {wide}
    assert await _ids(client, ("attr.chest_flat.max", "46")) == {narrow}
    assert await _ids(client, ("attr.chest_flat.min", "60")) == set()
    bad = await client.get(ITEMS, params={"attr.chest_flat.min": "wide"})
    assert bad.status_code == 422


async def test_fits_me_uses_garment_measurements_with_the_stated_ease(
    client: httpx.AsyncClient, shop: Stores, index_mode: str
) -> None:
    # Ease for tops: twice chest_flat is 4 to 16 cm more than the bust.
    roomy = await _measured_tee(shop, 50)  # 100 cm round: 12 cm over a bust of 88
    tight = await _measured_tee(shop, 44)  # 88 cm round: no ease
    tent = await _measured_tee(shop, 60)  # 120 cm round: 32 cm over
    labelled = await _measured_tee(shop, 50, "L")  # a chart size wins: L is bust [98, 107)
    small = await _tee(shop, "uniqlo", "S")
    found = await _ids(client, ("bust", "88"))
    assert found == {roomy, small}
    assert {tight, tent, labelled}.isdisjoint(found)

"""Item writes: validation against the category schema, admin only, optimistic concurrency."""

from __future__ import annotations

import httpx
import pytest

from garderobe.infra.stores import Stores
from tests.catalog.helpers import TSHIRT, create, etag

ITEMS = "/api/v1/items"


async def test_admin_creates_an_item_with_canonical_attribute_values(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    response = await client.post(ITEMS, json=TSHIRT, headers=admin)
    assert response.status_code == 201
    item = response.json()
    assert response.headers["etag"] == etag(item, 1)
    assert item["attributes"] == {"fit": "slim", "sleeves": "short", "collar": "polo"}
    assert item["category_path"] == ["clothes", "tops", "t-shirts"]
    assert item["price"] == {"amount": 1999, "currency": "EUR"}
    assert response.headers["location"] == f"{ITEMS}/{item['id']}"


@pytest.mark.parametrize(
    ("attributes", "attribute", "message"),
    [
        ({"fit": "slim", "waist": "high"}, "waist", "not an attribute"),
        ({"fit": "baggy"}, "fit", "not an allowed value"),
        ({"fit": 3}, "fit", "not an allowed value"),
        ({"sleeves": "short"}, "fit", "is required"),
    ],
)
async def test_invalid_attributes_are_422_naming_the_attribute(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    attributes: dict[str, object],
    attribute: str,
    message: str,
) -> None:
    response = await client.post(ITEMS, json={**TSHIRT, "attributes": attributes}, headers=admin)
    assert response.status_code == 422
    body = response.json()
    assert body["type"].endswith("/invalid-attributes")
    problem = next(e for e in body["errors"] if e["attribute"] == attribute)
    assert message in problem["message"]
    if attribute == "fit":
        assert problem["allowed"] == ["skinny", "slim", "regular", "relaxed", "oversized"]


async def test_wrong_number_and_boolean_types_are_422(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    jeans = {**TSHIRT, "category": "jeans", "attributes": {"fit": "slim", "inseam": "long"}}
    response = await client.post(ITEMS, json=jeans, headers=admin)
    assert response.status_code == 422
    assert response.json()["errors"][0] == {
        "attribute": "inseam",
        "message": "must be a number (in cm)",
        "allowed": None,
    }
    too_long = {**jeans, "attributes": {"fit": "slim", "inseam": 500}}
    assert (await client.post(ITEMS, json=too_long, headers=admin)).status_code == 422
    hoodie = {**TSHIRT, "category": "hoodies", "attributes": {"hood": "yes"}}
    response = await client.post(ITEMS, json=hoodie, headers=admin)
    assert response.json()["errors"][0]["message"] == "must be true or false"


async def test_unknown_vocabulary_brand_and_category_are_refused(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    bad_colour = await client.post(ITEMS, json={**TSHIRT, "colours": ["sparkly"]}, headers=admin)
    assert bad_colour.status_code == 422
    assert bad_colour.json()["errors"][0]["attribute"] == "colours"
    bad_brand = await client.post(ITEMS, json={**TSHIRT, "brand": "nobody"}, headers=admin)
    assert bad_brand.json()["type"].endswith("/unknown-brand")
    bad_category = await client.post(ITEMS, json={**TSHIRT, "category": "ballgowns"}, headers=admin)
    assert bad_category.status_code == 404
    money = await client.post(ITEMS, json={**TSHIRT, "price": {"amount": 19.99}}, headers=admin)
    assert money.status_code == 422  # money is integer minor units, never a float
    sized = {k: v for k, v in TSHIRT.items() if k != "size"}
    variants = [{"size": "M", "colour": "sparkly"}]
    bad_variant = await client.post(ITEMS, json={**sized, "variants": variants}, headers=admin)
    assert bad_variant.status_code == 422
    assert bad_variant.json()["type"].endswith("/invalid-variant")
    assert "white" in bad_variant.json()["allowed"]


async def test_writes_are_admin_only(
    client: httpx.AsyncClient, admin: dict[str, str], customer: dict[str, str]
) -> None:
    assert (await client.post(ITEMS, json=TSHIRT)).status_code == 401
    assert (await client.post(ITEMS, json=TSHIRT, headers=customer)).status_code == 403
    item = await create(client, admin)
    url = f"{ITEMS}/{item['id']}"
    headers = {**customer, "If-Match": etag(item, 1)}
    assert (await client.patch(url, json={"title": "x"}, headers=headers)).status_code == 403
    assert (await client.delete(url, headers={"If-Match": etag(item, 1)})).status_code == 401


async def test_drafts_are_hidden_from_non_admins(
    client: httpx.AsyncClient, admin: dict[str, str], customer: dict[str, str]
) -> None:
    draft = await create(client, admin, status="draft")
    url = f"{ITEMS}/{draft['id']}"
    assert (await client.get(url)).status_code == 404
    assert (await client.get(url, headers=customer)).status_code == 404
    assert (await client.get(url, headers=admin)).status_code == 200
    assert (await client.get(f"{ITEMS}/not-an-object-id")).status_code == 404


async def test_update_needs_if_match_and_refuses_a_stale_revision(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    item = await create(client, admin)
    url = f"{ITEMS}/{item['id']}"
    missing = await client.patch(url, json={"title": "New"}, headers=admin)
    assert missing.status_code == 428
    first = await client.patch(
        url,
        json={"title": "New", "attributes": {"collar": "v"}},
        headers={**admin, "If-Match": etag(item, 1)},
    )
    assert first.status_code == 200
    assert first.headers["etag"] == etag(item, 2)
    assert first.json()["attributes"] == {"fit": "slim", "sleeves": "short", "collar": "v"}
    stale = await client.patch(
        url, json={"title": "Lost update"}, headers={**admin, "If-Match": etag(item, 1)}
    )
    assert stale.status_code == 412
    assert (await client.get(url)).json()["title"] == "New"


async def test_concurrent_writers_on_one_revision_only_one_wins(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    import asyncio

    item = await create(client, admin)
    url = f"{ITEMS}/{item['id']}"
    responses = await asyncio.gather(
        *(
            client.patch(
                url, json={"title": f"writer {i}"}, headers={**admin, "If-Match": etag(item, 1)}
            )
            for i in range(5)
        )
    )
    assert sorted(r.status_code for r in responses) == [200, 412, 412, 412, 412]


async def test_put_replaces_and_delete_removes(
    client: httpx.AsyncClient, admin: dict[str, str], shop: Stores
) -> None:
    item = await create(client, admin)
    url = f"{ITEMS}/{item['id']}"
    replaced = await client.put(
        url,
        json={**TSHIRT, "title": "Replaced", "attributes": {"fit": "regular"}},
        headers={**admin, "If-Match": etag(item, 1)},
    )
    assert replaced.status_code == 200
    assert replaced.json()["attributes"] == {"fit": "regular"}
    assert (
        await client.delete(url, headers={**admin, "If-Match": etag(item, 1)})
    ).status_code == 412
    assert (
        await client.delete(url, headers={**admin, "If-Match": etag(item, 2)})
    ).status_code == 204
    assert (await client.get(url, headers=admin)).status_code == 404


async def test_items_belong_in_a_leaf_category(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    response = await client.post(ITEMS, json={**TSHIRT, "category": "tops"}, headers=admin)
    assert response.status_code == 422
    assert response.json()["type"].endswith("/category-not-a-leaf")


async def test_a_price_beyond_what_postgresql_stores_is_422_not_500(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    price = {"amount": 2**31, "currency": "EUR"}
    response = await client.post(ITEMS, json={**TSHIRT, "price": price}, headers=admin)
    assert response.status_code == 422


async def test_nan_is_not_a_number_attribute(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    body = '{"title": "Jeans", "category": "jeans", "price": {"amount": 100}, '
    body += '"attributes": {"fit": "slim", "inseam": NaN}}'
    headers = {**admin, "Content-Type": "application/json"}
    response = await client.post(ITEMS, content=body, headers=headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["attribute"] == "inseam"


async def test_if_match_star_matches_and_another_items_etag_never_does(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    item, other = await create(client, admin), await create(client, admin)
    url = f"{ITEMS}/{item['id']}"
    assert (await client.get(url)).headers["etag"] == etag(item, 1)
    foreign = await client.patch(
        url, json={"title": "x"}, headers={**admin, "If-Match": etag(other, 1)}
    )
    assert foreign.status_code == 412
    star = await client.patch(url, json={"title": "y"}, headers={**admin, "If-Match": "*"})
    assert star.status_code == 200
    assert star.headers["etag"] == etag(item, 2)

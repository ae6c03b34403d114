"""Admins change the taxonomy through the API, without a deploy."""

from __future__ import annotations

import httpx

from tests.catalog.helpers import TSHIRT, create

CATEGORIES = "/api/v1/categories"


async def test_added_attribute_is_inherited_and_validated(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    response = await client.post(
        f"{CATEGORIES}/tops/attributes",
        headers=admin,
        json={"name": "season", "label": "Season", "type": "enum", "values": ["Summer", "Winter"]},
    )
    assert response.status_code == 201
    schema = (await client.get(f"{CATEGORIES}/t-shirts")).json()["attributes"]
    assert "season" in {a["name"] for a in schema}
    ok = await client.post(
        "/api/v1/items",
        headers=admin,
        json={**TSHIRT, "attributes": {**TSHIRT["attributes"], "season": "Summer"}},
    )
    assert ok.status_code == 201
    assert ok.json()["attributes"]["season"] == "summer"


async def test_added_attribute_is_a_facet_in_the_next_listing(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    listing = {"category": "t-shirts", "facets": "true"}
    before = (await client.get("/api/v1/items", params=listing)).json()["facets"]["fields"]
    assert "attr.season" not in before  # and the category's facets are cached now
    await client.post(
        f"{CATEGORIES}/tops/attributes",
        headers=admin,
        json={"name": "season", "label": "Season", "type": "enum", "values": ["Summer", "Winter"]},
    )
    after = (await client.get("/api/v1/items", params=listing)).json()["facets"]["fields"]
    assert after["attr.season"] == []


async def test_added_value_is_accepted_right_away(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    added = await client.post(
        f"{CATEGORIES}/t-shirts/attributes/collar/values", headers=admin, json={"label": "Mandarin"}
    )
    assert added.status_code == 201
    item = await create(client, admin, attributes={"fit": "slim", "collar": "mandarin"})
    assert item["attributes"]["collar"] == "mandarin"


async def test_removing_a_value_in_use_is_409_unless_forced(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    await create(client, admin, attributes={"fit": "slim", "collar": "polo"})
    url = f"{CATEGORIES}/t-shirts/attributes/collar/values/polo"
    refused = await client.delete(url, headers=admin)
    assert refused.status_code == 409
    assert refused.json()["items"] == 1
    forced = await client.delete(url, headers=admin, params={"force": "true"})
    assert forced.status_code == 200
    collar = next(a for a in forced.json()["own_attributes"] if a["name"] == "collar")
    assert "polo" not in [c["value"] for c in collar["choices"]]
    unused = await client.delete(
        f"{CATEGORIES}/t-shirts/attributes/collar/values/henley", headers=admin
    )
    assert unused.status_code == 200


async def test_category_delete_is_refused_with_children_or_items(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    assert (await client.delete(f"{CATEGORIES}/tops", headers=admin)).status_code == 409
    await create(client, admin)
    assert (await client.delete(f"{CATEGORIES}/t-shirts", headers=admin)).status_code == 409
    created = await client.post(
        CATEGORIES, headers=admin, json={"name": "Polo Shirts", "parent": "tops"}
    )
    assert created.status_code == 201
    assert created.json()["breadcrumb"][-1] == {"slug": "polo-shirts", "name": "Polo Shirts"}
    assert (await client.delete(f"{CATEGORIES}/polo-shirts", headers=admin)).status_code == 204


async def test_brands_are_listed_and_admins_add_and_rename_them(
    client: httpx.AsyncClient, admin: dict[str, str], customer: dict[str, str]
) -> None:
    brands = (await client.get("/api/v1/brands")).json()
    assert {"slug": "levis", "name": "Levi's"} in brands
    assert (
        await client.post("/api/v1/brands", json={"name": "Acne"}, headers=customer)
    ).status_code == 403
    created = await client.post("/api/v1/brands", json={"name": "Acne Studios"}, headers=admin)
    assert created.json() == {"slug": "acne-studios", "name": "Acne Studios"}
    renamed = await client.patch(
        "/api/v1/brands/acne-studios", json={"name": "Acne"}, headers=admin
    )
    assert renamed.json()["name"] == "Acne"
    duplicate = await client.post("/api/v1/brands", json={"name": "Acne Studios"}, headers=admin)
    assert duplicate.status_code == 409


async def test_taxonomy_writes_are_admin_only(
    client: httpx.AsyncClient, customer: dict[str, str]
) -> None:
    body = {"name": "x", "label": "X", "type": "boolean"}
    assert (await client.post(f"{CATEGORIES}/tops/attributes", json=body)).status_code == 401
    assert (
        await client.post(f"{CATEGORIES}/tops/attributes", json=body, headers=customer)
    ).status_code == 403


async def test_reloading_the_taxonomy_keeps_what_admins_added(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    from garderobe.catalog.taxonomy import loading

    await client.post(
        f"{CATEGORIES}/t-shirts/attributes/collar/values", headers=admin, json={"label": "Mandarin"}
    )
    await client.post(
        f"{CATEGORIES}/tops/attributes",
        headers=admin,
        json={"name": "season", "label": "Season", "type": "enum", "values": ["Summer"]},
    )
    report = await loading.load_file()
    assert not report.changed
    schema = {
        a["name"]: a for a in (await client.get(f"{CATEGORIES}/t-shirts")).json()["attributes"]
    }
    assert "mandarin" in [c["value"] for c in schema["collar"]["choices"]]
    assert "season" in schema


async def test_inconsistent_attribute_definitions_are_422(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    url = f"{CATEGORIES}/tops/attributes"
    for body in (
        {"name": "chest", "label": "Chest", "type": "number", "min": 50, "max": 10},
        {"name": "lined", "label": "Lined", "type": "boolean", "values": ["Yes"]},
        {"name": "tone", "label": "Tone", "type": "enum", "values": ["Warm", "warm"]},
        {"name": "tone", "label": "Tone", "type": "enum", "values": []},
    ):
        assert (await client.post(url, json=body, headers=admin)).status_code == 422, body
    value = await client.post(
        f"{CATEGORIES}/t-shirts/attributes/collar/values", json={"label": "!!"}, headers=admin
    )
    assert value.status_code == 422

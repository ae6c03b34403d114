"""Suppliers: admin CRUD, items naming them, hidden from customers, search, the delete guard."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from sqlalchemy import delete

from garderobe.catalog import service
from garderobe.catalog.index import reconcile
from garderobe.catalog.index.models import ItemFacets, ItemSearch
from garderobe.catalog.schemas import ItemCreate
from garderobe.infra.stores import Stores
from garderobe.uow import unit_of_work
from tests.catalog.helpers import TSHIRT, create, etag

SUPPLIERS = "/api/v1/suppliers"
PROBLEMS = "https://garderobe.dev/problems/"


async def _supplier(
    client: httpx.AsyncClient, admin: dict[str, str], name: str, **fields: Any
) -> dict[str, Any]:
    response = await client.post(SUPPLIERS, headers=admin, json={"name": name, **fields})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def _patch_item(
    client: httpx.AsyncClient, admin: dict[str, str], item: dict[str, Any], **changes: Any
) -> httpx.Response:
    headers = {**admin, "If-Match": etag(item, item["revision"])}
    return await client.patch(f"/api/v1/items/{item['id']}", headers=headers, json=changes)


async def test_admin_creates_reads_changes_and_deletes_a_supplier(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    created = await client.post(
        SUPPLIERS,
        headers=admin,
        json={
            "name": "Fábrica Têxtil do Porto",
            "contact_email": "orders@textil.example",
            "country": "pt",
            "notes": "Ships on Mondays",
        },
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["slug"] == "fabrica-textil-do-porto"
    assert body["country"] == "PT"
    assert body["items"] == 0
    assert created.headers["Location"] == f"{SUPPLIERS}/fabrica-textil-do-porto"

    url = f"{SUPPLIERS}/fabrica-textil-do-porto"
    changed = await client.patch(url, headers=admin, json={"name": "Têxtil Porto", "country": None})
    assert changed.status_code == 200
    assert changed.json()["name"] == "Têxtil Porto"
    assert changed.json()["country"] is None
    assert changed.json()["slug"] == "fabrica-textil-do-porto"
    assert changed.json()["notes"] == "Ships on Mondays"
    read = (await client.get(url, headers=admin)).json()
    assert read["name"] == "Têxtil Porto"
    assert read["contact_email"] == "orders@textil.example"

    assert (await client.delete(url, headers=admin)).status_code == 204
    gone = await client.get(url, headers=admin)
    assert gone.status_code == 404
    assert gone.json()["type"] == PROBLEMS + "supplier-not-found"


async def test_a_taken_slug_is_409(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    await _supplier(client, admin, "Acme Knits")
    again = await client.post(SUPPLIERS, headers=admin, json={"name": "ACME knits!"})
    assert again.status_code == 409
    assert again.json()["type"] == PROBLEMS + "supplier-exists"
    chosen = await client.post(SUPPLIERS, headers=admin, json={"name": "Acme", "slug": "acme-2"})
    assert chosen.status_code == 201
    assert chosen.json()["slug"] == "acme-2"


async def test_invalid_supplier_fields_are_422(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    bad = [
        {"name": "A", "contact_email": "not-an-email"},
        {"name": "A", "country": "XX"},
        {"name": "A", "country": "DEU"},
        {"name": ""},
        {"name": "A", "slug": "Not A Slug"},
        {"name": "A", "role": "admin"},
        {"name": "!!!"},
    ]
    for body in bad:
        response = await client.post(SUPPLIERS, headers=admin, json=body)
        assert response.status_code == 422, body
        assert response.headers["content-type"] == "application/problem+json"
    await _supplier(client, admin, "Acme")
    null_name = await client.patch(f"{SUPPLIERS}/acme", headers=admin, json={"name": None})
    assert null_name.status_code == 422
    bad_cursor = await client.get(SUPPLIERS, headers=admin, params={"cursor": "bm9wZQ"})
    assert bad_cursor.status_code == 422
    assert bad_cursor.json()["type"] == PROBLEMS + "invalid-cursor"


async def test_customers_and_anonymous_callers_are_refused(
    client: httpx.AsyncClient, admin: dict[str, str], customer: dict[str, str]
) -> None:
    await _supplier(client, admin, "Acme")
    calls = [
        ("GET", SUPPLIERS, None),
        ("POST", SUPPLIERS, {"name": "Other"}),
        ("GET", f"{SUPPLIERS}/acme", None),
        ("PATCH", f"{SUPPLIERS}/acme", {"notes": "x"}),
        ("DELETE", f"{SUPPLIERS}/acme", None),
    ]
    for method, url, body in calls:
        assert (await client.request(method, url, json=body, headers=customer)).status_code == 403
        assert (await client.request(method, url, json=body)).status_code == 401
    assert (await client.get(f"{SUPPLIERS}/acme", headers=admin)).json()["notes"] == ""


async def test_the_list_pages_by_name_and_searches_by_name(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    for name in ["Delta Denim", "Acme Knits", "Bravo Leather", "Charlie Denim", "Echo Shoes"]:
        await _supplier(client, admin, name)
    names: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = (await client.get(SUPPLIERS, headers=admin, params=params)).json()
        names += [s["name"] for s in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert names == ["Acme Knits", "Bravo Leather", "Charlie Denim", "Delta Denim", "Echo Shoes"]
    denim = (await client.get(SUPPLIERS, headers=admin, params={"name": "deNIM"})).json()
    assert [s["slug"] for s in denim["items"]] == ["charlie-denim", "delta-denim"]
    wildcard = (await client.get(SUPPLIERS, headers=admin, params={"name": "%"})).json()
    assert wildcard["items"] == []


async def test_an_item_naming_an_unknown_supplier_is_422(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    refused = await client.post(
        "/api/v1/items", headers=admin, json={**TSHIRT, "supplier": "nobody"}
    )
    assert refused.status_code == 422
    assert refused.json()["type"] == PROBLEMS + "unknown-supplier"
    item = await create(client, admin)
    patched = await _patch_item(client, admin, item, supplier="nobody")
    assert patched.status_code == 422
    assert patched.json()["type"] == PROBLEMS + "unknown-supplier"
    await _supplier(client, admin, "Acme")
    named = await _patch_item(client, admin, item, supplier="acme")
    assert named.status_code == 200
    assert named.json()["supplier"] == "acme"


async def test_customers_never_see_the_supplier_even_from_the_cache(
    client: httpx.AsyncClient, admin: dict[str, str], customer: dict[str, str]
) -> None:
    await _supplier(client, admin, "Acme")
    item = await create(client, admin, supplier="acme")
    assert item["supplier"] == "acme"
    detail = f"/api/v1/items/{item['id']}"
    # The admin reads first, so a shared cache entry would now hold the admin's view.
    assert (await client.get(detail, headers=admin)).json()["supplier"] == "acme"
    listed = (await client.get("/api/v1/items", headers=admin)).json()["items"]
    assert [i["supplier"] for i in listed] == ["acme"]
    for headers in (customer, {}):
        for _ in range(2):  # a miss, then a hit
            one = await client.get(detail, headers=headers)
            assert one.status_code == 200
            assert "supplier" not in one.json()
            assert "acme" not in one.text
            page = await client.get("/api/v1/items", headers=headers)
            assert [i["id"] for i in page.json()["items"]] == [item["id"]]
            assert "supplier" not in page.json()["items"][0]
    assert (await client.get(detail, headers=customer)).headers["X-Cache"] == "hit"
    again = await client.get("/api/v1/items", headers=admin)
    assert again.json()["items"][0]["supplier"] == "acme"


async def test_admins_filter_the_listing_by_supplier_and_others_may_not(
    client: httpx.AsyncClient, admin: dict[str, str], customer: dict[str, str]
) -> None:
    await _supplier(client, admin, "Acme")
    await _supplier(client, admin, "Bravo")
    acme = await create(client, admin, supplier="acme", title="Acme tee")
    bravo = await create(client, admin, supplier="bravo", title="Bravo tee")
    draft = await create(client, admin, supplier="acme", title="Acme draft", status="draft")
    await create(client, admin, title="Nobody's tee")

    async def ids(**params: Any) -> set[str]:
        page = await client.get("/api/v1/items", headers=admin, params=params)
        assert page.status_code == 200, page.text
        return {i["id"] for i in page.json()["items"]}

    assert await ids(supplier="acme") == {acme["id"]}
    assert await ids(supplier=["acme", "bravo"]) == {acme["id"], bravo["id"]}
    assert await ids(supplier="acme", status=["active", "draft"]) == {acme["id"], draft["id"]}
    faceted = await client.get(
        "/api/v1/items", headers=admin, params={"supplier": "bravo", "facets": "true"}
    )
    assert faceted.json()["facets"]["fields"]["brand"] == [{"value": "uniqlo", "count": 1}]
    for headers in (customer, {}):
        refused = await client.get("/api/v1/items", headers=headers, params={"supplier": "acme"})
        assert refused.status_code == 403
        assert refused.json()["type"] == PROBLEMS + "supplier-filter-forbidden"


async def test_search_and_suggest_match_suppliers_for_admins_only(
    client: httpx.AsyncClient, admin: dict[str, str], customer: dict[str, str]
) -> None:
    await _supplier(client, admin, "Nordic Knitwear Ltd")
    await _supplier(client, admin, "Acme")
    await create(client, admin, title="Nordic wool jumper")

    found = await client.get("/api/v1/search", headers=admin, params={"q": "nordik"})
    assert found.json()["suppliers"] == [
        {"slug": "nordic-knitwear-ltd", "name": "Nordic Knitwear Ltd"}
    ]
    exact = await client.get("/api/v1/search", headers=admin, params={"q": "knitwear"})
    assert [s["slug"] for s in exact.json()["suppliers"]] == ["nordic-knitwear-ltd"]
    suggested = await client.get("/api/v1/search/suggest", headers=admin, params={"q": "nord"})
    assert suggested.json()[0] == "Nordic Knitwear Ltd"
    for headers in (customer, {}):
        for _ in range(2):  # a miss, then a hit of the cache
            public = await client.get("/api/v1/search", headers=headers, params={"q": "nordik"})
            assert "suppliers" not in public.json()
            assert [i["title"] for i in public.json()["items"]] == ["Nordic wool jumper"]
            hints = await client.get(
                "/api/v1/search/suggest", headers=headers, params={"q": "nord"}
            )
            assert "Nordic Knitwear Ltd" not in hints.json()
    # A supplier created after the admin's search was cached is found by the next one.
    await _supplier(client, admin, "Nordland Shoes")
    later = await client.get("/api/v1/search", headers=admin, params={"q": "nordik"})
    assert {s["slug"] for s in later.json()["suppliers"]} >= {
        "nordic-knitwear-ltd",
        "nordland-shoes",
    }


async def test_a_supplier_named_by_items_cannot_be_deleted_until_they_move(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    await _supplier(client, admin, "Acme")
    await _supplier(client, admin, "Bravo")
    first = await create(client, admin, supplier="acme")
    second = await create(client, admin, supplier="acme", status="draft")
    assert (await client.get(f"{SUPPLIERS}/acme", headers=admin)).json()["items"] == 2

    refused = await client.delete(f"{SUPPLIERS}/acme", headers=admin)
    assert refused.status_code == 409
    assert refused.json()["type"] == PROBLEMS + "supplier-in-use"
    assert refused.json()["items"] == 2

    assert (await _patch_item(client, admin, first, supplier="bravo")).status_code == 200
    still = await client.delete(f"{SUPPLIERS}/acme", headers=admin)
    assert still.json()["items"] == 1
    assert (await _patch_item(client, admin, second, supplier=None)).status_code == 200
    listed = (await client.get(SUPPLIERS, headers=admin)).json()["items"]
    assert {s["slug"]: s["items"] for s in listed} == {"acme": 0, "bravo": 1}
    assert (await client.delete(f"{SUPPLIERS}/acme", headers=admin)).status_code == 204
    assert (await client.delete(f"{SUPPLIERS}/bravo", headers=admin)).status_code == 409


async def test_reindex_keeps_the_supplier(
    client: httpx.AsyncClient, admin: dict[str, str], shop: Stores
) -> None:
    await _supplier(client, admin, "Acme")
    item = await create(client, admin, supplier="acme")
    async with unit_of_work(shop) as session:  # as if the index rows had been lost
        await session.execute(delete(ItemSearch))
        await session.execute(delete(ItemFacets))
    assert (await client.get(f"{SUPPLIERS}/acme", headers=admin)).json()["items"] == 0
    report = await reconcile.reconcile(shop)
    assert report.upserted == 1
    page = await client.get("/api/v1/items", headers=admin, params={"supplier": "acme"})
    assert [i["id"] for i in page.json()["items"]] == [item["id"]]
    refused = await client.delete(f"{SUPPLIERS}/acme", headers=admin)
    assert refused.status_code == 409
    assert refused.json()["items"] == 1


async def test_deleting_waits_for_an_item_write_naming_the_supplier(
    client: httpx.AsyncClient, admin: dict[str, str], shop: Stores
) -> None:
    await _supplier(client, admin, "Acme")
    # An item write naming the supplier is under way (not committed) when the delete comes.
    async with unit_of_work(shop) as session:
        await service.create_item(session, ItemCreate(**{**TSHIRT, "supplier": "acme"}))
        deleting = asyncio.create_task(client.delete(f"{SUPPLIERS}/acme", headers=admin))
        await asyncio.sleep(0.5)
        assert not deleting.done()  # it waits for the write instead of counting without it
    refused = await deleting
    assert refused.status_code == 409
    assert refused.json()["items"] == 1

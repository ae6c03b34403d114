"""Full-text search in PostgreSQL: ranking, typo tolerance, suggestions, repair."""

from __future__ import annotations

import httpx
from sqlalchemy import delete, select, update

from garderobe.catalog.documents import Item, ItemStatus
from garderobe.catalog.index import reconcile
from garderobe.catalog.index.models import ItemSearch
from garderobe.infra.stores import Stores
from tests.catalog.search_helpers import indexed
from tests.factories import create_item


async def _search(client: httpx.AsyncClient, q: str) -> list[str]:
    response = await client.get("/api/v1/search", params={"q": q})
    assert response.status_code == 200, response.text
    return [i["title"] for i in response.json()["items"]]


async def test_typos_still_find_t_shirts_and_adidas(
    client: httpx.AsyncClient, stores: Stores
) -> None:
    await indexed(stores, title="Basic crew T-shirt", brand="uniqlo")
    await indexed(stores, title="Samba trainers", category="sneakers", brand="adidas")
    await indexed(stores, title="Straight jeans", category="jeans", brand="levis")
    assert await _search(client, "tshrit") == ["Basic crew T-shirt"]
    assert await _search(client, "addidas") == ["Samba trainers"]
    assert await _search(client, "t-shirt") == ["Basic crew T-shirt"]


async def test_slim_blue_jeans_rank_first(client: httpx.AsyncClient, stores: Stores) -> None:
    await indexed(
        stores,
        title="Relaxed blue jeans",
        category="jeans",
        brand="levis",
        colours=["blue"],
        attributes={"fit": "relaxed"},
    )
    await indexed(
        stores,
        title="Slim black jeans",
        category="jeans",
        brand="levis",
        colours=["black"],
        attributes={"fit": "slim"},
    )
    await indexed(
        stores,
        title="Slim blue jeans",
        category="jeans",
        brand="levis",
        colours=["blue"],
        attributes={"fit": "slim"},
    )
    await indexed(stores, title="Blue T-shirt", colours=["blue"])
    titles = await _search(client, "jeans slim blue")
    assert titles[0] == "Slim blue jeans"
    assert set(titles[1:3]) == {"Relaxed blue jeans", "Slim black jeans"}


async def test_title_outranks_description(client: httpx.AsyncClient, stores: Stores) -> None:
    await indexed(stores, title="Plain top", description="Goes well with a linen skirt")
    await indexed(stores, title="Linen shirt", description="Plain and simple")
    assert (await _search(client, "linen"))[0] == "Linen shirt"


async def test_results_have_highlighted_snippets_and_matching_brands(
    client: httpx.AsyncClient, stores: Stores
) -> None:
    await indexed(stores, title="Samba trainers", category="sneakers", brand="adidas")
    body = (await client.get("/api/v1/search", params={"q": "samba adidas"})).json()
    assert "<mark>Samba</mark>" in body["items"][0]["snippet"]
    assert body["brands"] == ["Adidas"]
    body = (await client.get("/api/v1/search", params={"q": "sneakers"})).json()
    assert body["categories"] == ["Sneakers"]


async def test_suggest_completes_prefixes(client: httpx.AsyncClient, stores: Stores) -> None:
    await indexed(stores, title="Samba trainers", category="sneakers", brand="adidas")
    suggestions = (await client.get("/api/v1/search/suggest", params={"q": "sne"})).json()
    assert "Sneakers" in suggestions
    assert (
        "Samba trainers"
        in (await client.get("/api/v1/search/suggest", params={"q": "samb"})).json()
    )


async def test_inactive_items_are_not_found(client: httpx.AsyncClient, stores: Stores) -> None:
    await indexed(stores, title="Sold T-shirt", status=ItemStatus.SOLD)
    assert await _search(client, "sold") == []


async def test_blank_query_is_422(client: httpx.AsyncClient, stores: Stores) -> None:
    assert (await client.get("/api/v1/search", params={"q": "   "})).status_code == 422
    assert (await client.get("/api/v1/search")).status_code == 422


async def _slim_jeans_at_two_prices(stores: Stores) -> Item:
    cheap = await indexed(
        stores, title="Slim blue jeans", category="jeans", brand="levis", price=2000
    )
    await indexed(
        stores, title="Slim blue jeans deluxe", category="jeans", brand="levis", price=9000
    )
    await indexed(stores, title="Cheap T-shirt", brand="uniqlo", price=1000)
    return cheap


async def test_listing_q_combines_with_filters(client: httpx.AsyncClient, stores: Stores) -> None:
    cheap = await _slim_jeans_at_two_prices(stores)
    page = (await client.get("/api/v1/items", params={"q": "slim jeans", "price_max": 5000})).json()
    assert [i["id"] for i in page["items"]] == [str(cheap.id)]


async def test_listing_q_restricts_facets(client: httpx.AsyncClient, stores: Stores) -> None:
    await _slim_jeans_at_two_prices(stores)
    page = (
        await client.get(
            "/api/v1/items", params={"q": "slim jeans", "price_max": 5000, "facets": "true"}
        )
    ).json()
    assert page["facets"]["fields"]["brand"] == [{"value": "levis", "count": 1}]
    assert page["facets"]["price"]["max"] == 9000  # the price facet ignores its own filter


async def test_reconcile_repairs_missing_stale_and_orphan_rows(stores: Stores) -> None:
    missing = await create_item(title="Never indexed")
    stale = await indexed(stores, title="Old title")
    await Item.get_pymongo_collection().update_one(
        {"_id": stale.id}, {"$set": {"title": "New title", "revision": 2}}
    )
    orphan = await indexed(stores, title="Deleted meanwhile")
    await Item.get_pymongo_collection().delete_one({"_id": orphan.id})
    report = await reconcile.reconcile(stores)
    assert (report.upserted, report.removed) == (2, 1)
    async with stores.sessionmaker() as session:
        rows = dict((await session.execute(select(ItemSearch.item_id, ItemSearch.title))).all())
    assert rows == {str(missing.id): "Never indexed", str(stale.id): "New title"}
    again = await reconcile.reconcile(stores)
    assert (again.upserted, again.removed, again.unchanged) == (0, 0, 2)
    async with stores.sessionmaker() as session, session.begin():
        await session.execute(update(ItemSearch).values(revision=0))
        await session.execute(delete(ItemSearch).where(ItemSearch.item_id == str(missing.id)))
    assert (await reconcile.reconcile(stores)).upserted == 2


async def test_items_with_every_word_fill_the_page_before_any_other(
    client: httpx.AsyncClient, stores: Stores
) -> None:
    for n in range(3):  # "blue" three times in the title: a high rank, but one word only
        await indexed(stores, title=f"Blue blue blue top {n}", colours=["blue"])
    for n in range(4):
        await indexed(stores, title=f"Wool scarf {n}", description="A blue one")
    both = await client.get("/api/v1/search", params={"q": "blue wool", "limit": 4})
    assert {h["title"] for h in both.json()["items"]} == {f"Wool scarf {n}" for n in range(4)}
    # Fewer items match every word than the page holds: the others follow, by words then rank.
    more = await client.get("/api/v1/search", params={"q": "blue wool", "limit": 6})
    titles = [h["title"] for h in more.json()["items"]]
    assert set(titles[:4]) == {f"Wool scarf {n}" for n in range(4)}
    assert all(t.startswith("Blue blue blue top") for t in titles[4:])
    assert len(titles) == 6

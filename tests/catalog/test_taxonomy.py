from __future__ import annotations

import httpx

from garderobe.catalog.taxonomy import loading
from garderobe.catalog.taxonomy.documents import Category
from garderobe.infra.stores import Stores


async def test_loading_twice_changes_nothing_the_second_time(stores: Stores) -> None:
    data = loading.read_taxonomy(loading.taxonomy_file())
    first = await loading.load(loading.parse(data))
    second = await loading.load(loading.parse(data))
    assert first.changed
    assert not second.changed
    assert await Category.find_all().count() == len(loading.parse(data).categories)


async def test_eight_groups_of_four_under_three_departments(
    client: httpx.AsyncClient, shop: Stores
) -> None:
    tree = (await client.get("/api/v1/categories")).json()
    assert [d["slug"] for d in tree] == ["clothes", "shoes", "other"]
    groups = [g for d in tree for g in d["children"]]
    assert len(groups) == 8
    assert all(len(g["children"]) == 4 for g in groups)
    tops = next(g for g in groups if g["slug"] == "tops")
    assert [c["name"] for c in tops["children"]] == ["T-shirts", "Blouses", "Sweaters", "Hoodies"]


async def test_t_shirts_have_the_seeds_attributes_with_breadcrumb(
    client: httpx.AsyncClient, shop: Stores
) -> None:
    body = (await client.get("/api/v1/categories/t-shirts")).json()
    assert [c["slug"] for c in body["breadcrumb"]] == ["clothes", "tops", "t-shirts"]
    schema = {a["name"]: a for a in body["attributes"]}
    # sleeves and the garment measurements inherited from Tops
    assert set(schema) == {"fit", "sleeves", "collar", "chest_flat", "garment_length"}
    assert (schema["chest_flat"]["type"], schema["chest_flat"]["unit"]) == ("number", "cm")
    assert [c["label"] for c in schema["fit"]["choices"]] == [
        "Skinny",
        "Slim",
        "Regular",
        "Relaxed",
        "Oversized",
    ]
    assert [c["value"] for c in schema["sleeves"]["choices"]] == [
        "sleeveless",
        "short",
        "elbow",
        "3-4",
        "long",
    ]
    assert len(schema["collar"]["choices"]) == 10


async def test_footwear_attributes_are_inherited_with_the_typo_fixed(
    client: httpx.AsyncClient, shop: Stores
) -> None:
    schema = {
        a["name"]: a for a in (await client.get("/api/v1/categories/sneakers")).json()["attributes"]
    }
    assert {"fastener", "toe", "width"} <= set(schema)
    assert [c["label"] for c in schema["toe"]["choices"]] == [
        "Open",
        "Pointed",
        "Round",
        "Square Toe",
    ]


async def test_jeans_share_the_trousers_cut(client: httpx.AsyncClient, shop: Stores) -> None:
    jeans = {
        a["name"]: a for a in (await client.get("/api/v1/categories/jeans")).json()["attributes"]
    }
    trousers = {
        a["name"]: a for a in (await client.get("/api/v1/categories/trousers")).json()["attributes"]
    }
    for name in ("length", "fit", "shape", "rise"):
        assert jeans[name] == trousers[name]
    assert [c["label"] for c in trousers["length"]["choices"]] == [
        "Normal",
        "Short",
        "Knee-length",
        "Calf-length",
        "3/4",
        "7/8",
        "Ankle",
        "Long",
    ]


async def test_unknown_category_is_404(client: httpx.AsyncClient, shop: Stores) -> None:
    response = await client.get("/api/v1/categories/ballgowns")
    assert response.status_code == 404
    assert response.json()["type"].endswith("/category-not-found")


async def test_a_category_says_what_its_items_are_worn_as(
    client: httpx.AsyncClient, shop: Stores
) -> None:
    garments = {
        slug: (await client.get(f"/api/v1/categories/{slug}")).json()["garment"]
        for slug in ("t-shirts", "trousers", "jeans", "clothes")
    }
    # Inherited from the nearest ancestor that says (t-shirts from tops, jeans its own).
    assert garments == {
        "t-shirts": "tops",
        "trousers": "bottoms",
        "jeans": "jeans",
        "clothes": None,
    }

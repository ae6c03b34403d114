"""Sizes for shoppers: the systems per garment kind, conversion on the charts (a brand's own
or the default), brand charts by admins, and the shopper's private saved sizes."""

from __future__ import annotations

import json

import httpx
from sqlalchemy import select

from garderobe.accounts.models import SavedSizes
from garderobe.infra.stores import Stores
from garderobe.settings import Settings
from garderobe.sizing.charts import default_chart
from tests.catalog.sizes_helpers import brand_chart
from tests.factories import auth_headers, create_user

SIZES = "/api/v1/sizes"
CHARTS = "/api/v1/admin/size-charts"
MINE = "/api/v1/me/sizes"


def _values(body: dict[str, object]) -> list[tuple[str, str, str]]:
    found = body["equivalents"]
    assert isinstance(found, list)
    return [(e["system"], e["value"], e["match"]) for e in found]


async def test_sizes_lists_each_kinds_systems_with_values_in_scale_order(
    client: httpx.AsyncClient, shop: Stores
) -> None:
    kinds = {k["kind"]: k for k in (await client.get(SIZES)).json()["kinds"]}
    tops = {s["code"]: s["values"] for s in kinds["womens_tops"]["systems"]}
    assert kinds["womens_tops"]["primary"] == "bust"
    assert tops["letter"][:3] == ["XS", "S", "M"]
    assert tops["uk_women"] == [r.value for r in default_chart("womens_tops").rows_of("uk_women")]
    assert kinds["mens_shoes"]["unit"] == "mm"


async def test_conversion_of_clothes_agrees_with_the_pinned_chart_rows(
    client: httpx.AsyncClient, shop: Stores
) -> None:
    # womens_tops.yaml: UK 10 = bust [82, 86) = EU 36 (exact); letter S is [82, 90).
    params = {"kind": "womens_tops", "size": "UK 10", "to": ["eu_women", "letter"]}
    body = (await client.get(f"{SIZES}/convert", params=params)).json()
    assert body["size"]["ranges"]["bust"] == {"low": 82, "high": 86, "unit": "cm"}
    assert _values(body) == [("eu_women", "36", "exact"), ("letter", "S", "approximate")]
    assert body["equivalents"][1]["ranges"]["bust"] == {"low": 82, "high": 90, "unit": "cm"}
    assert body["chart"] == "default"


async def test_conversion_of_shoes_agrees_with_the_pinned_chart_rows(
    client: httpx.AsyncClient, shop: Stores
) -> None:
    # mens_shoes.yaml: EU 42 = foot [263.3, 266.7) mm; 26.5 cm = [262.5, 267.5).
    params = {"kind": "mens_shoes", "size": "42", "system": "shoe_eu", "to": "shoe_cm"}
    body = (await client.get(f"{SIZES}/convert", params=params)).json()
    assert body["size"]["ranges"]["foot_length"]["low"] == 263.3
    assert ("shoe_cm", "26.5", "approximate") in _values(body)
    assert all(e["system"] == "shoe_cm" for e in body["equivalents"])


async def test_bad_conversion_input_is_a_problem_never_a_500(
    client: httpx.AsyncClient, shop: Stores
) -> None:
    cases = [
        ({"kind": "capes", "size": "M"}, 422, "unknown-garment-kind"),
        ({"kind": "womens_tops", "size": "5XL"}, 422, "unknown-size"),
        ({"kind": "womens_tops", "size": "M", "system": "nope"}, 422, "unknown-size-system"),
        ({"kind": "womens_tops", "size": "M", "to": "shoe_eu"}, 422, "size-not-on-chart"),
        ({"kind": "womens_tops", "size": "XXS"}, 422, "size-not-on-chart"),
        ({"kind": "womens_tops", "size": "M", "brand": "no-such"}, 404, "brand-not-found"),
    ]
    for params, status, slug in cases:
        response = await client.get(f"{SIZES}/convert", params=params)
        assert response.status_code == status, (params, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["type"].endswith("/" + slug)


async def test_a_brand_chart_overrides_the_default_for_that_brand_only(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    put = await client.put(f"{CHARTS}/zara/womens_tops", headers=admin, json=brand_chart())
    assert put.status_code == 201, put.text
    again = await client.put(f"{CHARTS}/zara/womens_tops", headers=admin, json=brand_chart())
    assert again.status_code == 200
    listed = (await client.get(CHARTS, headers=admin)).json()
    assert [(c["brand"], c["kind"], c["rows"]) for c in listed] == [("zara", "womens_tops", 5)]
    zara = (await client.get(f"{SIZES}/charts/womens_tops", params={"brand": "zara"})).json()
    assert zara["brand"] == "zara"
    assert zara["source"]["kind"] == "brand"
    other = (await client.get(f"{SIZES}/charts/womens_tops", params={"brand": "mango"})).json()
    assert other["brand"] is None
    params = {"kind": "womens_tops", "size": "M", "to": "uk_women"}
    default_m = (await client.get(f"{SIZES}/convert", params=params)).json()
    zara_m = (await client.get(f"{SIZES}/convert", params={**params, "brand": "zara"})).json()
    assert zara_m["chart"] == "brand"
    assert zara_m["size"]["ranges"]["bust"]["low"] == 84
    assert default_m["size"]["ranges"]["bust"]["low"] == 90
    gone = await client.delete(f"{CHARTS}/zara/womens_tops", headers=admin)
    assert gone.status_code == 204
    back = (await client.get(f"{SIZES}/convert", params={**params, "brand": "zara"})).json()
    assert back["chart"] == "default"
    missing = await client.delete(f"{CHARTS}/zara/womens_tops", headers=admin)
    assert missing.status_code == 404


async def test_a_bad_brand_chart_is_one_422_naming_every_problem(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    chart = brand_chart([("M", 90, 84), ("Huge", 1, 2)])
    chart["kind"] = "mens_tops"
    del chart["source"]["references"][0]["url"]
    response = await client.put(f"{CHARTS}/zara/womens_tops", headers=admin, json=chart)
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert {"kind", "rows[0].bust", "rows[1].value", "source.references[0].url"} <= fields
    unknown = await client.put(f"{CHARTS}/no-such/womens_tops", headers=admin, json=brand_chart())
    assert unknown.status_code == 404
    kind = await client.put(f"{CHARTS}/zara/capes", headers=admin, json=brand_chart())
    assert kind.json()["type"].endswith("/unknown-garment-kind")


async def test_brand_charts_are_for_admins(
    client: httpx.AsyncClient, customer: dict[str, str]
) -> None:
    assert (await client.get(CHARTS)).status_code == 401
    put = await client.put(f"{CHARTS}/zara/womens_tops", headers=customer, json=brand_chart())
    assert put.status_code == 403


async def test_saved_sizes_are_read_back_by_their_owner_only(
    client: httpx.AsyncClient, shop: Stores, settings: Settings
) -> None:
    alice = auth_headers(settings, await create_user(shop.sessionmaker))
    bob = auth_headers(settings, await create_user(shop.sessionmaker))
    body = {
        "sizes": {"womens_tops": {"system": "uk_women", "value": "UK 10"}},
        "body": {"bust": 88},
    }
    saved = await client.put(MINE, headers=alice, json=body)
    assert saved.status_code == 200, saved.text
    assert saved.json()["sizes"]["womens_tops"] == {
        "system": "uk_women",
        "value": "10",
        "label": "UK 10",
    }
    assert (await client.get(MINE, headers=alice)).json()["body"] == {"bust": 88}
    assert (await client.get(MINE, headers=bob)).json() == {"sizes": {}, "body": {}}
    assert (await client.get(MINE)).status_code == 401
    assert "private" in (await client.get(MINE, headers=alice)).headers["cache-control"]


async def test_saved_sizes_must_be_on_the_kinds_chart(
    client: httpx.AsyncClient, customer: dict[str, str]
) -> None:
    cases = [
        ({"capes": {"system": "letter", "value": "M"}}, "unknown-garment-kind"),
        ({"womens_tops": {"system": "letter", "value": "5XL"}}, "unknown-size"),
        ({"womens_tops": {"system": "shoe_eu", "value": "42"}}, "size-not-on-chart"),
        ({"womens_tops": {"system": "nope", "value": "42"}}, "unknown-size-system"),
    ]
    for sizes, slug in cases:
        response = await client.put(MINE, headers=customer, json={"sizes": sizes})
        assert response.status_code == 422, (sizes, response.text)
        assert response.json()["type"].endswith("/" + slug)
    bad_body = await client.put(MINE, headers=customer, json={"body": {"bust": -3}})
    assert bad_body.status_code == 422


async def test_saved_sizes_are_deleted_with_the_account(
    client: httpx.AsyncClient, shop: Stores, settings: Settings
) -> None:
    user = await create_user(shop.sessionmaker)
    headers = auth_headers(settings, user)
    body = {"body": {"foot_length": 265}}
    assert (await client.put(MINE, headers=headers, json=body)).status_code == 200
    deleted = await client.delete("/api/v1/users/me", headers=headers)
    assert deleted.status_code == 204, deleted.text
    async with shop.sessionmaker() as session:
        assert (await session.scalars(select(SavedSizes))).all() == []


async def test_admins_see_only_that_saved_sizes_exist(
    client: httpx.AsyncClient, shop: Stores, settings: Settings, admin: dict[str, str]
) -> None:
    user = await create_user(shop.sessionmaker)
    mine = {"sizes": {"mens_shoes": {"system": "shoe_eu", "value": "42.5"}}}
    saved = await client.put(MINE, headers=auth_headers(settings, user), json=mine)
    assert saved.status_code == 200, saved.text
    detail = await client.get(f"/api/v1/users/{user.id}", headers=admin)
    assert detail.json()["has_saved_sizes"] is True
    page = (await client.get("/api/v1/users", headers=admin)).json()
    assert {u["id"]: u["has_saved_sizes"] for u in page["items"]}[str(user.id)] is True
    for response in (detail, await client.get("/api/v1/users", headers=admin)):
        assert "42.5" not in response.text
        assert "mens_shoes" not in response.text


async def test_a_brand_chart_keeps_only_what_was_checked(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    # Python's JSON reader takes NaN, which PostgreSQL's jsonb refuses: unknown members
    # must never reach the table.
    body = json.dumps({**brand_chart(), "extra": float("nan")}, allow_nan=True)
    headers = {**admin, "Content-Type": "application/json"}
    put = await client.put(f"{CHARTS}/zara/womens_tops", headers=headers, content=body)
    assert put.status_code == 201, put.text
    chart = (await client.get(f"{SIZES}/charts/womens_tops", params={"brand": "zara"})).json()
    assert [r["value"] for r in chart["rows"]] == ["XS", "S", "M", "L", "XL"]

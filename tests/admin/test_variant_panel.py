"""An item's variants on its admin page: listed with their stock, added, changed, removed and
restocked through the catalog services the API uses; what they refuse is shown on the form."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from garderobe.accounts.models import User
from garderobe.admin.models import AdminAuditEntry
from garderobe.catalog.taxonomy import loading
from garderobe.infra.stores import Stores
from garderobe.settings import Settings
from garderobe.stock import service as stock
from tests.admin.helpers import admin_account, panel_client, sign_in, submit
from tests.catalog.helpers import create
from tests.factories import auth_headers, create_listed_item

VARIANTS = [
    {"sku": "TEE-S-BLK", "size": "S", "colour": "black", "stock": 3},
    {"sku": "TEE-M-WHT", "size": "M", "colour": "white", "stock": 0, "price": {"amount": 2500}},
]


@pytest.fixture
async def admin(stores: Stores) -> User:
    await loading.load_file()
    return await admin_account(stores)


@pytest.fixture
async def tee(client: httpx.AsyncClient, settings: Settings, admin: User) -> dict[str, Any]:
    body = {"size": None, "variants": VARIANTS}
    return await create(client, auth_headers(settings, admin), title="Panel tee", **body)


def _row(page: str, variant_id: str) -> str:
    found = re.search(rf'<tr data-variant="{variant_id}">(.*?)</tr>', page, re.S)
    assert found, f"no row for variant {variant_id}"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(1))).strip()


def _by_sku(item: dict[str, Any], sku: str) -> dict[str, Any]:
    return next(v for v in item["variants"] if v["sku"] == sku)


async def _item(client: httpx.AsyncClient, item_id: str) -> dict[str, Any]:
    found: dict[str, Any] = (await client.get(f"/api/v1/items/{item_id}")).json()
    return found


async def _audits(stores: Stores) -> list[tuple[str, Any, Any]]:
    async with stores.sessionmaker() as session:
        rows = (await session.scalars(select(AdminAuditEntry))).all()
    return [(a.action, a.before, a.after) for a in rows]


def _form(item: dict[str, Any], **fields: str) -> dict[str, str]:
    return {"revision": str(item["revision"]), **fields}


def _edit(variant: dict[str, Any], **changes: str) -> dict[str, str]:
    """The edit form of `variant` as the page fills it, with `changes` typed in."""
    size = variant["size"]
    own = variant["price"]["amount"] if variant["sku"] == "TEE-M-WHT" else None
    shown = {
        "sku": variant["sku"],
        "size": size["value"] if size else "",
        "size_system": size["system"] if size else "",
        "colour": variant["colour"] or "",
        "price": f"{own / 100:.2f}" if own else "",
        "gtin": variant["gtin"] or "",
    }
    return {**shown, **changes}


async def test_the_item_page_lists_each_variant_with_its_stock(
    app: FastAPI, stores: Stores, admin: User, tee: dict[str, Any]
) -> None:
    small, medium = _by_sku(tee, "TEE-S-BLK"), _by_sku(tee, "TEE-M-WHT")
    async with panel_client(app) as panel:
        await sign_in(panel, admin)
        page = (await panel.get(f"/admin/catalog/{tee['id']}")).text
    assert _row(page, small["id"]) == "TEE-S-BLK S black 19.99 EUR — 3 0 3 (few_left) Remove"
    assert _row(page, medium["id"]) == "TEE-M-WHT M white 25.00 EUR — 0 0 0 (sold_out) Remove"


async def test_an_added_variant_is_sold_and_listed_at_once_and_audited(
    app: FastAPI, client: httpx.AsyncClient, stores: Stores, admin: User, tee: dict[str, Any]
) -> None:
    form = _form(tee, sku="", size="L", size_system="", colour="black", price="22.50")
    async with panel_client(app) as panel:
        await sign_in(panel, admin)
        added = await submit(panel, f"/admin/catalog/{tee['id']}/variants", {**form, "stock": "4"})
    assert added.status_code == 302, added.text
    item = await _item(client, tee["id"])
    [large] = [v for v in item["variants"] if v["size"] and v["size"]["value"] == "L"]
    assert (large["colour"], large["price"]["amount"], large["availability"]) == (
        "black",
        2250,
        "in_stock",
    )
    assert item["revision"] == tee["revision"] + 1
    assert item["sizes_in_stock"] == ["S", "L"]
    listed = await client.get("/api/v1/items", params={"size": "L", "colour": "black"})
    assert [i["id"] for i in listed.json()["items"]] == [tee["id"]]
    [(action, before, after)] = await _audits(stores)
    assert (action, before, after["sku"], after["id"]) == (
        "variant:add",
        None,
        large["sku"],
        large["id"],
    )


async def test_an_unknown_size_is_shown_on_the_add_form_with_what_was_typed(
    app: FastAPI, client: httpx.AsyncClient, stores: Stores, admin: User, tee: dict[str, Any]
) -> None:
    form = _form(tee, sku="TEE-Q", size="QQ", size_system="letter", colour="black", price="")
    async with panel_client(app) as panel:
        await sign_in(panel, admin)
        refused = await submit(panel, f"/admin/catalog/{tee['id']}/variants", form)
    assert refused.status_code == 422
    assert re.search(r'data-form="add">[^<]*QQ', refused.text), refused.text
    assert 'value="TEE-Q"' in refused.text  # the form keeps what was typed
    assert len((await _item(client, tee["id"]))["variants"]) == 2
    assert await _audits(stores) == []


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ({"gtin": "4006381333932"}, "check digit"),
        ({"price": "12.345"}, "cents"),
        ({"price": "lots"}, "not an amount"),
        ({"colour": "teal"}, "teal"),
        ({"sku": "TEE-M-WHT"}, "TEE-M-WHT"),
    ],
)
async def test_a_refused_change_is_shown_beside_its_variant_and_changes_nothing(
    app: FastAPI,
    client: httpx.AsyncClient,
    stores: Stores,
    admin: User,
    tee: dict[str, Any],
    typed: dict[str, str],
    reason: str,
) -> None:
    small = _by_sku(tee, "TEE-S-BLK")
    form = _form(tee, **_edit(small, **typed))
    async with panel_client(app) as panel:
        await sign_in(panel, admin)
        refused = await submit(panel, f"/admin/catalog/{tee['id']}/variants/{small['id']}", form)
    assert refused.status_code in (409, 422), refused.text
    message = re.search(rf'data-form="{small["id"]}">([^<]*)<', refused.text)
    assert message, refused.text
    assert reason in message.group(1)
    assert (await _item(client, tee["id"]))["revision"] == tee["revision"]


async def test_a_change_sets_only_what_was_typed_and_is_audited(
    app: FastAPI, client: httpx.AsyncClient, stores: Stores, admin: User, tee: dict[str, Any]
) -> None:
    medium = _by_sku(tee, "TEE-M-WHT")
    typed = _edit(medium, sku="TEE-M-GRY", colour="grey", price="", gtin="4006381333931")
    async with panel_client(app) as panel:
        await sign_in(panel, admin)
        url = f"/admin/catalog/{tee['id']}/variants/{medium['id']}"
        changed = await submit(panel, url, _form(tee, **typed))
    assert changed.status_code == 302, changed.text
    after = _by_sku(await _item(client, tee["id"]), "TEE-M-GRY")
    assert after["id"] == medium["id"]
    assert (after["size"]["label"], after["colour"], after["gtin"]) == (
        "M",
        "grey",
        "4006381333931",
    )
    assert after["price"]["amount"] == 1999  # its own price removed: the item's again
    [(action, before, audited)] = await _audits(stores)
    assert action == "variant:change"
    assert (before["colour"], audited["colour"], audited["price"]) == ("white", "grey", None)


async def test_a_form_from_a_stale_page_is_refused(
    app: FastAPI, client: httpx.AsyncClient, admin: User, tee: dict[str, Any]
) -> None:
    small = _by_sku(tee, "TEE-S-BLK")
    async with panel_client(app) as panel:
        await sign_in(panel, admin)
        first = await submit(
            panel,
            f"/admin/catalog/{tee['id']}/variants/{small['id']}",
            _form(tee, **_edit(small, colour="grey")),
        )
        second = await submit(
            panel,
            f"/admin/catalog/{tee['id']}/variants/{small['id']}",
            _form(tee, **_edit(small, colour="red")),
        )
    assert first.status_code == 302
    assert second.status_code == 412
    assert "revision" in second.text
    assert _by_sku(await _item(client, tee["id"]), "TEE-S-BLK")["colour"] == "grey"


async def test_a_variant_is_removed_unless_open_orders_hold_its_units(
    app: FastAPI, client: httpx.AsyncClient, stores: Stores, admin: User, tee: dict[str, Any]
) -> None:
    small, medium = _by_sku(tee, "TEE-S-BLK"), _by_sku(tee, "TEE-M-WHT")
    async with stores.sessionmaker() as session, session.begin():
        await stock.reserve(session, tee["id"], small["id"], 2)
    async with panel_client(app) as panel:
        await sign_in(panel, admin)
        held = await submit(
            panel, f"/admin/catalog/{tee['id']}/variants/{small['id']}/delete", _form(tee)
        )
        removed = await submit(
            panel, f"/admin/catalog/{tee['id']}/variants/{medium['id']}/delete", _form(tee)
        )
    assert held.status_code == 409
    assert re.search(rf'data-form="delete-{small["id"]}">[^<]*2 units', held.text), held.text
    assert removed.status_code == 302, removed.text
    assert [v["sku"] for v in (await _item(client, tee["id"]))["variants"]] == ["TEE-S-BLK"]
    assert [a[0] for a in await _audits(stores)] == ["variant:delete"]


async def test_on_hand_set_on_the_item_page_reaches_listings(
    app: FastAPI, client: httpx.AsyncClient, stores: Stores, admin: User, tee: dict[str, Any]
) -> None:
    small, medium = _by_sku(tee, "TEE-S-BLK"), _by_sku(tee, "TEE-M-WHT")
    base = f"/admin/catalog/{tee['id']}/variants"
    async with panel_client(app) as panel:
        await sign_in(panel, admin)
        negative = await submit(panel, f"{base}/{small['id']}/stock", _form(tee, on_hand="-1"))
        assert negative.status_code == 422
        assert re.search(rf'data-form="stock-{small["id"]}">[^<]*on_hand', negative.text)
        await submit(panel, f"{base}/{small['id']}/stock", _form(tee, on_hand="0"))
        restocked = await submit(panel, f"{base}/{medium['id']}/stock", _form(tee, on_hand="8"))
    assert restocked.status_code == 302, restocked.text
    item = await _item(client, tee["id"])
    assert item["sizes_in_stock"] == ["M"]
    in_stock = await client.get("/api/v1/items", params={"size": "S", "in_stock": "true"})
    assert in_stock.json()["items"] == []
    medium_listed = await client.get("/api/v1/items", params={"size": "M", "in_stock": "true"})
    assert [i["id"] for i in medium_listed.json()["items"]] == [tee["id"]]
    assert [(a[1], a[2]) for a in await _audits(stores)] == [
        ({"variant_id": small["id"], "on_hand": 3}, {"variant_id": small["id"], "on_hand": 0}),
        ({"variant_id": medium["id"], "on_hand": 0}, {"variant_id": medium["id"], "on_hand": 8}),
    ]


async def test_the_stock_view_edits_on_hand_through_the_catalog_so_listings_follow(
    app: FastAPI, client: httpx.AsyncClient, admin: User, tee: dict[str, Any]
) -> None:
    small = _by_sku(tee, "TEE-S-BLK")
    async with panel_client(app) as panel:
        await sign_in(panel, admin)
        edited = await submit(panel, f"/admin/stock/edit/{small['id']}", {"on_hand": "0"})
    assert edited.status_code == 302, edited.text
    listed = await client.get("/api/v1/items", params={"in_stock": "true"})
    assert tee["id"] not in [i["id"] for i in listed.json()["items"]]
    assert (await _item(client, tee["id"]))["availability"] == "sold_out"


async def test_an_item_outside_the_taxonomy_still_shows_its_page_and_variants(
    app: FastAPI, stores: Stores
) -> None:
    # No taxonomy loaded: the item's category is unknown to the catalog.
    item = await create_listed_item(stores, title="Orphan coat", on_hand=[2])
    admin = await admin_account(stores)
    async with panel_client(app) as panel:
        await sign_in(panel, admin)
        page = await panel.get(f"/admin/catalog/{item.id}")
    assert page.status_code == 200
    assert "cannot be changed until the item is in a category" in page.text
    assert _row(page.text, item.variants[0].id).startswith(item.variants[0].sku)

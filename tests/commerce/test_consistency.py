"""`garderobe check consistency`: divergences a crash between the stores' writes leaves are
found, repaired, and none is left after the repair."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from bson import ObjectId
from sqlalchemy.ext.asyncio import AsyncSession

from garderobe.catalog import service as catalog
from garderobe.catalog.documents import Item, ItemStatus, Money
from garderobe.catalog.schemas import ItemCreate
from garderobe.catalog.taxonomy import loading
from garderobe.commerce import consistency
from garderobe.infra.stores import Stores
from garderobe.settings import Settings, store_environment
from garderobe.stock import service as stock
from garderobe.uow import unit_of_work
from tests.commerce.helpers import stock_of, stocked_item
from tests.factories import create_item, index_items, stock_items, variant

GARDEROBE = str(Path(sys.executable).parent / "garderobe")


class Killed(Exception):
    """The failure point: the process dies after MongoDB took a write, before the commit."""


def _jeans(**fields: object) -> ItemCreate:
    body = {
        "title": "Slim jeans",
        "category": "jeans",
        "brand": "levis",
        "price": Money(amount=4000),
        "attributes": {"fit": "slim"},
        "status": ItemStatus.ACTIVE,
        **fields,
    }
    return ItemCreate.model_validate(body)


async def _killed_before_commit(
    stores: Stores, write: Callable[[AsyncSession], Awaitable[Item]]
) -> Item:
    """Run a catalog write whose process dies after MongoDB took it, before PostgreSQL
    commits: the unit of work rolls PostgreSQL back, MongoDB keeps the write."""
    written: list[Item] = []

    async def die() -> None:
        async with unit_of_work(stores) as session:
            written.append(await write(session))
            raise Killed

    with pytest.raises(Killed):
        await die()
    return written[0]


async def test_crashes_between_the_stores_are_found_and_repaired(stores: Stores) -> None:
    await loading.load_file()
    # A creation: the item exists, its stock and index rows do not.
    created = await _killed_before_commit(stores, lambda s: catalog.create_item(s, _jeans()))
    sold = await stocked_item(stores, on_hand=1, attributes={"fit": "slim"})
    await index_items(stores, sold)
    # Marked sold in MongoDB only: one unit is still in stock.
    await _killed_before_commit(
        stores, lambda s: catalog.update_item(s, sold, {"status": "sold"}, sold.revision)
    )
    gone = await stocked_item(stores, on_hand=0)  # active, but the last unit went
    await index_items(stores, gone)
    deleted = await stocked_item(stores)  # deleted from MongoDB, rows left behind
    await index_items(stores, deleted)
    await deleted.delete()
    stray = str(ObjectId())  # stock of an unknown item
    async with unit_of_work(stores) as session:
        await stock.create_for_variants(session, [stock.NewStock(stray, stray, "GD-STRAY", 1)])

    found = await consistency.find(stores)
    assert found.missing_stock == [_only_variant(created)]
    assert sorted(found.orphan_stock) == sorted([_only_variant(deleted), stray])
    assert found.sold_but_available == [str(sold.id)]
    assert found.active_but_gone == [str(gone.id)]
    assert sorted(found.index_stale) == sorted([str(created.id), str(sold.id)])
    assert found.index_orphans == [str(deleted.id)]

    await consistency.repair(stores, found)

    assert (await consistency.find(stores)).total == 0
    assert (await stock_of(stores, created)).on_hand == consistency.DEFAULT_UNITS
    relisted, sold_out = await Item.get(sold.id), await Item.get(gone.id)
    assert relisted is not None
    assert relisted.status is ItemStatus.ACTIVE  # the stock says a unit is left
    assert sold_out is not None
    assert sold_out.status is ItemStatus.SOLD


def _only_variant(item: Item) -> str:
    (variant,) = item.sellable_variants()
    return variant.id


async def test_variants_are_compared_one_by_one_and_a_sold_out_range_stays_listed(
    stores: Stores,
) -> None:
    """A removed variant's row is an orphan (left alone while reserved), a variant without
    its row gets one, and an item of several variants with none left is no divergence: it
    stays listed as sold out, unlike a one-off."""
    sizes = [variant("S"), variant("M"), variant("L")]
    ranged = await create_item(variants=sizes)
    await stock_items(stores, ranged, on_hand=0)
    gone = variant("XL")
    reserved = variant("XXL")
    for removed in (gone, reserved):
        async with unit_of_work(stores) as session:
            row = stock.NewStock(removed.id, str(ranged.id), removed.sku, 2)
            await stock.create_for_variants(session, [row])
    async with unit_of_work(stores) as session:
        await stock.reserve(session, str(ranged.id), reserved.id, 1)
        await stock.remove_variant(session, sizes[2].id)  # its row lost, the variant kept
    await index_items(stores, ranged, on_hand=None)

    found = await consistency.find(stores)
    assert found.orphan_stock == [gone.id]
    assert found.reserved_orphans == [reserved.id]
    assert found.missing_stock == [sizes[2].id]
    assert found.active_but_gone == []
    await consistency.repair(stores, found)

    after = await consistency.find(stores)
    assert after.reserved_orphans == [reserved.id]
    assert after.total == 1  # only what a person must look at
    assert (await stock_of(stores, ranged, sizes[2].id)).on_hand == consistency.DEFAULT_UNITS


async def test_check_command_reports_repairs_and_exits_zero_after(
    stores: Stores, settings: Settings
) -> None:
    await stocked_item(stores)  # no index row: one divergence
    env = {k: v for k, v in os.environ.items() if not k.endswith("_URL")}
    env.update(store_environment(settings))

    def check(*flags: str) -> subprocess.CompletedProcess[str]:
        command = [GARDEROBE, "check", "consistency", *flags]
        return subprocess.run(command, env=env, capture_output=True, text=True, check=False)

    reported = await asyncio.to_thread(check, "--report-only")
    assert reported.returncode == 1, reported.stderr
    assert "index stale: 1" in reported.stdout
    repaired = await asyncio.to_thread(check)
    assert repaired.returncode == 0, repaired.stderr
    assert "repaired; 0 divergences left" in repaired.stdout

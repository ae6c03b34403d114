"""Cross-store consistency: find and mend what a crash between the stores' writes leaves.

Writes follow one order (PostgreSQL flushed, then MongoDB, then the PostgreSQL commit), so a
process killed after the MongoDB write but before the commit leaves MongoDB ahead: an item
without its stock row or index row, a status that the stock no longer matches. Outbox jobs
that mark items sold or relist them can be late or lost with their worker. This module
compares the stores and repairs them, MongoDB (the items) being the reference for what
exists, PostgreSQL (the stock) for what can still be sold.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from garderobe.catalog import service as catalog
from garderobe.catalog.index import reconcile
from garderobe.infra.stores import Stores
from garderobe.stock import service as stock
from garderobe.uow import unit_of_work

# A missing stock row is written with one unit: the default of a new (one-off) item.
DEFAULT_UNITS = 1


@dataclass
class Divergences:
    missing_stock: list[str] = field(default_factory=list)  # variants without a stock row
    orphan_stock: list[str] = field(default_factory=list)  # stock rows of variants gone
    reserved_orphans: list[str] = field(default_factory=list)  # ... with open reservations
    sold_but_available: list[str] = field(default_factory=list)  # sold, yet units are left
    active_but_gone: list[str] = field(default_factory=list)  # one-off active, none left
    index_stale: list[str] = field(default_factory=list)  # index rows missing or stale
    index_orphans: list[str] = field(default_factory=list)  # index rows of items gone
    # Rows to write for `missing_stock` (SKU and item of each variant); not reported.
    new_stock: list[stock.NewStock] = field(default_factory=list, repr=False)

    @property
    def total(self) -> int:
        return sum(len(found) for name, found in vars(self).items() if name != "new_stock")

    def lines(self) -> list[str]:
        return [
            f"{name.replace('_', ' ')}: {len(ids)}"
            for name, ids in vars(self).items()
            if name != "new_stock"
        ]


async def find(stores: Stores) -> Divergences:
    """Every divergence between the items in MongoDB and their stock and index rows."""
    # One pass over the items serves both comparisons (stock here, the index in reconcile).
    states = await catalog.item_states()
    async with stores.sessionmaker() as session:
        units = await stock.units_by_variant(session)
    revisions = {item_id: state.revision for item_id, state in states.items()}
    stale, orphans, _ = await reconcile.divergent(stores, revisions)
    found = Divergences(index_stale=stale, index_orphans=orphans)
    for variant_id, (item_id, held) in units.items():
        state = states.get(item_id)
        if state is None or variant_id not in state.skus:
            (found.reserved_orphans if held.reserved else found.orphan_stock).append(variant_id)
    for item_id, state in states.items():
        _compare(found, item_id, state, units)
    return found


def _compare(
    found: Divergences,
    item_id: str,
    state: catalog.ItemState,
    units: dict[str, tuple[str, stock.Units]],
) -> None:
    """One item's status against its variants' stock rows."""
    left = 0
    for variant_id, sku in state.skus.items():
        if variant_id not in units:
            found.missing_stock.append(variant_id)
            found.new_stock.append(stock.NewStock(variant_id, item_id, sku, DEFAULT_UNITS))
            left += DEFAULT_UNITS
        else:
            left += units[variant_id][1].available
    if state.sold and left > 0:
        found.sold_but_available.append(item_id)
    elif state.active and state.one_off and left <= 0:
        found.active_but_gone.append(item_id)


async def repair(stores: Stores, found: Divergences) -> None:
    """Mend what `find` reported: stock first, then statuses (which follow the stock), then
    the index (which follows the documents). Reserved orphans are left for a person: an open
    order still points at them."""
    async with unit_of_work(stores) as session:
        await stock.create_for_variants(session, found.new_stock)
        await stock.remove_variants(session, found.orphan_stock)
    # A sold item whose stock row was missing got DEFAULT_UNITS above: it is for sale again
    # (sold_but_available counts those units; mark_items_available moves sold items only).
    async with unit_of_work(stores) as session:
        if found.sold_but_available:
            await catalog.mark_items_available(found.sold_but_available, session=session)
        if found.active_but_gone:
            await catalog.mark_items_sold(found.active_but_gone, session=session)
    await reconcile.reconcile(stores, recount=True)

"""One batch of lines written to the catalogue: each line creates its item or updates the
item holding its SKUs, through the catalog's own services (the same checks and problems as
the API), in a savepoint of the batch's transaction so a refused line undoes only itself.

The batch's lookups are bulk: the owners of all its SKUs, their items and stock levels.
A line that would change nothing writes nothing: re-importing a file leaves every item at
its revision.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from pymongo.errors import PyMongoError
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from garderobe.catalog import service as catalog
from garderobe.catalog import validation
from garderobe.catalog.documents import Item, Variant
from garderobe.catalog.images import imported as catalog_images
from garderobe.catalog.images.imported import ImageSources, Prepared
from garderobe.catalog.variants.validation import (
    VariantRules,
    checked_colour,
    checked_gtin,
    new_variant,
    typed_size,
)
from garderobe.errors import DomainError, unstorable_value_errors
from garderobe.imports.lines import AttributeTypes, Line, parsed
from garderobe.imports.problems import problem_of
from garderobe.imports.reading import Record
from garderobe.stock import service as stock
from garderobe.stock.service import NewStock, SkuTaken

log = logging.getLogger(__name__)

# What decides whether a line changes its item: the fields an import sets.
COMPARED = (
    "title",
    "description",
    "category",
    "category_path",
    "brand",
    "supplier",
    "condition",
    "material",
    "colours",
    "pattern",
    "price",
    "attributes",
    "status",
    "variants",
)


class Result(enum.StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass
class Outcome:
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(Result, 0))
    refusals: list[tuple[int, dict[str, Any]]] = field(default_factory=list)


@dataclass
class Known:
    """What the batch knows of the catalogue, kept current as its lines write."""

    owners: dict[str, str]  # SKU -> item id
    items: dict[str, Item]
    on_hand: dict[str, int]  # variant id -> units on hand

    def learn(self, item: Item, units: dict[str, int]) -> None:
        self.items[str(item.id)] = item
        for variant in item.sellable_variants():
            self.owners[variant.sku] = str(item.id)
        self.on_hand.update(units)


def _refusable() -> tuple[type[Exception], ...]:
    return (DomainError, ValidationError, *unstorable_value_errors())


def _refusable_together() -> tuple[type[Exception], ...]:
    """What may refuse new items written together: the one at fault is found line by line."""
    return (*_refusable(), PyMongoError, DBAPIError)


async def apply_batch(
    session: AsyncSession,
    records: Sequence[Record],
    types: AttributeTypes,
    sources: ImageSources,
) -> Outcome:
    """Write the batch's lines in the caller's transaction; the refused ones are listed."""
    outcome, lines = Outcome(), []
    for record in records:
        try:
            if record.problem is not None:
                raise record.problem
            lines.append(await parsed(record, types))
        except _refusable() as exc:
            outcome.refusals.append((record.line, problem_of(exc)))
    batch = _Batch(session, await _known(session, lines), outcome, sources)
    for line in lines:
        await batch.add(line)
    await batch.write_new()
    outcome.refusals.sort()
    return outcome


async def _known(session: AsyncSession, lines: Sequence[Line]) -> Known:
    owners = await stock.items_by_sku(session, [sku for line in lines for sku in line.skus])
    ids = sorted({*owners.values(), *(str(line.new_item_id) for line in lines)})
    items = await catalog.get_items(ids)
    levels = await stock.levels(session, list(items))
    return Known(owners, items, {v: row.on_hand for v, row in levels.items()})


class _Batch:
    """New items are checked line by line and written together (one statement per table,
    one MongoDB insert); updates are written line by line, each in its own savepoint."""

    def __init__(
        self, session: AsyncSession, known: Known, outcome: Outcome, sources: ImageSources
    ) -> None:
        self.session, self.known, self.outcome = session, known, outcome
        self.sources = sources
        self.new: list[tuple[Line, catalog.NewItem, Prepared | None]] = []
        self.new_skus: set[str] = set()

    async def add(self, line: Line) -> None:
        if self.new_skus.intersection(line.skus):  # an item of this batch again: write it first
            await self.write_new()
        try:
            item = _owner(line, self.known)
            if item is None:
                await self._add_new(line)
                return
            async with self.session.begin_nested():
                result = await _update(self.session, item, line, self.known, self.sources)
        except _refusable() as exc:
            self.outcome.refusals.append((line.number, problem_of(exc)))
        else:
            self.outcome.counts[result] += 1

    async def _add_new(self, line: Line) -> None:
        """Checked, its images fetched and stored (an object no item refers to yet is the
        orphan sweep's if the insert fails); written with the batch's other new items."""
        new = await catalog.new_item(self.session, line.body, item_id=line.new_item_id)
        prepared = await _prepared(self.sources, None, line)
        if prepared is not None:
            new.item.images = prepared.records
            await catalog_images.store(self.sources.storage, prepared)
        self.new.append((line, new, prepared))
        self.new_skus.update(line.skus)

    async def write_new(self) -> None:
        new, self.new, self.new_skus = self.new, [], set()
        if not new:
            return
        try:
            async with self.session.begin_nested():
                for _, _, prepared in new:
                    if prepared is not None:
                        catalog_images.queue_fresh(self.session, prepared)
                await catalog.create_items(self.session, [item for _, item, _ in new])
        except _refusable_together() as exc:
            if len(new) == 1:
                self.outcome.refusals.append((new[0][0].number, problem_of(exc)))
                return
            # A SKU taken meanwhile, or a store's refusal: line by line, so that only the
            # line at fault is refused (MongoDB may hold some of the documents already:
            # found again by their ids, they are completed, not inserted twice).
            log.warning("new items of a batch failed together; one at a time now: %s", exc)
            await self._one_by_one([line for line, _, _ in new])
            return
        for line, item, _ in new:
            units = {
                v.id: spec.stock
                for v, spec in zip(item.item.variants, line.body.variants or [], strict=True)
            }
            self.known.learn(item.item, units)
        self.outcome.counts[Result.CREATED] += len(new)

    async def _one_by_one(self, lines: Sequence[Line]) -> None:
        fresh = await _known(self.session, lines)
        self.known.owners.update(fresh.owners)
        self.known.items.update(fresh.items)
        self.known.on_hand.update(fresh.on_hand)
        for line in lines:
            await self.add(line)
            await self.write_new()


def _owner(line: Line, known: Known) -> Item | None:
    """The item the line updates, or None for a new one; SkuTaken when its SKUs are two
    items'."""
    owners = {known.owners[sku] for sku in line.skus if sku in known.owners}
    if not owners and str(line.new_item_id) in known.items:
        owners = {str(line.new_item_id)}
    if len(owners) > 1:
        raise SkuTaken([sku for sku in line.skus if sku in known.owners])
    if not owners:
        return None
    item_id = owners.pop()
    if item_id not in known.items:  # a stock row whose item is gone: repaired by the check
        raise catalog.ItemNotFound(f"The SKUs belong to item {item_id}, which is missing.")
    return known.items[item_id]


async def _update(
    session: AsyncSession, item: Item, line: Line, known: Known, sources: ImageSources
) -> Result:
    variants, units, changes = await _wanted(item, line)
    checked = await validation.validated(changes)
    wanted = Item.model_validate({**item.model_dump(), **checked.data, "id": item.id})
    document_changed = wanted.model_dump(include=set(COMPARED)) != item.model_dump(
        include=set(COMPARED)
    )
    stock_changed = {v: n for v, n in units.items() if known.on_hand.get(v) != n}
    prepared = await _prepared(sources, item, line)
    images_changed = prepared is not None and catalog_images.changes_images(item, prepared)
    if not document_changed and not stock_changed and not images_changed:
        return Result.UNCHANGED
    await _write_stock(session, item, variants, stock_changed, known)
    if document_changed:
        item = await catalog.update_item(session, item, changes, item.revision)
    elif stock_changed:
        await catalog.stock_changed(session, [str(item.id)])
    if prepared is not None and images_changed:
        await catalog_images.store(sources.storage, prepared)
        item = await catalog_images.apply(session, prepared)
    elif prepared is not None:  # thumbnails a crashed batch's lost job did not make
        catalog_images.queue_fresh(session, prepared)
    known.learn(item, stock_changed)
    return Result.UPDATED


async def _wanted(item: Item, line: Line) -> tuple[list[Variant], dict[str, int], dict[str, Any]]:
    """The item's variants after the line, the line's units per variant id, and the
    changes to write (checked by the caller)."""
    rules = await validation.variant_rules(line.body.category)
    variants, units = _merged_variants(item, line, rules)
    fields = line.body.model_dump(exclude={"stock", "variants", "size"})
    return variants, units, {**fields, "variants": [v.model_dump() for v in variants]}


async def _prepared(sources: ImageSources, item: Item | None, line: Line) -> Prepared | None:
    """The line's images checked (fetched when new), or None when it names none."""
    if line.images is None:
        return None
    item_id = str(item.id) if item is not None else str(line.new_item_id)
    return await catalog_images.prepare(sources, item, item_id, line.images)


def _merged_variants(
    item: Item, line: Line, rules: VariantRules
) -> tuple[list[Variant], dict[str, int]]:
    """The item's variants after the line: the line's, in its order (matched to the item's
    by SKU, checked as a variant change is), then those of the item the line leaves out
    (an import never removes a variant). Also the line's units per variant id."""
    by_sku = {v.sku: v for v in item.sellable_variants()}
    named: list[Variant] = []
    units: dict[str, int] = {}
    for position, spec in enumerate(line.body.variants or []):
        current = by_sku.pop(spec.sku or "", None)
        if current is None:
            variant = new_variant(str(item.id), spec, rules, position)
        else:
            variant = current.model_copy(
                update={
                    "size": typed_size(spec.size, spec.size_system, rules.size_systems),
                    "colour": checked_colour(spec.colour, rules.colours),
                    "price": spec.price,
                    "gtin": checked_gtin(spec.gtin),
                    "position": position,
                }
            )
        named.append(variant)
        units[variant.id] = spec.stock
    rest = [
        v.model_copy(update={"position": len(named) + n}) for n, v in enumerate(by_sku.values())
    ]
    return named + rest, units


async def _write_stock(
    session: AsyncSession,
    item: Item,
    variants: Sequence[Variant],
    changed: dict[str, int],
    known: Known,
) -> None:
    """Stock first, as every catalog write: rows for the new variants (and for any a crash
    left without one), then the units of the others."""
    by_id = {v.id: v for v in variants}
    missing = [v for v in changed if v not in known.on_hand]
    await stock.create_for_variants(
        session, [NewStock(v, str(item.id), by_id[v].sku, changed[v]) for v in missing]
    )
    for variant_id, on_hand in changed.items():
        if variant_id not in missing:
            await stock.set_on_hand(session, str(item.id), variant_id, on_hand)

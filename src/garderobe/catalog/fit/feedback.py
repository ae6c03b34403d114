"""Buyers' fit verdicts (runs small, true to size, runs large) counted per item and per brand
and garment, and the advice they add up to.

The reviews domain, above the catalog, reports each change of a review's verdict through
`apply_fit_change` in the transaction of the review change (as it does ratings), so the
counts never drift from the reviews.

**The advice rule.** An item's own verdicts decide once there are `ITEM_THRESHOLD` (5) of
them; below that, its brand's verdicts for the same garment (tops, bottoms, jeans, shoes) do
once there are `BRAND_THRESHOLD` (20); below both there is no advice. On the verdicts that
decide, the item runs small when at least `ADVICE_SHARE` (half) of them say so and more say
small than large ("consider one size up"), runs large likewise ("consider one size down"),
and is true to size otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from garderobe.catalog import cache
from garderobe.catalog.documents import Item
from garderobe.catalog.fit.models import BrandFitVerdicts, FitCounts, ItemFitVerdicts
from garderobe.catalog.taxonomy import service as taxonomy

Verdict = Literal["runs_small", "true_to_size", "runs_large"]
VERDICTS: tuple[Verdict, ...] = ("runs_small", "true_to_size", "runs_large")
ITEM_THRESHOLD = 5
BRAND_THRESHOLD = 20
ADVICE_SHARE = 0.5
NO_VERDICTS = "f0b0"  # the version of an item without verdicts, nor its brand
STEPS: dict[Verdict, int] = {"runs_small": 1, "true_to_size": 0, "runs_large": -1}
TEXTS: dict[Verdict, str] = {
    "runs_small": "Buyers found it runs small: consider one size up.",
    "true_to_size": "Buyers found it true to size: take your usual size.",
    "runs_large": "Buyers found it runs large: consider one size down.",
}


def between_text(best: str, other: str, up: bool) -> str:
    """The sentence for a shopper between two sizes (`advice.choose_sizes`), after the advice."""
    return f"Between two sizes: {best}, or {other} for a {'looser' if up else 'closer'} fit."


@dataclass(frozen=True)
class Counts:
    runs_small: int = 0
    true_to_size: int = 0
    runs_large: int = 0

    @property
    def total(self) -> int:
        return self.runs_small + self.true_to_size + self.runs_large

    def of(self, verdict: Verdict) -> int:
        return int(getattr(self, verdict))


@dataclass(frozen=True)
class Advice:
    verdict: Verdict
    steps: int  # sizes up (+) or down (-) from the size that fits by the chart
    based_on: Literal["item", "brand"]
    verdicts: int
    # (runs small - runs large) / verdicts: how far, in sizes, buyers found it off (a brand
    # half a size small has about half its buyers say "runs small"); the size to choose
    # moves the shopper's measure by this many sizes.
    shift: float = 0.0

    @property
    def text(self) -> str:
        return TEXTS[self.verdict]


@dataclass(frozen=True)
class FitSummary:
    counts: Counts
    advice: Advice | None
    version: str  # the item's and its brand's count versions, for the detail's ETag


def verdict_of(counts: Counts) -> Verdict:
    """What the verdicts say, by the advice rule (the module docstring)."""
    small, large, total = counts.runs_small, counts.runs_large, counts.total
    if small >= ADVICE_SHARE * total and small > large:
        return "runs_small"
    if large >= ADVICE_SHARE * total and large > small:
        return "runs_large"
    return "true_to_size"


def advice(item: Counts, brand: Counts) -> Advice | None:
    """The advice on the item's verdicts, else its brand's, else None (too little data)."""
    if item.total >= ITEM_THRESHOLD:
        verdict = verdict_of(item)
        return Advice(verdict, STEPS[verdict], "item", item.total, _shift(item))
    if brand.total >= BRAND_THRESHOLD:
        verdict = verdict_of(brand)
        return Advice(verdict, STEPS[verdict], "brand", brand.total, _shift(brand))
    return None


def _shift(counts: Counts) -> float:
    return (counts.runs_small - counts.runs_large) / counts.total


async def item_garment(item: Item) -> str | None:
    """What the item is worn as (its category's `garment`, inherited; None for a category
    that names none, or is gone)."""
    try:
        category = await taxonomy.get_category(item.category)
    except taxonomy.CategoryNotFound:
        return None
    return taxonomy.merge_garment(await taxonomy.ancestors(category))


async def apply_fit_change(
    session: AsyncSession, item: Item, old: Verdict | None, new: Verdict | None
) -> None:
    """Account for one review's verdict of `item` going from `old` to `new` (None: none, as
    before the review or after it is hidden or deleted); in the caller's transaction."""
    if old == new:
        return
    delta = {v: int(v == new) - int(v == old) for v in VERDICTS}
    garment = await item_garment(item)
    item_row = {"item_id": str(item.id), "brand": item.brand, "garment": garment}
    await _add(session, ItemFitVerdicts, item_row, ["item_id"], delta)
    if item.brand is not None and garment is not None:
        brand_row = {"brand": item.brand, "garment": garment}
        await _add(session, BrandFitVerdicts, brand_row, ["brand", "garment"], delta)
    cache.changed(session)  # item detail shows the summary


async def _add(
    session: AsyncSession,
    table: type[ItemFitVerdicts] | type[BrandFitVerdicts],
    key: Mapping[str, str | None],
    index: list[str],
    delta: dict[Verdict, int],
) -> None:
    # Added under the row's lock: concurrent verdicts of one item queue and none is lost. A
    # first verdict inserts; any other change finds the row (its old verdict is counted there).
    first = {v: max(n, 0) for v, n in delta.items()}
    columns = table.__table__.c
    changes = {v: columns[v] + n for v, n in delta.items()}
    statement = insert(table).values(**key, **first, version=1)
    statement = statement.on_conflict_do_update(
        index_elements=index, set_={**changes, "version": columns["version"] + 1}
    )
    await session.execute(statement)


def _counts(row: FitCounts | None) -> Counts:
    if row is None:
        return Counts()
    return Counts(row.runs_small, row.true_to_size, row.runs_large)


async def fit_summary(session: AsyncSession, item: Item) -> FitSummary:
    """The item's verdicts and the advice they (or its brand's) add up to."""
    own = await session.get(ItemFitVerdicts, str(item.id))
    brand = await _brand_counts(session, item, own)
    counts, brand_counts = _counts(own), _counts(brand)
    version = f"f{own.version if own else 0}b{brand.version if brand else 0}"
    return FitSummary(counts, advice(counts, brand_counts), version)


async def _brand_counts(
    session: AsyncSession, item: Item, own: ItemFitVerdicts | None
) -> BrandFitVerdicts | None:
    if item.brand is None:
        return None
    rows = {
        row.garment: row
        for row in await session.scalars(
            select(BrandFitVerdicts).where(BrandFitVerdicts.brand == item.brand)
        )
    }
    if not rows:  # most brands: no verdicts, and no need to look the garment up
        return None
    garment = own.garment if own is not None else await item_garment(item)
    return rows.get(garment) if garment is not None else None

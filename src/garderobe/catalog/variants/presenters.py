"""Variant bodies: a variant with its size label, effective price and availability (exact
counts for admins only), and what a card shows of an item's variants."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from garderobe.catalog.documents import OTHER_SIZE, Item, Money, Variant, VariantSize
from garderobe.catalog.variants.availability import availability, item_availability
from garderobe.catalog.variants.schemas import (
    Availability,
    PriceRange,
    SizeOut,
    StockLevel,
    VariantOut,
)
from garderobe.sizing.systems import all_systems, size_system


@dataclass(frozen=True)
class Level:
    """A variant's units (a stock row's, or none)."""

    on_hand: int
    reserved: int

    @property
    def available(self) -> int:
        return max(self.on_hand - self.reserved, 0)


NONE = Level(0, 0)


# Labels and ranks are asked for every size of every card and facet of a page, and depend
# only on the size systems' data: remembered (bounded: `other` sizes are free text).
_REMEMBERED = 4096


def size_label(size: VariantSize) -> str:
    return _label(size.system, size.value)


@lru_cache(maxsize=_REMEMBERED)
def _label(system: str, value: str) -> str:
    if system == OTHER_SIZE:
        return value
    return size_system(system).label_of(value)


def size_order(size: VariantSize) -> tuple[int, int, str]:
    """Sizes in scale order everywhere: by system (in the order of the size systems' data),
    then on the system's scale; `other` sizes last, by label."""
    return _order(size.system, size.value)


@lru_cache(maxsize=_REMEMBERED)
def _order(system: str, value: str) -> tuple[int, int, str]:
    codes = [known.code for known in all_systems()]
    if system == OTHER_SIZE or system not in codes:
        return (len(codes), 0, value)
    return (codes.index(system), size_system(system).rank(value), "")


def size_out(size: VariantSize | None) -> SizeOut | None:
    if size is None:
        return None
    return SizeOut(system=size.system, value=size.value, label=size_label(size))


def variant_out(
    item: Item, variant: Variant, level: Level, *, few_left: int, admin: bool
) -> VariantOut:
    stock = None
    if admin:
        stock = StockLevel(
            on_hand=level.on_hand, reserved=level.reserved, available=level.available
        )
    return VariantOut(
        id=variant.id,
        sku=variant.sku,
        size=size_out(variant.size),
        colour=variant.colour,
        price=item.price_of(variant),
        gtin=variant.gtin,
        position=variant.position,
        availability=availability(level.available, few_left),
        stock=stock,
    )


@dataclass(frozen=True)
class Offering:
    """What a card shows of the item's variants."""

    variants: list[VariantOut]
    availability: Availability
    sizes_in_stock: list[str]
    price_range: PriceRange


def offering(
    item: Item,
    levels: Mapping[str, Level],
    *,
    few_left: int,
    admin: bool,
    each: bool = True,
) -> Offering:
    """What the item offers; `each` variant's body too (item detail; a card needs none)."""
    variants = item.sellable_variants()
    level = [levels.get(v.id, NONE) for v in variants]
    available = [v for v, lv in zip(variants, level, strict=True) if lv.available > 0]
    sizes = sorted({v.size.token: v.size for v in available if v.size}.values(), key=size_order)
    priced = available or variants
    return Offering(
        variants=[
            variant_out(item, v, lv, few_left=few_left, admin=admin)
            for v, lv in zip(variants, level, strict=True)
        ]
        if each
        else [],
        availability=item_availability([lv.available for lv in level], few_left),
        sizes_in_stock=list(dict.fromkeys(size_label(s) for s in sizes)),
        price_range=_price_range([item.price_of(v) for v in priced]),
    )


def _price_range(prices: Sequence[Money]) -> PriceRange:
    low = min(prices, key=lambda m: m.amount)
    high = max(prices, key=lambda m: m.amount)
    return PriceRange(min=low, max=high)

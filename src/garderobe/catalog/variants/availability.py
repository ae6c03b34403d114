"""What shoppers see of stock: a variant is in stock, has few left, or is sold out.

Computed from the units available (on hand minus reserved by open orders) and the
FEW_LEFT_THRESHOLD setting; exact counts are for admins only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from garderobe.catalog.documents import Item, Variant
from garderobe.catalog.variants.schemas import Availability


def availability(units: int, few_left: int) -> Availability:
    if units <= 0:
        return Availability.SOLD_OUT
    return Availability.FEW_LEFT if units <= few_left else Availability.IN_STOCK


def item_availability(units: Sequence[int], few_left: int) -> Availability:
    """An item is in stock while any variant is; it has few left when all it has left is
    few (summed over its variants)."""
    return availability(sum(max(u, 0) for u in units), few_left)


def shown_differently(before: Mapping[str, int], after: Mapping[str, int], few_left: int) -> bool:
    """Whether an item's units moving from `before` to `after` (units per variant) change
    what shoppers are shown: one variant's availability, or the item's."""
    if any(
        availability(n, few_left) != availability(after.get(v, 0), few_left)
        for v, n in before.items()
    ):
        return True
    return item_availability(list(before.values()), few_left) != item_availability(
        [after.get(v, 0) for v in before], few_left
    )


def available_variants(item: Item, units: Mapping[str, int]) -> list[Variant]:
    """The item's variants with units to sell, in the item's order."""
    return [v for v in item.sellable_variants() if units.get(v.id, 0) > 0]

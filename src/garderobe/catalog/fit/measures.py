"""Measured items: a resale piece's garment measurements (number attributes of the taxonomy:
`chest_flat`, `waist_flat`, `garment_length`, `inseam` in cm, `insole_length` in mm), as
ranges a listing filters on and as what `fits=me` checks when an item has no chart size.

**Ease** is the garment's measure minus the body's: a body fits a garment whose ease is in
the stated range. Tops: twice `chest_flat` (the garment's chest all round) is 4 to 16 cm
more than the bust or chest (fitted to loose). Bottoms and jeans: twice `waist_flat` is 0 to
6 cm more than the waist. Shoes: `insole_length` is 5 to 15 mm more than the foot.

A range filter is answered with the attribute's values the index holds (`facet_counts`, the
active items' tokens) that lie in it, as an ordinary `attr.<name>=` filter of those values:
no index structure of its own, and the statements and the bitmaps answer it alike.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from garderobe.catalog.index.selection import SizeGroup
from garderobe.catalog.index.tokens import TOKEN_SEPARATOR
from garderobe.sizing.charts import default_chart
from garderobe.sizing.systems import size_system

NOTHING = ""  # an attribute value no item has: a range nothing lies in matches no item


@dataclass(frozen=True)
class Ease:
    attribute: str
    dimensions: tuple[str, ...]  # the body dimensions it is compared with, in this order
    factor: float  # garment measure = attribute value * factor
    low: float
    high: float


EASE: Mapping[str, Ease] = {
    "tops": Ease("chest_flat", ("bust", "chest"), 2.0, 4.0, 16.0),
    "bottoms": Ease("waist_flat", ("waist",), 2.0, 0.0, 6.0),
    "jeans": Ease("waist_flat", ("waist",), 2.0, 0.0, 6.0),
    "shoes": Ease("insole_length", ("foot_length",), 1.0, 5.0, 15.0),
}


class KnownValues(Protocol):
    """Where the values an attribute has are known without a statement (the in-memory
    index, `memory.index.MemoryIndex`, once it caught up)."""

    def values_of(self, facet: str) -> Collection[str]: ...


async def values_in_range(
    session: AsyncSession,
    name: str,
    low: float | None,
    high: float | None,
    known: KnownValues | None = None,
) -> list[str]:
    """The values of attribute `name` some item has, within [low, high] (canonical token
    spelling); [NOTHING] when none. A value no active item has only costs the filter one
    more alternative that matches nothing."""
    facet = f"attr.{name}"
    if known is not None:
        present: Iterable[str] = known.values_of(facet)
    else:  # every (path, token) counter row of the attribute: a scan of facet_counts
        prefix = f"{facet}{TOKEN_SEPARATOR}"
        rows = await session.execute(
            text(
                "SELECT token FROM facet_counts WHERE starts_with(token, :prefix) "
                "GROUP BY token HAVING sum(n) > 0"
            ),
            {"prefix": prefix},
        )
        present = [raw[len(prefix) :] for (raw,) in rows]
    found = []
    for value in present:
        try:
            number = float(value)
        except ValueError:
            continue
        if (low is None or number >= low) and (high is None or number <= high):
            found.append(value)
    return sorted(found) or [NOTHING]


async def measured_group(
    session: AsyncSession,
    kind: str,
    garment: str | None,
    categories: tuple[str, ...],
    body: Mapping[str, float],
    known: KnownValues | None = None,
) -> SizeGroup | None:
    """The items of the kind's garment with no size on its chart whose measurements fit
    the body with the stated ease (the module docstring); None when nothing is asked."""
    ease = EASE.get(garment or "")
    measure = next((body[d] for d in ease.dimensions if d in body), None) if ease else None
    if ease is None or measure is None:
        return None
    low, high = (measure + ease.low) / ease.factor, (measure + ease.high) / ease.factor
    values = await values_in_range(session, ease.attribute, low, high, known)
    if values == [NOTHING]:
        return None
    chart = default_chart(kind)
    sized = tuple(
        f"size{TOKEN_SEPARATOR}{code}:{value}"
        for code in chart.systems()
        for value in size_system(code).values
    )
    measured = tuple(f"attr.{ease.attribute}{TOKEN_SEPARATOR}{v}" for v in values)
    return SizeGroup(categories=categories, excluded=sized, measured=measured)

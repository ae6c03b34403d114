"""What fits a shopper: their sizes per garment kind and body dimensions (a `FitProfile`),
turned into the size groups a listing filters on (`index.selection.SizeGroup`).

A profile's size of a kind stands for its primary range on the kind's default chart (the
shopper's "I wear UK 10"); on a chart (the default or an item brand's own) the sizes that fit
are those equivalent to that range by the overlap rule (`sizing.conversion`). Body dimensions
fit by the fit rule (the primary range contains the measure). A saved size wins over body
dimensions for its kind. Each group pairs the sizes that fit on one chart with the items that
chart speaks for: a brand's chart for that brand's items of the kind's garment, the default
for the rest.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from garderobe.catalog.fit import charts
from garderobe.catalog.index.selection import SizeGroup
from garderobe.catalog.index.tokens import TOKEN_SEPARATOR
from garderobe.catalog.taxonomy import service as taxonomy
from garderobe.errors import InvalidInput
from garderobe.sizing.charts import SizeChart, default_chart, garment_kinds
from garderobe.sizing.conversion import fitting_sizes, sizes_overlapping


@dataclass(frozen=True)
class FitProfile:
    """Sizes as (garment kind, system, canonical value) and body dimensions as (name,
    measure), sorted: equal profiles are equal objects (and share a cached page)."""

    sizes: tuple[tuple[str, str, str], ...] = ()
    body: tuple[tuple[str, float], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.sizes or self.body)

    def kinds(self) -> list[str]:
        """The garment kinds this profile says something about."""
        body = dict(self.body)
        return [
            kind
            for kind in garment_kinds()
            if any(k == kind for k, _, _ in self.sizes) or default_chart(kind).primary in body
        ]


def profile(sizes: Iterable[tuple[str, str, str]], body: Mapping[str, float]) -> FitProfile:
    return FitProfile(tuple(sorted(set(sizes))), tuple(sorted(body.items())))


def fitting_values(chart: SizeChart, wanted: FitProfile) -> list[tuple[str, str]]:
    """The (system, value) sizes of `chart` that fit the profile (for the chart's kind)."""
    default = default_chart(chart.kind)
    own = [(s, v) for k, s, v in wanted.sizes if k == chart.kind]
    body = dict(wanted.body)
    if own and (chart.primary == default.primary or chart.primary not in body):
        found: list[tuple[str, str]] = []
        for system, value in own:
            row = default.row(system, value)
            if row is None:
                continue
            if chart.primary != default.primary:  # no common measure: the sizes themselves
                found.append((system, value))
            else:
                found += sizes_overlapping(chart, row.ranges[default.primary])
        return list(dict.fromkeys(found))
    if chart.primary not in body:
        return []
    return fitting_sizes(chart, body)


def _tokens(facet: str, values: Iterable[str]) -> tuple[str, ...]:
    return tuple(f"{facet}{TOKEN_SEPARATOR}{v}" for v in values)


async def size_groups(session: AsyncSession, wanted: FitProfile) -> tuple[SizeGroup, ...]:
    """The groups of items (per garment kind: each brand chart's, then the default's) with
    the sizes that fit `wanted` on their chart. No group: nothing fits."""
    leaves = await taxonomy.leaves_by_garment()
    groups: list[SizeGroup] = []
    for kind in wanted.kinds():
        garment = garment_of(kind)
        categories = () if garment is None else _tokens("category", leaves.get(garment, ()))
        if garment is not None and not categories:
            continue
        own = await charts.brand_charts(session, kind)
        for chart in [*map(charts.completed_chart, own), default_chart(kind)]:
            sizes = frozenset(f"{s}:{v}" for s, v in fitting_values(chart, wanted))
            if not sizes:
                continue
            brands = () if chart.brand is None else _tokens("brand", [chart.brand])
            others = (
                () if chart.brand is not None else _tokens("brand", [c.brand or "" for c in own])
            )
            groups.append(SizeGroup(categories, brands, others, sizes))
    return tuple(groups)


def garment_of(kind: str) -> str | None:
    """The taxonomy's `garment:` a kind's chart is for ("womens_tops" -> "tops"); None for
    children's sizes, which are by height whatever the garment."""
    if kind == "kids":
        return None
    return kind.rsplit("_", 1)[-1]


class NoSavedSizes(InvalidInput):
    slug = "no-saved-sizes"
    title = "No saved sizes"

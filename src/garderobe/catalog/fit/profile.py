"""What fits a shopper: their sizes per garment kind and body dimensions (a `FitProfile`),
turned into the size groups a listing filters on (`index.selection.SizeGroup`).

A profile's size of a kind stands for its primary range on the kind's default chart (the
shopper's "I wear UK 10"); on a chart (the default or an item brand's own) the sizes that fit
are those sharing at least a quarter of the narrower range with it (`sizes_like`). Body dimensions
fit sizes whose ranges come within MEASURE_TOLERANCE of each measure (the shopper's tape is
not exact). A saved size wins over body dimensions for its kind. Each group pairs the sizes
that fit on one chart with the items that chart speaks for: a brand's chart for that brand's
items of the kind's garment, the default for the rest.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from garderobe.catalog.fit import charts, measures
from garderobe.catalog.index.selection import SizeGroup
from garderobe.catalog.index.tokens import TOKEN_SEPARATOR
from garderobe.catalog.taxonomy import service as taxonomy
from garderobe.errors import InvalidInput
from garderobe.sizing.charts import (
    DIMENSION_UNITS,
    ChartRow,
    DimensionRange,
    SizeChart,
    default_chart,
    garment_kinds,
)

# Self-measured bodies are off by a centimetre or so (a few millimetres on a foot): a measure
# within this of a size's range counts as fitting it, so a body near the edge between two
# sizes is shown both, and a size two steps off (4 cm or more away) never.
MEASURE_TOLERANCE: Mapping[str, float] = {"cm": 1.5, "mm": 2.5}
SAVED_SHARE = 0.25


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
                found += sizes_like(chart, row)
        return list(dict.fromkeys(found))
    if chart.primary not in body:
        return []
    return measured_fit(chart, body)


def sizes_like(chart: SizeChart, saved: ChartRow) -> list[tuple[str, str]]:
    """The sizes of `chart` that may fit someone who wears `saved` (a default chart's row):
    every dimension both rows state shares at least SAVED_SHARE of the narrower range. Looser
    than the filter's overlap rule (half): a saved size does not say where in its range the
    body is, and a shopper would rather see a size too many than miss theirs."""

    def close(a: DimensionRange, b: DimensionRange) -> bool:
        return a.overlap(b) >= SAVED_SHARE * min(a.width, b.width) - 1e-9

    return [
        (row.system, row.value)
        for code in chart.systems()
        for row in chart.rows_of(code)
        if all(close(r, row.ranges[d]) for d, r in saved.ranges.items() if d in row.ranges)
    ]


def measured_fit(chart: SizeChart, body: Mapping[str, float]) -> list[tuple[str, str]]:
    """The sizes whose ranges hold each measure give or take MEASURE_TOLERANCE (at most half
    the size's width): every dimension the row states and the body gives (the primary
    always)."""

    def near(dimension: str, low: float, high: float) -> bool:
        measure = body[dimension]
        slack = min(MEASURE_TOLERANCE[DIMENSION_UNITS[dimension]], (high - low) / 2)
        return low < measure + slack and measure - slack < high

    return [
        (row.system, row.value)
        for code in chart.systems()
        for row in chart.rows_of(code)
        if all(near(d, r.low, r.high) for d, r in row.ranges.items() if d in body)
    ]


def measure_of(kind: str, wanted: FitProfile) -> float | None:
    """The shopper's primary measure for a kind: their body's, else the middle of their saved
    size's range on the kind's default chart."""
    default = default_chart(kind)
    for k, system, value in wanted.sizes:
        row = default.row(system, value) if k == kind else None
        if row is not None:
            found = row.ranges[default.primary]
            return (found.low + found.high) / 2
    return dict(wanted.body).get(default.primary)


def _measures(kind: str, wanted: FitProfile) -> dict[str, float]:
    """The body measures of the profile, and for the kind's primary dimension the middle of
    its saved size when it gives no measure of its own."""
    body = dict(wanted.body)
    primary = default_chart(kind).primary
    if primary not in body and (measure := measure_of(kind, wanted)) is not None:
        body[primary] = measure
    return body


def _tokens(facet: str, values: Iterable[str]) -> tuple[str, ...]:
    return tuple(f"{facet}{TOKEN_SEPARATOR}{v}" for v in values)


async def size_groups(
    session: AsyncSession,
    wanted: FitProfile,
    leaves: Mapping[str, Sequence[str]] | None = None,
    known: measures.KnownValues | None = None,
) -> tuple[SizeGroup, ...]:
    """The groups of items (per garment kind: each brand chart's, then the default's) with
    the sizes that fit `wanted` on their chart. No group: nothing fits. `leaves`: the leaf
    categories per garment when the caller holds them (else read); `known`: where the
    measured attributes' values are known (else read, `measures.values_in_range`)."""
    if leaves is None:
        leaves = await taxonomy.leaves_by_garment()
    brand_charts: dict[str, list[SizeChart]] = {}
    for found in await charts.brand_charts(session):  # one statement for every kind
        brand_charts.setdefault(found.kind, []).append(found)
    groups: list[SizeGroup] = []
    for kind in wanted.kinds():
        garment = garment_of(kind)
        categories = () if garment is None else _tokens("category", leaves.get(garment, ()))
        if garment is not None and not categories:
            continue
        body = _measures(kind, wanted)
        measured = await measures.measured_group(session, kind, garment, categories, body, known)
        if measured is not None and measured not in groups:
            groups.append(measured)
        own = brand_charts.get(kind, [])
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

"""The fit part of item detail: the verdicts and advice everyone sees (`summary_out`), and
for a signed-in shopper with saved sizes the size of the item to choose (`item_fit`).

The size to choose: the shopper's measure (their body's primary dimension, or the middle of
their saved size's range on the default chart) is moved by the advice's `shift` (how many
sizes off buyers found it: +1 when all say it runs small) times the width of a size, and the
item's size whose range on its chart (its brand's for the kind, else the default) holds the
moved measure is the one to choose; the nearest of the item's sizes when none holds it. No
advice (too few verdicts), no suggestion.

**Between two sizes.** One size cannot be right as often as shoppers need: a measure is
known to about a centimetre, and a saved size does not say where in its range the body is.
So the body lies, as far as we know, within `edge_margin` of the measure: for a body measure
the measuring tolerance `fits=me` allows (`profile.MEASURE_TOLERANCE`: 1.5 cm, 2.5 mm); for a
saved size, whose body is anywhere in its range on the default chart, half that range less a
twentieth of it (`SAVED_EDGE_SHARE`). When the moved measure lies nearer than the margin to an
edge of the chosen size, and the item has the size one step beyond that edge, that size is
named too (`suggested_sizes`, the chosen one first): only the nearer edge's, so never more
than two sizes, and always one step from the first. A measure in the middle of a size (a
saved M on a chart that agrees with the default) stays one size.
"""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from garderobe.accounts import saved_sizes
from garderobe.catalog.documents import Item
from garderobe.catalog.fit import charts, feedback
from garderobe.catalog.fit.profile import (
    MEASURE_TOLERANCE,
    FitProfile,
    garment_of,
    measure_of,
    profile,
)
from garderobe.catalog.fit.schemas import FitAdviceOut, FitSummaryOut, ItemFitOut, SavedSizeOut
from garderobe.sizing.charts import DIMENSION_UNITS, SizeChart, default_chart, garment_kinds
from garderobe.sizing.conversion import steps_between
from garderobe.sizing.systems import size_system

# A saved size's body lies anywhere in its range; its neighbour is named once more than a
# twentieth of that range, moved by the advice, lies beyond the chosen size's edge: a thinner
# sliver is less than what one verdict of the twenty a brand's advice rests on moves the
# shift by.
SAVED_EDGE_SHARE = 0.45


def summary_out(summary: feedback.FitSummary) -> FitSummaryOut:
    counts, found = summary.counts, summary.advice
    advice = None
    if found is not None:
        advice = FitAdviceOut(
            verdict=found.verdict,
            text=found.text,
            steps=found.steps,
            based_on=found.based_on,
            verdicts=found.verdicts,
        )
    verdicts = {v: counts.of(v) for v in feedback.VERDICTS}
    return FitSummaryOut(verdicts=verdicts, count=counts.total, advice=advice)


def _item_sizes(item: Item) -> list[tuple[str, str]]:
    """The item's own sizes on systems some chart has, per system in scale order."""
    charted = {code for kind in garment_kinds() for code in default_chart(kind).systems()}
    sizes = {(v.size.system, v.size.value) for v in item.sellable_variants() if v.size}
    known = [(s, v) for s, v in sizes if s in charted]
    return sorted(known, key=lambda sv: (sv[0], size_system(sv[0]).rank(sv[1])))


def choose_size(
    chart: SizeChart, own: list[tuple[str, str]], measure: float, shift: float
) -> tuple[str, str] | None:
    """Of the item's `own` sizes on the chart, the one whose primary range holds `measure`
    moved by `shift` sizes (the width of the system's size that holds the measure), else
    the nearest."""
    best: tuple[float, tuple[str, str]] | None = None
    for system, value in own:
        row = chart.row(system, value)
        if row is None:
            continue
        moved = _moved(chart, system, measure, shift)
        found = row.ranges[chart.primary]
        distance = max(found.low - moved, moved - found.high, 0.0)
        if found.contains(moved):
            return system, value
        if best is None or distance < best[0]:
            best = (distance, (system, value))
    return None if best is None else best[1]


def choose_sizes(
    chart: SizeChart, own: list[tuple[str, str]], measure: float, shift: float, margin: float
) -> list[tuple[str, str]]:
    """The size to choose (`choose_size`) and, for a moved measure nearer than `margin`
    (`edge_margin`) to its edge, the item's size one step beyond that edge (the module
    docstring): at most two, the best first."""
    best = choose_size(chart, own, measure, shift)
    if best is None:
        return []
    moved = _moved(chart, best[0], measure, shift)
    neighbour = _neighbour(chart, own, best, moved, margin)
    return [best] if neighbour is None else [best, neighbour]


def edge_margin(kind: str, wanted: FitProfile) -> float:
    """How far the shopper's body may be from their measure (`measure_of`, which it
    follows): SAVED_EDGE_SHARE of their saved size's primary range on the default chart, else the
    measuring tolerance of the kind's primary dimension."""
    default = default_chart(kind)
    for k, system, value in wanted.sizes:
        row = default.row(system, value) if k == kind else None
        if row is not None:
            return SAVED_EDGE_SHARE * row.ranges[default.primary].width
    return MEASURE_TOLERANCE[DIMENSION_UNITS[default.primary]]


def _neighbour(
    chart: SizeChart, own: list[tuple[str, str]], best: tuple[str, str], moved: float, margin: float
) -> tuple[str, str] | None:
    system, value = best
    row = chart.row(system, value)
    found = row.ranges[chart.primary] if row is not None else None
    if found is None or not found.contains(moved):  # the nearest size: no edge to be near
        return None
    up = found.high - moved < moved - found.low
    # a saved size's middle is exactly half its width from its edges: not "near" them
    if min(found.high - moved, moved - found.low) >= margin - 1e-9:
        return None
    for other in own:
        beyond = chart.row(*other)
        if other[0] != system or beyond is None or steps_between(system, value, other[1]) != 1:
            continue
        edge = beyond.ranges[chart.primary]
        # beyond the edge the measure is near (a jeans length of the same waist is not)
        if (edge.low >= found.high) if up else (edge.high <= found.low):
            return other
    return None


def _moved(chart: SizeChart, system: str, measure: float, shift: float) -> float:
    return measure + shift * _width_at(chart, system, measure)


def _width_at(chart: SizeChart, system: str, measure: float) -> float:
    ranges = [r.ranges[chart.primary] for r in chart.rows_of(system)]
    holding = [r.width for r in ranges if r.contains(measure)]
    return holding[0] if holding else sorted(r.width for r in ranges)[len(ranges) // 2]


async def suggested_sizes(
    session: AsyncSession, item: Item, garment: str | None, wanted: FitProfile, shift: float
) -> list[tuple[str, str]]:
    """The (system, value) sizes of the item to choose, the best first (the module
    docstring); empty when none."""
    own = _item_sizes(item)
    for kind in wanted.kinds():
        measure = measure_of(kind, wanted)
        if garment_of(kind) not in (None, garment) or measure is None:
            continue
        chart = await charts.chart_for(session, kind, item.brand, completed=True)
        sizes = [sv for sv in own if sv[0] in chart.systems()]
        found = choose_sizes(chart, sizes, measure, shift, edge_margin(kind, wanted))
        if found:
            return found
    return []


async def item_fit(session: AsyncSession, item: Item, user_id: uuid.UUID | None) -> ItemFitOut:
    """The item's fit summary and, for a shopper with saved sizes, the size to choose (and
    the one beside it for a shopper between two sizes)."""
    summary = await feedback.fit_summary(session, item)
    out = summary_out(summary)
    found: list[SavedSizeOut] = []
    data = await saved_sizes.read(session, user_id) if user_id is not None else None
    if summary.advice is not None and data:
        sizes = [(k, s["system"], s["value"]) for k, s in data.get("sizes", {}).items()]
        wanted = profile(sizes, data.get("body", {}))
        garment = await feedback.item_garment(item)
        chosen = await suggested_sizes(session, item, garment, wanted, summary.advice.shift)
        found = [
            SavedSizeOut(system=s, value=v, label=size_system(s).label_of(v)) for s, v in chosen
        ]
    if out.advice is not None and len(found) == 2:
        out.advice.text += " " + _between_text(found[0], found[1])
    return ItemFitOut(
        **out.model_dump(),
        suggested_size=found[0] if found else None,
        suggested_sizes=found,
    )


def _between_text(best: SavedSizeOut, other: SavedSizeOut) -> str:
    up = size_system(best.system).rank(other.value) > size_system(best.system).rank(best.value)
    return feedback.between_text(best.label, other.label, up)

"""The fit part of item detail: the verdicts and advice everyone sees (`summary_out`), and
for a signed-in shopper with saved sizes the size of the item to choose (`item_fit`).

The size to choose: the shopper's measure (their body's primary dimension, or the middle of
their saved size's range on the default chart) is moved by the advice's `shift` (how many
sizes off buyers found it: +1 when all say it runs small) times the width of a size, and the
item's size whose range on its chart (its brand's for the kind, else the default) holds the
moved measure is the one to choose; the nearest of the item's sizes when none holds it. No
advice (too few verdicts), no suggestion.
"""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from garderobe.accounts import saved_sizes
from garderobe.catalog.documents import Item
from garderobe.catalog.fit import charts, feedback
from garderobe.catalog.fit.profile import FitProfile, garment_of, measure_of, profile
from garderobe.catalog.fit.schemas import FitAdviceOut, FitSummaryOut, ItemFitOut, SavedSizeOut
from garderobe.sizing.charts import SizeChart, default_chart, garment_kinds
from garderobe.sizing.systems import size_system


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
        moved = measure + shift * _width_at(chart, system, measure)
        found = row.ranges[chart.primary]
        distance = max(found.low - moved, moved - found.high, 0.0)
        if found.contains(moved):
            return system, value
        if best is None or distance < best[0]:
            best = (distance, (system, value))
    return None if best is None else best[1]


def _width_at(chart: SizeChart, system: str, measure: float) -> float:
    ranges = [r.ranges[chart.primary] for r in chart.rows_of(system)]
    holding = [r.width for r in ranges if r.contains(measure)]
    return holding[0] if holding else sorted(r.width for r in ranges)[len(ranges) // 2]


async def suggested_size(
    session: AsyncSession, item: Item, garment: str | None, wanted: FitProfile, shift: float
) -> tuple[str, str] | None:
    """The (system, value) of the item to choose (the module docstring), or None."""
    own = _item_sizes(item)
    for kind in wanted.kinds():
        measure = measure_of(kind, wanted)
        if garment_of(kind) not in (None, garment) or measure is None:
            continue
        chart = await charts.chart_for(session, kind, item.brand, completed=True)
        found = choose_size(chart, [sv for sv in own if sv[0] in chart.systems()], measure, shift)
        if found is not None:
            return found
    return None


async def item_fit(session: AsyncSession, item: Item, user_id: uuid.UUID | None) -> ItemFitOut:
    """The item's fit summary and, for a shopper with saved sizes, the size to choose."""
    summary = await feedback.fit_summary(session, item)
    suggestion = None
    data = await saved_sizes.read(session, user_id) if user_id is not None else None
    if summary.advice is not None and data:
        sizes = [(k, s["system"], s["value"]) for k, s in data.get("sizes", {}).items()]
        wanted = profile(sizes, data.get("body", {}))
        garment = await feedback.item_garment(item)
        found = await suggested_size(session, item, garment, wanted, summary.advice.shift)
        if found is not None:
            label = size_system(found[0]).label_of(found[1])
            suggestion = SavedSizeOut(system=found[0], value=found[1], label=label)
    return ItemFitOut(**summary_out(summary).model_dump(), suggested_size=suggestion)

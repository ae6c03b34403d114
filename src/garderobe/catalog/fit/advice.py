"""The fit part of item detail: the verdicts and advice everyone sees (`summary_out`), and
for a signed-in shopper with saved sizes the size of the item to choose (`item_fit`).

The size to choose: of the item's own sizes, the smallest that fits the shopper on the
item's chart (its brand's for the kind, else the default), moved by the advice's steps along
the sizes the item comes in (one up when it runs small, one down when it runs large, kept at
the ends). No advice (too few verdicts), no suggestion.
"""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from garderobe.accounts import saved_sizes
from garderobe.catalog.documents import Item
from garderobe.catalog.fit import charts, feedback
from garderobe.catalog.fit.profile import FitProfile, fitting_values, garment_of, profile
from garderobe.catalog.fit.schemas import FitAdviceOut, FitSummaryOut, ItemFitOut, SavedSizeOut
from garderobe.sizing.charts import default_chart, garment_kinds
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


async def suggested_size(
    session: AsyncSession, item: Item, garment: str | None, wanted: FitProfile, steps: int
) -> tuple[str, str] | None:
    """The (system, value) of the item to choose (the module docstring), or None."""
    own = _item_sizes(item)
    for kind in wanted.kinds():
        if garment_of(kind) not in (None, garment):
            continue
        chart = await charts.chart_for(session, kind, item.brand, completed=True)
        fits = set(fitting_values(chart, wanted))
        for system, value in own:
            if (system, value) in fits and system in chart.systems():
                line = [sv for sv in own if sv[0] == system]
                at = min(max(line.index((system, value)) + steps, 0), len(line) - 1)
                return line[at]
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
        found = await suggested_size(session, item, garment, wanted, summary.advice.steps)
        if found is not None:
            label = size_system(found[0]).label_of(found[1])
            suggestion = SavedSizeOut(system=found[0], value=found[1], label=label)
    return ItemFitOut(**summary_out(summary).model_dump(), suggested_size=suggestion)

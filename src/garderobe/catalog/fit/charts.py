"""Brand size charts: stored per (brand, garment kind) in PostgreSQL, checked with
`sizing.charts.chart_from_data`; a brand's chart overrides the default for its items."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from garderobe.catalog import cache
from garderobe.catalog.fit.models import BrandSizeChart
from garderobe.catalog.taxonomy import service as taxonomy
from garderobe.errors import NotFound
from garderobe.sizing.charts import (
    InvalidSizeChart,
    SizeChart,
    chart_from_data,
    default_chart,
)


class BrandChartNotFound(NotFound):
    slug = "brand-size-chart-not-found"
    title = "Brand size chart not found"


def checked_chart(brand: str, kind: str, data: Mapping[str, Any]) -> SizeChart:
    """The chart `data` describes for (brand, kind), or one InvalidSizeChart (422) naming
    every problem: those of the chart itself and a kind or brand other than the path's."""
    default_chart(kind)  # an unknown kind is its own 422, naming the known kinds
    problems: list[dict[str, str]] = []
    for key, wanted in (("kind", kind), ("brand", brand)):
        given = data.get(key, wanted)
        if given != wanted:
            problems.append({"field": key, "message": f"must be {wanted!r}, as in the path"})
    try:
        chart = chart_from_data({**data, "kind": kind, "brand": brand})
    except InvalidSizeChart as exc:
        raise InvalidSizeChart(problems + list(exc.extensions["errors"])) from None
    if problems:
        raise InvalidSizeChart(problems)
    return chart


async def put_brand_chart(
    session: AsyncSession, brand: str, kind: str, data: Mapping[str, Any]
) -> tuple[SizeChart, bool]:
    """Add or replace a brand's chart for a garment kind; (the chart, whether it is new).
    404 for an unknown brand, 422 for a chart that breaks a rule."""
    if await taxonomy.find_brand(brand) is None:
        raise taxonomy.BrandMissing(f"No brand {brand!r}.")
    chart = checked_chart(brand, kind, data)
    stored = chart_data(chart)
    row = await session.get(BrandSizeChart, (brand, kind))
    if row is None:
        session.add(BrandSizeChart(brand=brand, kind=kind, data=stored))
    else:
        row.data = stored
    await session.flush()
    cache.changed(session)  # listings filtered by fit read this chart
    return chart, row is None


async def delete_brand_chart(session: AsyncSession, brand: str, kind: str) -> None:
    """Remove a brand's chart for a kind (its items fall back to the default); 404 if none."""
    row = await session.get(BrandSizeChart, (brand, kind))
    if row is None:
        raise BrandChartNotFound(f"Brand {brand!r} has no {kind} size chart.")
    await session.delete(row)
    await session.flush()
    cache.changed(session)


async def brand_charts(session: AsyncSession, kind: str | None = None) -> list[SizeChart]:
    """Every brand chart (of one kind, when given), by brand then kind."""
    statement = select(BrandSizeChart).order_by(BrandSizeChart.brand, BrandSizeChart.kind)
    if kind is not None:
        statement = statement.where(BrandSizeChart.kind == kind)
    return [_read(row) for row in await session.scalars(statement)]


async def chart_for(
    session: AsyncSession, kind: str, brand: str | None, *, completed: bool = False
) -> SizeChart:
    """The chart that says what a size of `brand` fits for `kind`: the brand's own, else
    the default (UnknownGarmentKind for an unknown kind); `completed`: the brand's own with
    the default's rows of the systems it does not cover (`completed`)."""
    chart = default_chart(kind)
    if brand is None:
        return chart
    row = await session.get(BrandSizeChart, (brand, kind))
    if row is None:
        return chart
    return completed_chart(_read(row)) if completed else _read(row)


def completed_chart(own: SizeChart) -> SizeChart:
    """A brand's chart for the systems it covers, and the default's for the others (when
    both key on the same primary dimension): a brand that gives its letter sizes only still
    converts to UK sizes, and its items sized in EU fit as the default says."""
    default = default_chart(own.kind)
    if default.primary != own.primary:
        return own
    missing = [code for code in default.systems() if code not in own.systems()]
    rows = own.rows + tuple(row for row in default.rows if row.system in missing)
    return replace(own, rows=rows, declared_systems=(*own.systems(), *missing))


async def brand_chart_kinds(session: AsyncSession, brands: Sequence[str]) -> set[tuple[str, str]]:
    """(brand, kind) of the brands' charts."""
    rows = await session.execute(
        select(BrandSizeChart.brand, BrandSizeChart.kind).where(BrandSizeChart.brand.in_(brands))
    )
    return {(brand, kind) for brand, kind in rows}


def chart_data(chart: SizeChart) -> dict[str, Any]:
    """The chart as the data `chart_from_data` reads, holding nothing but what it checked
    (a request's unknown members never reach the table)."""
    source = chart.source
    return {
        "kind": chart.kind,
        "brand": chart.brand,
        "primary": chart.primary,
        "systems": list(chart.systems()),
        "unmapped": {
            system: {"values": list(values), "why": chart.unmapped_reasons.get(system, "")}
            for system, values in chart.unmapped.items()
        }
        or None,
        "rows": [
            {"system": row.system, "value": row.value}
            | {name: [r.low, r.high] for name, r in row.ranges.items()}
            for row in chart.rows
        ],
        "source": {
            "kind": source.kind,
            "title": source.title,
            "references": [vars(ref) for ref in source.references],
            "derivation": source.derivation,
            "notes": source.notes,
        },
    }


def _read(row: BrandSizeChart) -> SizeChart:
    # Written only after the same check; a chart that fails it now (a size system's values
    # changed since) is a bug to see, not a shopper's 422.
    return chart_from_data(row.data)

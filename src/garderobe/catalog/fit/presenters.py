"""Response bodies of sizes, charts and conversions, from the sizing library's values."""

from __future__ import annotations

from collections.abc import Mapping

from garderobe.catalog.fit.schemas import (
    BrandChartOut,
    ChartOut,
    ChartSizeOut,
    EquivalentOut,
    GarmentKindOut,
    KindSystemOut,
    RangeOut,
    ReferenceOut,
    SizesOut,
    SourceOut,
)
from garderobe.sizing.charts import (
    DIMENSION_UNITS,
    DimensionRange,
    SizeChart,
    default_chart,
    garment_kinds,
)
from garderobe.sizing.conversion import Equivalent, sizes_overlapping
from garderobe.sizing.systems import size_system


def ranges_out(ranges: Mapping[str, DimensionRange]) -> dict[str, RangeOut]:
    return {name: RangeOut(low=r.low, high=r.high, unit=r.unit) for name, r in ranges.items()}


def size_out(system: str, value: str, ranges: Mapping[str, DimensionRange]) -> ChartSizeOut:
    label = size_system(system).label_of(value)
    return ChartSizeOut(system=system, value=value, label=label, ranges=ranges_out(ranges))


def equivalent_out(found: Equivalent) -> EquivalentOut:
    base = size_out(found.system, found.value, found.ranges)
    return EquivalentOut(**base.model_dump(), match=found.match, overlap=found.overlap)


def sizes_out() -> SizesOut:
    kinds = []
    for kind in garment_kinds():
        chart = default_chart(kind)
        systems = [
            KindSystemOut(
                code=code,
                label=size_system(code).label,
                values=[row.value for row in chart.rows_of(code)],
            )
            for code in chart.systems()
        ]
        kinds.append(
            GarmentKindOut(
                kind=kind,
                primary=chart.primary,
                unit=DIMENSION_UNITS[chart.primary],
                systems=systems,
            )
        )
    return SizesOut(kinds=kinds)


def chart_out(chart: SizeChart) -> ChartOut:
    source = chart.source
    return ChartOut(
        kind=chart.kind,
        brand=chart.brand,
        primary=chart.primary,
        systems=list(chart.systems()),
        rows=[
            size_out(row.system, row.value, row.ranges)
            for code in chart.systems()
            for row in chart.rows_of(code)
        ],
        source=SourceOut(
            kind=source.kind,
            title=source.title,
            references=[ReferenceOut(**vars(ref)) for ref in source.references],
            derivation=source.derivation,
            notes=source.notes,
        ),
    )


def brand_chart_out(chart: SizeChart) -> BrandChartOut:
    return BrandChartOut(
        brand=chart.brand or "",
        kind=chart.kind,
        primary=chart.primary,
        systems=list(chart.systems()),
        rows=len(chart.rows),
    )


def label_in(target: str, system: str, value: str) -> str | None:
    """A size as a shopper reading `target` sizes sees it: the target's sizes equivalent to
    it (the overlap rule) on the first default chart that has both systems ("UK 8 / UK 10");
    None when no chart has both or none overlaps."""
    for kind in garment_kinds():
        chart = default_chart(kind)
        row = chart.row(system, value)
        if row is None or target not in chart.systems():
            continue
        found = sizes_overlapping(chart, row.ranges[chart.primary])
        labels = [size_system(target).label_of(v) for s, v in found if s == target]
        if labels:
            return " / ".join(labels)
    return None

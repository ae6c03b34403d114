"""Conversion between size systems and fit to a body, on one size chart.

Everything is decided on the chart's primary dimension (bust or chest girth, waist, height,
foot length), whose ranges are half-open [low, high):

- **Conversion** (`convert`): a target size is an equivalent when its primary range overlaps
  the source size's at all. It is `exact` when both ends coincide within EXACT_TOLERANCE
  (0.5 cm, or 0.5 mm for foot length), `approximate` otherwise; `overlap` is the share of the
  source's range the target covers. Never one number pretending to be exact.
- **The overlap rule** (`equivalent_sizes`, what a size filter matches): two sizes are
  equivalent when the length their primary ranges share is at least half the width of the
  narrower range. Ranges that only touch share nothing; a range inside another shares all of
  the narrower one.
- **The fit rule** (`fitting_sizes`): a size fits a body when its primary range contains the
  body's primary dimension (low <= x < high), and every secondary dimension the body gives
  and the row has contains the body's value too. A secondary the row does not state does
  not exclude it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from garderobe.errors import InvalidInput
from garderobe.sizing import parsing
from garderobe.sizing.chart_data import is_finite_number
from garderobe.sizing.charts import DIMENSION_UNITS, ChartRow, DimensionRange, SizeChart
from garderobe.sizing.systems import SizeSystem, size_system

# Half a millimetre for foot length: a half shoe size spans only 3.3 to 4.2 mm.
EXACT_TOLERANCE: Mapping[str, float] = {"cm": 0.5, "mm": 0.5}
MATCH_SHARE = 0.5


class SizeNotOnChart(InvalidInput):
    """A size (or a system) the chart does not cover: conversion cannot answer for it."""

    slug = "size-not-on-chart"
    title = "Size not on the size chart"

    def __init__(self, chart: SizeChart, system: str, value: str | None = None) -> None:
        what = system if value is None else f"{system} {value}"
        reason = chart.unmapped_reasons.get(system, "the chart has no row for it")
        if value is None:
            reason = f"the chart's systems are {', '.join(chart.systems())}"
        super().__init__(
            f"{what} is not on the {chart.kind} size chart: {reason}.",
            extensions={
                "garment_kind": chart.kind,
                "chart_systems": list(chart.systems()),
                "covered": {s: [r.value for r in chart.rows_of(s)] for s in chart.systems()},
            },
        )


class InvalidBodyDimensions(InvalidInput):
    slug = "invalid-body-dimensions"
    title = "Invalid body dimensions"


@dataclass(frozen=True)
class Equivalent:
    system: str
    value: str
    ranges: Mapping[str, DimensionRange]
    match: Literal["exact", "approximate"]
    overlap: float


def convert(chart: SizeChart, system: str, value: str, targets: Sequence[str]) -> list[Equivalent]:
    """The sizes of the `targets` systems whose primary range overlaps that of (system, value).

    Ordered by the targets as given, then by overlap (largest first), then by scale. Raises
    UnknownSize for a value that is not on its scale, SizeNotOnChart for a size or a target
    system the chart does not cover.
    """
    source = _charted_row(chart, system, value)
    for target in targets:
        if target not in chart.systems():
            raise SizeNotOnChart(chart, target)
    wanted = source.ranges[chart.primary]
    found: list[tuple[int, float, int, Equivalent]] = []
    for order, target in enumerate(targets):
        for rank, row in enumerate(chart.rows_of(target)):
            candidate = row.ranges[chart.primary]
            shared = wanted.overlap(candidate)
            if shared <= 0:
                continue
            share = round(shared / wanted.width, 3)
            match: Literal["exact", "approximate"] = (
                "exact" if _coincide(wanted, candidate) else "approximate"
            )
            found.append(
                (order, -share, rank, Equivalent(row.system, row.value, row.ranges, match, share))
            )
    return [entry[3] for entry in sorted(found, key=lambda entry: entry[:3])]


def equivalent_sizes(chart: SizeChart, system: str, value: str) -> list[tuple[str, str]]:
    """Every (system, value) of the chart that a size filter on (system, value) should match,
    by the overlap rule (the module docstring); the size itself included. In the chart's
    system order, then scale order."""
    wanted = _charted_row(chart, system, value).ranges[chart.primary]
    return [
        (row.system, row.value)
        for code in chart.systems()
        for row in chart.rows_of(code)
        if _equivalent(wanted, row.ranges[chart.primary])
    ]


def sizes_overlapping(chart: SizeChart, wanted: DimensionRange) -> list[tuple[str, str]]:
    """Every (system, value) of the chart whose primary range is equivalent to `wanted` (a
    range of the chart's primary dimension, e.g. a size's on another chart) by the overlap
    rule. In the chart's system order, then scale order."""
    return [
        (row.system, row.value)
        for code in chart.systems()
        for row in chart.rows_of(code)
        if _equivalent(wanted, row.ranges[chart.primary])
    ]


def fitting_sizes(chart: SizeChart, body: Mapping[str, float]) -> list[tuple[str, str]]:
    """The sizes of the chart that fit a body, by the fit rule (the module docstring).

    `body` maps dimension names (bust, chest, waist, hips, height, inseam in cm; foot_length
    in mm) to measures; the chart's primary dimension is required. In the chart's system
    order, then scale order.
    """
    measures = _checked_body(chart, body)
    primary = measures.pop(chart.primary)
    return [
        (row.system, row.value)
        for code in chart.systems()
        for row in chart.rows_of(code)
        if row.ranges[chart.primary].contains(primary) and _secondaries_fit(row, measures)
    ]


def steps_between(system: str, a: str, b: str) -> int:
    """How many steps apart two sizes of one system are (0 for the same size, never negative).

    On a one-dimensional scale, the distance in scale positions. On the jeans grid, waist
    steps plus inseam steps (W32 L32 -> W33 L34 is two); a waist alone has no inseam steps.
    """
    scale = size_system(system)
    first, second = scale.parse_or_raise(a), scale.parse_or_raise(b)
    if scale.parser != "jeans":
        return abs(scale.rank(first) - scale.rank(second))
    return _jeans_steps(scale, first, second)


def _jeans_steps(scale: SizeSystem, first: str, second: str) -> int:
    parsed = [parsing.parse_jeans(v.casefold()) for v in scale.values]
    waists = sorted({p[0] for p in parsed if p is not None})
    inseams = sorted({p[1] for p in parsed if p is not None and p[1] is not None})
    (waist_a, inseam_a), (waist_b, inseam_b) = (
        parsing.parse_jeans(v.casefold()) or (0, None) for v in (first, second)
    )
    steps = abs(waists.index(waist_a) - waists.index(waist_b))
    if inseam_a is not None and inseam_b is not None:
        steps += abs(inseams.index(inseam_a) - inseams.index(inseam_b))
    return steps


def _charted_row(chart: SizeChart, system: str, value: str) -> ChartRow:
    if system not in chart.systems():
        raise SizeNotOnChart(chart, system)
    canonical = size_system(system).parse_or_raise(value)
    row = chart.row(system, canonical)
    if row is None:
        raise SizeNotOnChart(chart, system, canonical)
    return row


def _coincide(a: DimensionRange, b: DimensionRange) -> bool:
    tolerance = EXACT_TOLERANCE[a.unit]
    return abs(a.low - b.low) <= tolerance and abs(a.high - b.high) <= tolerance


def _equivalent(a: DimensionRange, b: DimensionRange) -> bool:
    # A tiny slack keeps "exactly half" from failing on the rounding of decimal bounds.
    return a.overlap(b) >= MATCH_SHARE * min(a.width, b.width) - 1e-9


def _secondaries_fit(row: ChartRow, measures: Mapping[str, float]) -> bool:
    return all(
        row.ranges[dimension].contains(measure)
        for dimension, measure in measures.items()
        if dimension in row.ranges
    )


def _checked_body(chart: SizeChart, body: Mapping[str, float]) -> dict[str, float]:
    unknown = sorted(str(name) for name in body if name not in DIMENSION_UNITS)
    if unknown:
        raise InvalidBodyDimensions(
            f"Unknown body dimensions: {', '.join(unknown)}.",
            extensions={"known_dimensions": list(DIMENSION_UNITS)},
        )
    bad = sorted(name for name, measure in body.items() if not is_finite_number(measure))
    if bad:
        raise InvalidBodyDimensions(f"Body dimensions must be finite numbers: {', '.join(bad)}.")
    if chart.primary not in body:
        unit = DIMENSION_UNITS[chart.primary]
        raise InvalidBodyDimensions(
            f"The {chart.kind} chart needs the body's {chart.primary} (in {unit}).",
            extensions={"required": chart.primary, "unit": unit},
        )
    return {name: float(measure) for name, measure in body.items()}

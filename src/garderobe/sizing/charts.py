"""Size charts: for one garment kind, the body dimensions every size of every system stands for.

A chart row maps a size (system, value) to ranges of body dimensions: the chart's `primary`
dimension in every row (bust or chest girth for tops, height for children, foot length for
shoes) and secondary ones where the source gives them. Ranges are half-open, [low, high): a
body on a shared edge belongs to the larger size, as the sources' "nearest size" rule puts it.
Girths and heights are in cm, foot length in mm.

The default charts are data files (`data/charts/<kind>.yaml`), each with the source it was
taken or derived from, read once. Brand charts uploaded by admins go through the same
validation, `chart_from_data`, which names every problem in one 422.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any, Literal

import yaml

from garderobe.errors import InvalidInput
from garderobe.sizing.chart_data import ChartProblems, read_chart
from garderobe.sizing.systems import size_system

DIMENSION_UNITS: Mapping[str, str] = {
    "bust": "cm",
    "chest": "cm",
    "waist": "cm",
    "hips": "cm",
    "height": "cm",
    "inseam": "cm",
    "foot_length": "mm",
}
SourceKind = Literal["standard", "derived", "brand"]


class UnknownGarmentKind(InvalidInput):
    slug = "unknown-garment-kind"
    title = "Unknown garment kind"

    def __init__(self, kind: str) -> None:
        known = list(garment_kinds())
        super().__init__(
            f"{kind[:40]!r} is not a garment kind; known kinds: {', '.join(known)}.",
            extensions={"known_kinds": known},
        )


class InvalidSizeChart(InvalidInput):
    """A chart given as data that breaks a rule; `errors` lists every problem found."""

    slug = "invalid-size-chart"
    title = "Invalid size chart"

    def __init__(self, problems: Sequence[Mapping[str, str]]) -> None:
        fields = ", ".join(problem["field"] for problem in problems[:10])
        super().__init__(
            f"The size chart has {len(problems)} problem(s): {fields}.",
            extensions={"errors": [dict(problem) for problem in problems]},
        )


@dataclass(frozen=True)
class DimensionRange:
    """Body dimension values [low, high): low included, high excluded."""

    dimension: str
    low: float
    high: float
    unit: str

    @property
    def width(self) -> float:
        return self.high - self.low

    def contains(self, measure: float) -> bool:
        return self.low <= measure < self.high

    def overlap(self, other: DimensionRange) -> float:
        """The length both ranges share (0 when they only touch or are apart)."""
        return max(0.0, min(self.high, other.high) - max(self.low, other.low))


@dataclass(frozen=True)
class ChartRow:
    system: str
    value: str
    ranges: Mapping[str, DimensionRange]


@dataclass(frozen=True)
class SourceReference:
    """One thing read: what it is, where (None when there is no address to give), when, and
    what was taken from it."""

    title: str
    url: str | None
    read: str
    took: str


@dataclass(frozen=True)
class ChartSource:
    kind: SourceKind
    title: str
    references: tuple[SourceReference, ...]
    derivation: str | None = None
    notes: str | None = None


@dataclass(frozen=True)
class SizeChart:
    """The rows of one garment kind, for one brand or (brand None) the default."""

    kind: str
    brand: str | None
    primary: str
    rows: tuple[ChartRow, ...]
    source: ChartSource
    declared_systems: tuple[str, ...] = ()
    # Values of a declared system the source does not cover, with the reason, as the file says.
    unmapped: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    unmapped_reasons: Mapping[str, str] = field(default_factory=dict)
    # Rows are looked up on every conversion and filter: indexed once, at construction.
    _index: Mapping[tuple[str, str], ChartRow] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )
    _by_system: Mapping[str, tuple[ChartRow, ...]] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", {(r.system, r.value): r for r in self.rows})
        by_system = {
            code: tuple(
                sorted(
                    (r for r in self.rows if r.system == code),
                    key=lambda r: size_system(code).rank(r.value),
                )
            )
            for code in {r.system for r in self.rows}
        }
        object.__setattr__(self, "_by_system", by_system)

    def row(self, system: str, value: str) -> ChartRow | None:
        """The row of a canonical (system, value), or None when the chart does not cover it."""
        return self._index.get((system, value))

    def systems(self) -> Sequence[str]:
        """The size systems this kind uses, in the chart's order."""
        return self.declared_systems

    def rows_of(self, system: str) -> tuple[ChartRow, ...]:
        """The rows of one system, in scale order."""
        return self._by_system.get(system, ())

    def uncovered(self, system: str) -> tuple[str, ...]:
        """The values of a system of this chart that no row maps."""
        mapped = {row.value for row in self.rows if row.system == system}
        return tuple(v for v in size_system(system).values if v not in mapped)


def garment_kinds() -> Sequence[str]:
    """Every garment kind that has a default chart, alphabetically."""
    return tuple(_default_charts())


def default_chart(kind: str) -> SizeChart:
    """The default chart of a garment kind; UnknownGarmentKind (422) if there is none."""
    chart = _default_charts().get(kind)
    if chart is None:
        raise UnknownGarmentKind(kind)
    return chart


def chart_from_data(data: Mapping[str, Any]) -> SizeChart:
    """A chart from data (an admin's brand chart), validated; InvalidSizeChart (422) lists
    every problem: unknown kind, system, value or dimension, a range with low >= high, a row
    without the primary dimension, a duplicate row, a brand chart without a read source."""
    problems = ChartProblems()
    if isinstance(data, Mapping) and data.get("kind") not in garment_kinds():
        problems.add("kind", f"must be one of {', '.join(garment_kinds())}")
    chart = _chart_or_problems(data, problems)
    if problems or chart is None:
        raise InvalidSizeChart(problems.items)
    return chart


def _chart_or_problems(data: object, problems: ChartProblems) -> SizeChart | None:
    read = read_chart(data, problems, DIMENSION_UNITS)
    if read is None:
        return None
    rows = tuple(
        ChartRow(
            system=row.system,
            value=row.value,
            ranges={
                dim: DimensionRange(dim, low, high, DIMENSION_UNITS[dim])
                for dim, (low, high) in row.ranges.items()
            },
        )
        for row in read.rows
    )
    source = ChartSource(
        kind=read.source.kind,
        title=read.source.title,
        references=tuple(SourceReference(**ref) for ref in read.source.references),
        derivation=read.source.derivation,
        notes=read.source.notes,
    )
    return SizeChart(
        kind=read.kind,
        brand=read.brand,
        primary=read.primary,
        rows=rows,
        source=source,
        declared_systems=read.systems,
        unmapped={system: values for system, (values, _) in read.unmapped.items()},
        unmapped_reasons={system: why for system, (_, why) in read.unmapped.items()},
    )


@cache
def _default_charts() -> Mapping[str, SizeChart]:
    folder = resources.files("garderobe.sizing").joinpath("data", "charts")
    charts: dict[str, SizeChart] = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".yaml"):
            continue
        kind = entry.name.removesuffix(".yaml")
        problems = ChartProblems()
        chart = _chart_or_problems(yaml.safe_load(entry.read_text(encoding="utf-8")), problems)
        # A broken packaged chart is a bug in this repository, not a client's 422.
        if problems or chart is None or chart.kind != kind:
            raise ValueError(f"size chart {entry.name} is invalid: {problems.items}")
        charts[kind] = chart
    return charts

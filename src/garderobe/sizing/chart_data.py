"""Reading a size chart given as data (a packaged YAML file or an admin's upload) into checked
plain values, collecting every problem with the field it is in.

`charts.py` turns what this returns into a SizeChart; nothing here raises for bad data.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, cast

from garderobe.sizing.systems import SizeSystem, UnknownSizeSystem, size_system

MAX_ROWS = 2000
MAX_TEXT = 4000
MAX_PROBLEMS = 100
SOURCE_KINDS = ("standard", "derived", "brand")


@dataclass
class ChartProblems:
    """Problems found so far, each {"field": where, "message": what}; capped so that a huge
    bad upload does not make a huge error body."""

    items: list[dict[str, str]] = field(default_factory=list)

    def add(self, where: str, message: str) -> None:
        if len(self.items) < MAX_PROBLEMS:
            self.items.append({"field": where, "message": message})

    def __bool__(self) -> bool:
        return bool(self.items)


@dataclass(frozen=True)
class ReadRow:
    system: str
    value: str
    ranges: dict[str, tuple[float, float]]


@dataclass(frozen=True)
class ReadSource:
    kind: Literal["standard", "derived", "brand"]
    title: str
    references: list[dict[str, Any]]
    derivation: str | None
    notes: str | None


@dataclass(frozen=True)
class ReadChart:
    kind: str
    brand: str | None
    primary: str
    systems: tuple[str, ...]
    rows: list[ReadRow]
    source: ReadSource
    unmapped: dict[str, tuple[tuple[str, ...], str]]


def is_finite_number(value: object) -> bool:
    """True for an int or float that is a real number (not a bool, NaN or an infinity)."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def read_chart(data: object, problems: ChartProblems, units: Mapping[str, str]) -> ReadChart | None:
    """The chart's parts, or None when a problem was found (then `problems` says which)."""
    if not isinstance(data, Mapping):
        problems.add("", "a size chart is an object with kind, primary, rows and source")
        return None
    kind = _text(data, "kind", problems, limit=60)
    brand = _optional_text(data, "brand", problems, limit=100)
    primary = data.get("primary")
    if primary not in units:
        problems.add("primary", f"must be one of {', '.join(units)}")
    rows_data = data.get("rows")
    if not isinstance(rows_data, list) or not rows_data or len(rows_data) > MAX_ROWS:
        problems.add("rows", f"must be a list of 1 to {MAX_ROWS} rows")
        rows_data = []
    systems = _read_systems(data.get("systems"), rows_data, problems)
    rows = [
        _read_row(i, row, systems, str(primary), units, problems) for i, row in enumerate(rows_data)
    ]
    _check_duplicates(rows, problems)
    unmapped = _read_unmapped(data.get("unmapped"), systems, rows, problems)
    source = _read_source(data.get("source"), brand, problems)
    if problems or source is None:
        return None
    return ReadChart(
        kind=str(kind),
        brand=brand,
        primary=str(primary),
        systems=tuple(systems),
        rows=[row for row in rows if row is not None],
        source=source,
        unmapped=unmapped,
    )


def _text(data: Mapping[str, Any], key: str, problems: ChartProblems, limit: int) -> str | None:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip() or len(value) > limit:
        problems.add(key, f"must be text of 1 to {limit} characters")
        return None
    return value.strip()


def _optional_text(
    data: Mapping[str, Any], key: str, problems: ChartProblems, limit: int
) -> str | None:
    return None if data.get(key) is None else _text(data, key, problems, limit)


def _system_or_problem(code: object, where: str, problems: ChartProblems) -> SizeSystem | None:
    try:
        return size_system(str(code))
    except UnknownSizeSystem as exc:
        problems.add(where, exc.detail)
        return None


def _read_systems(declared: object, rows: Sequence[object], problems: ChartProblems) -> list[str]:
    """The declared systems, or (none declared) those of the rows in order of appearance."""
    if declared is None:
        codes = [row.get("system") for row in rows if isinstance(row, Mapping)]
        declared = list(dict.fromkeys(codes))
    if not isinstance(declared, list) or not declared:
        problems.add("systems", "must be a non-empty list of size system codes")
        return []
    found = []
    for index, code in enumerate(declared):
        system = _system_or_problem(code, f"systems[{index}]", problems)
        if system is not None and system.code not in found:
            found.append(system.code)
    return found


def _read_row(
    index: int,
    row: object,
    systems: Sequence[str],
    primary: str,
    units: Mapping[str, str],
    problems: ChartProblems,
) -> ReadRow | None:
    where = f"rows[{index}]"
    if not isinstance(row, Mapping):
        problems.add(where, "must be an object with system, value and dimension ranges")
        return None
    system = _system_or_problem(row.get("system"), f"{where}.system", problems)
    if system is None:
        return None
    if system.code not in systems:
        problems.add(f"{where}.system", f"{system.code} is not among the chart's systems")
    value = system.parse(str(row.get("value", "")))
    if value is None:
        problems.add(f"{where}.value", f"{row.get('value')!r} is not a size of {system.label}")
        return None
    ranges: dict[str, tuple[float, float]] = {}
    for dimension, bounds in row.items():
        if dimension in ("system", "value"):
            continue
        if dimension not in units:
            problems.add(f"{where}.{dimension}", f"unknown dimension; known: {', '.join(units)}")
            continue
        checked = _read_range(bounds, f"{where}.{dimension}", problems)
        if checked is not None:
            ranges[str(dimension)] = checked
    # A primary given with a bad range has its own problem already; this is for a missing one.
    if primary not in row and primary in units:
        problems.add(f"{where}.{primary}", "every row needs the primary dimension")
    return ReadRow(system=system.code, value=value, ranges=ranges)


def _read_range(bounds: object, where: str, problems: ChartProblems) -> tuple[float, float] | None:
    if not isinstance(bounds, list | tuple) or len(bounds) != 2:
        problems.add(where, "must be [low, high]")
        return None
    low, high = bounds
    if not (is_finite_number(low) and is_finite_number(high)):
        problems.add(where, "low and high must be finite numbers")
        return None
    if not 0 <= low < high:
        problems.add(where, f"needs 0 <= low < high (got {low}, {high})")
        return None
    return float(low), float(high)


def _check_duplicates(rows: Sequence[ReadRow | None], problems: ChartProblems) -> None:
    seen: set[tuple[str, str]] = set()
    for index, row in enumerate(rows):
        if row is None:
            continue
        key = (row.system, row.value)
        if key in seen:
            problems.add(f"rows[{index}]", f"{row.system} {row.value} has a row already")
        seen.add(key)


def _read_unmapped(
    data: object,
    systems: Sequence[str],
    rows: Sequence[ReadRow | None],
    problems: ChartProblems,
) -> dict[str, tuple[tuple[str, ...], str]]:
    """Values a source does not cover, per system, with the reason ({values: [...], why: ...})."""
    if data is None:
        return {}
    if not isinstance(data, Mapping):
        problems.add("unmapped", "must map a system to {values, why}")
        return {}
    mapped = {(row.system, row.value) for row in rows if row is not None}
    unmapped: dict[str, tuple[tuple[str, ...], str]] = {}
    for code, entry in data.items():
        where = f"unmapped.{code}"
        if code not in systems or not isinstance(entry, Mapping):
            problems.add(where, "must name a system of the chart and map it to {values, why}")
            continue
        system = size_system(str(code))
        values = tuple(system.parse(str(v)) or "" for v in entry.get("values") or ())
        if not values or "" in values or any((system.code, v) in mapped for v in values):
            problems.add(f"{where}.values", "must list values of the system that have no row")
        why = _text(entry, "why", problems, limit=MAX_TEXT) or ""
        unmapped[system.code] = (values, why)
    return unmapped


def _read_source(data: object, brand: str | None, problems: ChartProblems) -> ReadSource | None:
    if not isinstance(data, Mapping):
        problems.add("source", "every chart needs its source: {kind, title, references}")
        return None
    kind = data.get("kind")
    if kind not in SOURCE_KINDS or (brand is not None and kind != "brand"):
        allowed = "brand" if brand is not None else ", ".join(SOURCE_KINDS)
        problems.add("source.kind", f"must be {allowed}")
    title = _text(data, "title", problems, limit=300)
    references = data.get("references")
    if not isinstance(references, list) or not references:
        problems.add("source.references", "must list what was read: {title, url, read, took}")
        references = []
    checked = [_read_reference(i, ref, brand, problems) for i, ref in enumerate(references)]
    derivation = _optional_text(data, "derivation", problems, limit=MAX_TEXT)
    notes = _optional_text(data, "notes", problems, limit=MAX_TEXT)
    if kind not in SOURCE_KINDS or title is None or None in checked:
        return None
    return ReadSource(
        kind=cast(Literal["standard", "derived", "brand"], kind),
        title=title,
        references=[ref for ref in checked if ref is not None],
        derivation=derivation,
        notes=notes,
    )


def _read_reference(
    index: int, data: object, brand: str | None, problems: ChartProblems
) -> dict[str, Any] | None:
    where = f"source.references[{index}]"
    if not isinstance(data, Mapping):
        problems.add(where, "must be {title, url, read, took}")
        return None
    title = _text(data, "title", problems, limit=300)
    took = _text(data, "took", problems, limit=MAX_TEXT)
    url = data.get("url")
    # A brand's chart is only as good as the page it was read from: the address is required.
    if (url is not None or brand is not None) and not (
        isinstance(url, str) and url.startswith(("https://", "http://")) and len(url) <= 500
    ):
        problems.add(f"{where}.url", "must be the http(s) address of the page read")
    read = data.get("read")
    if isinstance(read, datetime.date):
        read = read.isoformat()
    try:
        datetime.date.fromisoformat(str(read))
    except ValueError:
        problems.add(f"{where}.read", "must be the date it was read, YYYY-MM-DD")
        return None
    if title is None or took is None:
        return None
    return {"title": title, "url": url, "read": str(read), "took": took}

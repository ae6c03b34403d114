"""Size systems: the ordered scales sizes are values of (letter, EU/UK/US numbers, jeans, shoes …).

The scales are data (`data/systems.yaml`), read once. A system parses free text to one of its
canonical values ("eu 38,5" -> "38.5", "2XL" -> "XXL", "32/34" -> "W32 L34") or to None, and
ranks a canonical value on its scale so sizes sort as shoppers expect (XS < S < M, 36 < 38).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from garderobe.errors import InvalidInput
from garderobe.sizing import parsing

PARSERS = ("letter", "numeric", "jeans", "one_size")


class UnknownSizeSystem(InvalidInput):
    slug = "unknown-size-system"
    title = "Unknown size system"

    def __init__(self, code: str) -> None:
        known = [system.code for system in all_systems()]
        super().__init__(
            f"{code[:40]!r} is not a size system; known systems: {', '.join(known)}.",
            extensions={"known_systems": known},
        )


class UnknownSize(InvalidInput):
    """A size that is no value of the allowed systems; the problem names their values."""

    slug = "unknown-size"
    title = "Unknown size"

    def __init__(self, text: str, systems: Sequence[SizeSystem]) -> None:
        labels = ", ".join(system.label for system in systems) or "no size system"
        super().__init__(
            f"{text[:40]!r} is not a size of {labels}.",
            extensions={
                "size": text[:40],
                "allowed": {system.code: list(system.values) for system in systems},
            },
        )


@dataclass(frozen=True, slots=True)
class SizeSystem:
    """One scale: a stable `code`, a `label` and its canonical `values` in scale order."""

    code: str
    label: str
    values: tuple[str, ...]
    parser: str = "numeric"
    prefixes: tuple[str, ...] = ()
    suffixes: tuple[str, ...] = ()
    # (look-up key, canonical value) pairs; a tuple keeps the dataclass hashable.
    aliases: tuple[tuple[str, str], ...] = ()
    # How a value is shown on its own, where the bare number would be ambiguous ("EU 38").
    display: str = "{value}"

    def label_of(self, value: str) -> str:
        """A value as shoppers read it: "M", "EU 38", "UK 10", "116 cm", "W32 L34"."""
        return self.display.format(value=value)

    def parse(self, text: str) -> str | None:
        """The canonical value `text` names on this scale, or None; never raises.

        Tolerant of case, spacing, a system prefix ("EU 38", "UK 10"), a unit ("26.5 cm") and
        halves ("38,5", "38½", "38 1/2"). Text between two sizes ("M/L") names none.
        """
        normalized = parsing.normalize(text)
        if normalized is None:
            return None
        if self.parser in ("letter", "one_size"):
            return _alias_table(self).get(parsing.alias_key(_strip_generic(normalized)))
        if self.parser == "jeans":
            parsed = parsing.parse_jeans(normalized)
            value = None if parsed is None else parsing.jeans_value(*parsed)
            return value if value in self.values else None
        return self._parse_number(normalized)

    def _parse_number(self, normalized: str) -> str | None:
        bare = parsing.strip_prefix(_strip_generic(normalized), self.prefixes)
        bare = parsing.strip_suffix(bare, self.suffixes)
        number = parsing.parse_number(bare)
        if number is None:
            return None
        value = parsing.format_number(number)
        return value if value in self.values else None

    def rank(self, value: str) -> int:
        """The position of a canonical value on the scale (0 for the smallest).

        Raises ValueError for anything that is not one of `values` as spelt there.
        """
        try:
            return self.values.index(value)
        except ValueError:
            raise ValueError(f"{value!r} is not a value of {self.code}") from None

    def parse_or_raise(self, text: str) -> str:
        """The canonical value, or UnknownSize (422) naming this scale's values."""
        value = self.parse(text)
        if value is None:
            raise UnknownSize(text, [self])
        return value


def _strip_generic(normalized: str) -> str:
    for prefix in parsing.GENERIC_PREFIXES:
        if normalized.startswith(prefix + " "):
            return normalized[len(prefix) + 1 :]
    return normalized


@cache
def _alias_table(system: SizeSystem) -> Mapping[str, str]:
    table = {parsing.alias_key(value.casefold()): value for value in system.values}
    table.update(dict(system.aliases))
    return table


def size_system(code: str) -> SizeSystem:
    """The system with this code; UnknownSizeSystem (422, naming the known codes) if none."""
    system = _systems().get(code)
    if system is None:
        raise UnknownSizeSystem(code)
    return system


def all_systems() -> Sequence[SizeSystem]:
    """Every size system, in the order of the data file."""
    return tuple(_systems().values())


def parse_size(text: str, systems: Sequence[str]) -> tuple[str, str] | None:
    """(system code, canonical value) of the first system in `systems` where `text` parses.

    The order is the caller's preference: "38" is a women's EU size before it is a shoe size.
    Unknown codes raise UnknownSizeSystem; text no system reads gives None.
    """
    for code in systems:
        value = size_system(code).parse(text)
        if value is not None:
            return code, value
    return None


@cache
def _systems() -> Mapping[str, SizeSystem]:
    source = resources.files("garderobe.sizing").joinpath("data", "systems.yaml")
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    systems = [_system_from_data(entry) for entry in data["systems"]]
    by_code = {system.code: system for system in systems}
    if len(by_code) != len(systems):
        raise ValueError("systems.yaml: duplicate system codes")
    return by_code


def _system_from_data(entry: Mapping[str, Any]) -> SizeSystem:
    parser = entry.get("parser", "numeric")
    if parser not in PARSERS:
        raise ValueError(f"systems.yaml: {entry['code']}: unknown parser {parser!r}")
    values = _values_from_data(entry)
    if len(set(values)) != len(values):
        raise ValueError(f"systems.yaml: {entry['code']}: duplicate values")
    aliases = tuple(
        (parsing.alias_key(str(alias).casefold()), canonical)
        for canonical, names in (entry.get("aliases") or {}).items()
        for alias in names
    )
    return SizeSystem(
        code=entry["code"],
        label=entry["label"],
        values=values,
        parser=parser,
        prefixes=tuple(str(p).casefold() for p in entry.get("prefixes", ())),
        suffixes=tuple(str(s).casefold() for s in entry.get("suffixes", ())),
        aliases=aliases,
        display=str(entry.get("display", "{value}")),
    )


def _values_from_data(entry: Mapping[str, Any]) -> tuple[str, ...]:
    if "values" in entry:
        return tuple(str(value) for value in entry["values"])
    if "range" in entry:
        return tuple(parsing.format_number(n) for n in _steps(entry["range"]))
    grid = entry["jeans"]
    inseams = [int(n) for n in _steps(grid["inseams"])]
    # Waist first, then inseam: the waist alone sorts before its lengths.
    return tuple(
        parsing.jeans_value(int(waist), inseam)
        for waist in _steps(grid["waists"])
        for inseam in [None, *inseams]
    )


def _steps(spec: Mapping[str, float]) -> list[float]:
    start, stop, step = float(spec["start"]), float(spec["stop"]), float(spec["step"])
    count = round((stop - start) / step) + 1
    return [start + index * step for index in range(count)]

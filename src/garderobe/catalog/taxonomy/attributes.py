"""Validation of an item's attributes and common fields against its category's schema.

Values may be given as the stored slug or as the label, in any case ("Button down",
"button-down"); they are stored as slugs. Every problem is collected, so one 422 names them all.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from garderobe.api.fields import BSON_INT_MAX
from garderobe.catalog.taxonomy.documents import AttributeDefinition, AttributeType, Choice
from garderobe.errors import InvalidInput

MAX_TEXT_LENGTH = 200


@dataclass(frozen=True)
class AttributeProblem:
    attribute: str
    message: str
    allowed: list[str] | None = None


class InvalidAttributes(InvalidInput):
    slug = "invalid-attributes"
    title = "Invalid item attributes"

    def __init__(self, problems: Sequence[AttributeProblem]) -> None:
        names = ", ".join(p.attribute for p in problems)
        super().__init__(
            f"Invalid attributes for this category: {names}.",
            extensions={"errors": [asdict(p) for p in problems]},
        )


def match_choice(value: Any, choices: Sequence[Choice]) -> str | None:
    if not isinstance(value, str):
        return None
    wanted = value.strip().casefold()
    for choice in choices:
        if wanted in (choice.value, choice.label.casefold()):
            return choice.value
    return None


def _check_number(definition: AttributeDefinition, value: Any) -> str | None:
    # JSON bodies may carry NaN/Infinity (Python's parser accepts them); they are no measure.
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "must be a number" + (f" (in {definition.unit})" if definition.unit else "")
    # BSON holds 64-bit integers (a larger one makes the driver raise); huge ints also
    # overflow math.isfinite, so the bound is checked first.
    if abs(value) > BSON_INT_MAX or not math.isfinite(value):
        return f"must be a finite number between {-BSON_INT_MAX} and {BSON_INT_MAX}"
    if definition.min is not None and value < definition.min:
        return f"must be at least {definition.min:g}"
    if definition.max is not None and value > definition.max:
        return f"must be at most {definition.max:g}"
    return None


def _canonical(definition: AttributeDefinition, value: Any) -> tuple[Any, AttributeProblem | None]:
    name, kind = definition.name, definition.type
    allowed = [c.value for c in definition.choices]
    if kind is AttributeType.ENUM:
        slug = match_choice(value, definition.choices)
        if slug is None:
            return None, AttributeProblem(name, f"{value!r} is not an allowed value", allowed)
        return slug, None
    if kind is AttributeType.MULTI_ENUM:
        if not isinstance(value, list) or not value:
            return None, AttributeProblem(name, "must be a non-empty list of values", allowed)
        slugs = [match_choice(v, definition.choices) for v in value]
        if None in slugs:
            bad = [v for v, s in zip(value, slugs, strict=True) if s is None]
            return None, AttributeProblem(name, f"{bad!r} are not allowed values", allowed)
        return sorted(set(slugs), key=slugs.index), None
    if kind is AttributeType.BOOLEAN:
        if not isinstance(value, bool):
            return None, AttributeProblem(name, "must be true or false")
        return value, None
    if kind is AttributeType.NUMBER:
        message = _check_number(definition, value)
        return (None, AttributeProblem(name, message)) if message else (value, None)
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_TEXT_LENGTH:
        return None, AttributeProblem(name, f"must be text of 1 to {MAX_TEXT_LENGTH} characters")
    return value.strip(), None


def validate_attributes(
    definitions: Sequence[AttributeDefinition], values: Mapping[str, Any]
) -> dict[str, Any]:
    """The attributes in stored form; raises InvalidAttributes listing every problem."""
    by_name = {d.name: d for d in definitions}
    problems: list[AttributeProblem] = []
    clean: dict[str, Any] = {}
    for name, value in values.items():
        definition = by_name.get(name)
        if definition is None:
            problems.append(
                AttributeProblem(name, "is not an attribute of this category", sorted(by_name))
            )
            continue
        canonical, problem = _canonical(definition, value)
        if problem:
            problems.append(problem)
        else:
            clean[name] = canonical
    for definition in definitions:
        if definition.required and definition.name not in values:
            problems.append(
                AttributeProblem(
                    definition.name, "is required", [c.value for c in definition.choices] or None
                )
            )
    if problems:
        raise InvalidAttributes(problems)
    return clean


def validate_fields(
    vocabularies: Mapping[str, list[Choice]], fields: Mapping[str, Any]
) -> dict[str, Any]:
    """Condition, colours and pattern checked against their vocabularies (as slugs)."""
    problems: list[AttributeProblem] = []
    clean: dict[str, Any] = {}
    for name, value in fields.items():
        choices = vocabularies.get(name)
        if value is None or choices is None:
            clean[name] = value
            continue
        values = value if isinstance(value, list) else [value]
        slugs = [match_choice(v, choices) for v in values]
        if None in slugs:
            problems.append(
                AttributeProblem(name, f"{value!r} is not allowed", [c.value for c in choices])
            )
            continue
        clean[name] = slugs if isinstance(value, list) else slugs[0]
    if problems:
        raise InvalidAttributes(problems)
    return clean

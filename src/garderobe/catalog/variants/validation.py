"""Variants made from what admins send, and the checks of their fields: the size on the
category's size systems, the colour in the colours vocabulary, the GTIN's check digit, the
SKU's form, and that an item's variants are distinct. Every problem is a 422 (or 409) that
says what is allowed."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from beanie import PydanticObjectId

from garderobe.catalog.documents import OTHER_SIZE, Item, Variant, VariantSize, legacy_sku
from garderobe.catalog.taxonomy.attributes import match_choice
from garderobe.catalog.taxonomy.documents import Choice
from garderobe.catalog.variants.schemas import VariantIn
from garderobe.errors import Conflict, InvalidInput
from garderobe.sizing.systems import (
    UnknownSize,
    UnknownSizeSystem,
    all_systems,
    parse_size,
    size_system,
)
from garderobe.stock.service import NewStock

SKU = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$")
GTIN_LENGTHS = (8, 12, 13, 14)


@dataclass(frozen=True)
class VariantRules:
    """What a category allows its items' variants: its size systems (inherited down the
    tree), in the order a size given as text is read on, and the colours vocabulary."""

    size_systems: tuple[str, ...]
    colours: tuple[Choice, ...]


class InvalidVariant(InvalidInput):
    slug = "invalid-variant"
    title = "Invalid variant"


class DuplicateVariant(Conflict):
    slug = "duplicate-variant"
    title = "The item has this variant already"


def gtin_check_digit(body: str) -> int:
    """The GS1 mod-10 check digit of the digits before it (weights 3, 1, 3 … from the right)."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10


def checked_gtin(gtin: str | None) -> str | None:
    """A GTIN-8, -12 (UPC-A), -13 (EAN) or -14 whose check digit is right, or InvalidVariant."""
    if gtin is None:
        return None
    digits = gtin.strip()
    if not digits.isascii() or not digits.isdigit() or len(digits) not in GTIN_LENGTHS:
        raise InvalidVariant(
            "A GTIN has 8, 12, 13 or 14 digits.", extensions={"field": "gtin", "gtin": gtin[:20]}
        )
    if gtin_check_digit(digits[:-1]) != int(digits[-1]):
        raise InvalidVariant(
            f"The GTIN's check digit is wrong (expected {gtin_check_digit(digits[:-1])}).",
            extensions={"field": "gtin", "gtin": digits},
        )
    return digits


def checked_sku(sku: str) -> str:
    if not SKU.match(sku):
        raise InvalidVariant(
            "A SKU is 1 to 64 letters, digits and . _ / - (starting with a letter or digit).",
            extensions={"field": "sku"},
        )
    return sku


def typed_size(text: str | None, system: str | None, allowed: Sequence[str]) -> VariantSize | None:
    """The size `text` names: on `system` when given (which must be one of `allowed`, the
    category's systems), else on the first of `allowed` it parses on. UnknownSize (422)
    names the allowed values otherwise."""
    if text is None:
        return None
    if system == OTHER_SIZE:  # deliberate: a size no scale names, kept as its label
        label = " ".join(text.split())
        if not label or len(label) > 40 or "|" in label or not label.isprintable():
            raise InvalidVariant(
                "An `other` size is a label of 1 to 40 printable characters, without `|`.",
                extensions={"field": "size"},
            )
        return VariantSize(system=OTHER_SIZE, value=label)
    if system is not None:
        if system not in allowed:
            known = {scale.code for scale in all_systems()}
            raise UnknownSizeSystem(system) if system not in known else _not_allowed(system)
        scale = size_system(system)
        value = scale.parse(text)
        if value is None:
            raise UnknownSize(text, [scale])
        return VariantSize(system=system, value=value)
    parsed = parse_size(text, allowed)
    if parsed is None:
        raise UnknownSize(text, [size_system(code) for code in allowed])
    return VariantSize(system=parsed[0], value=parsed[1])


def _not_allowed(system: str) -> InvalidVariant:
    return InvalidVariant(
        f"This category's items are not sized in {system!r}.", extensions={"field": "size_system"}
    )


def checked_colour(
    colour: str | None, colours: Sequence[Choice], problem: type[InvalidInput] = InvalidVariant
) -> str | None:
    """The colour's slug (given as slug or label, any case), or `problem` (422) naming them
    (an image's colour is checked here too, as a plain invalid input)."""
    if colour is None:
        return None
    slug = match_choice(colour, colours)
    if slug is None:
        raise problem(
            f"{colour[:40]!r} is not a colour of the vocabulary.",
            extensions={"field": "colour", "allowed": [c.value for c in colours]},
        )
    return slug


def check_variants(variants: Sequence[Variant], rules: VariantRules) -> None:
    """Variants already typed (a stored item's, under a new category perhaps): their sizes
    on the category's systems, their colours in the vocabulary, no two alike."""
    for variant in variants:
        size = variant.size
        if size is not None and size.system not in (OTHER_SIZE, *rules.size_systems):
            raise _not_allowed(size.system)
        checked_colour(variant.colour, rules.colours)  # raises for a colour gone from it
    check_distinct(variants)


def check_distinct(variants: Sequence[Variant]) -> None:
    """No two variants of an item with the same size and colour, nor the same SKU."""
    seen: set[tuple[str | None, str | None]] = set()
    skus: set[str] = set()
    for variant in variants:
        key = (variant.size.token if variant.size else None, variant.colour)
        if key in seen:
            raise DuplicateVariant(
                "Two variants of the item have the same size and colour.",
                extensions={"size": key[0], "colour": key[1]},
            )
        if variant.sku in skus:
            raise DuplicateVariant("Two variants of the item have the same SKU.")
        seen.add(key)
        skus.add(variant.sku)


def new_variant(item_id: str, spec: VariantIn, rules: VariantRules, position: int) -> Variant:
    """A variant made from what an admin sent, checked against the category's rules."""
    variant_id = str(PydanticObjectId())
    return Variant(
        id=variant_id,
        sku=checked_sku(spec.sku) if spec.sku else legacy_sku(variant_id),
        size=typed_size(spec.size, spec.size_system, rules.size_systems),
        colour=checked_colour(spec.colour, rules.colours),
        price=spec.price,
        gtin=checked_gtin(spec.gtin),
        position=position,
    )


def first_variants(
    item_id: str,
    specs: Sequence[VariantIn] | None,
    shorthand: tuple[str | None, int],
    rules: VariantRules,
) -> tuple[list[Variant], list[NewStock]]:
    """A new item's variants and their stock rows: the given ones, or one made of the
    item's `size` and `stock` (a one-off resale item, or a client older than variants)."""
    if not specs:
        size, units = shorthand
        specs = [VariantIn(size=size, stock=units)]
    variants = [new_variant(item_id, spec, rules, n) for n, spec in enumerate(specs)]
    check_distinct(variants)
    rows = [
        NewStock(v.id, item_id, v.sku, spec.stock) for v, spec in zip(variants, specs, strict=True)
    ]
    return variants, rows


def shorthand_size(item: Item, text: str | None, rules: VariantRules) -> list[Variant]:
    """The item's variants with `size` (an item update's shorthand) as its one variant's
    size; refused for an item of several variants, whose sizes are each variant's."""
    variants = item.sellable_variants()
    if len(variants) > 1:
        raise InvalidVariant(
            f"The item has {len(variants)} variants: change a variant's size instead "
            f"(PATCH /api/v1/items/{item.id}/variants/{{variant_id}}).",
            extensions={"field": "size"},
        )
    size = typed_size(text, None, rules.size_systems) if text is not None else None
    return [variants[0].model_copy(update={"size": size})]

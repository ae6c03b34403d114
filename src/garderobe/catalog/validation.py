"""An item's fields checked before a write: against its category's attribute schema (inherited
down the tree), the vocabularies of the common fields, its brand, and its variants against
the category's size systems and the colours."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from garderobe.catalog.documents import Variant
from garderobe.catalog.taxonomy.attributes import validate_attributes, validate_fields
from garderobe.catalog.taxonomy.service import (
    ITEM_FIELDS,
    ancestors,
    find_brand,
    get_category,
    has_children,
    merge_attributes,
    merge_size_systems,
)
from garderobe.catalog.taxonomy.service import vocabularies as load_vocabularies
from garderobe.catalog.variants.presenters import size_label
from garderobe.catalog.variants.validation import VariantRules, check_variants
from garderobe.errors import InvalidInput


class BrandNotFound(InvalidInput):
    slug = "unknown-brand"
    title = "Unknown brand"


class CategoryNotALeaf(InvalidInput):
    slug = "category-not-a-leaf"
    title = "Items belong in a leaf category"


@dataclass(frozen=True)
class Checked:
    data: dict[str, Any]  # the stored form of the fields
    names: list[str]  # the category names on the path, department first
    brand_name: str | None
    rules: VariantRules


async def variant_rules(category: str) -> VariantRules:
    """What the category allows its items' variants (its size systems, the colours)."""
    chain = await ancestors(await get_category(category))
    colours = (await load_vocabularies()).get("colours", [])
    return VariantRules(tuple(merge_size_systems(chain)), tuple(colours))


async def validated(data: dict[str, Any]) -> Checked:
    """Fields checked against the category's effective schema and the vocabularies, and the
    variants (when `data` has them) against its size systems and the colours."""
    category = await get_category(data["category"])
    if await has_children(category.slug):
        raise CategoryNotALeaf(f"{category.slug!r} has subcategories; pick one of them.")
    chain = await ancestors(category)
    attributes = validate_attributes(merge_attributes(chain), data.get("attributes") or {})
    vocabularies = await load_vocabularies()
    fields = validate_fields(vocabularies, {f: data.get(f) for f in ITEM_FIELDS if f in data})
    rules = VariantRules(tuple(merge_size_systems(chain)), tuple(vocabularies.get("colours", [])))
    if data.get("variants"):
        check_variants([Variant.model_validate(v) for v in data["variants"]], rules)
    brand_name = None
    if data.get("brand"):
        brand = await find_brand(data["brand"])
        if brand is None:
            raise BrandNotFound(f"No brand {data['brand']!r}; create it first.")
        brand_name = brand.name
    clean = {**data, **fields, "attributes": attributes, "category_path": category.path}
    return Checked(clean, [c.name for c in chain], brand_name, rules)


def single_size(variants: Sequence[Variant]) -> str | None:
    """An item's `size` as clients older than variants read it: its one variant's size."""
    if len(variants) != 1 or variants[0].size is None:
        return None
    return size_label(variants[0].size)

"""Sample items: realistic, validated items generated in bulk (`garderobe seed --items N`,
the first-start sample shop, the benchmarks)."""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from beanie import PydanticObjectId

from garderobe.catalog import cache
from garderobe.catalog.documents import Item, ItemStatus, Money
from garderobe.catalog.index import writer
from garderobe.catalog.taxonomy.documents import (
    AttributeDefinition,
    AttributeType,
    Brand,
    Category,
    Vocabulary,
)
from garderobe.catalog.taxonomy.service import merge_attributes
from garderobe.stock import service as stock_service

SIZES = {
    "clothes": ["XS", "S", "M", "L", "XL", "XXL"],
    "shoes": [str(n) for n in range(36, 47)],
    "other": ["One size"],
}
MATERIALS = [
    "cotton",
    "wool",
    "denim",
    "linen",
    "polyester",
    "viscose",
    "leather",
    "silk",
    "cashmere",
    "suede",
    "nylon",
    "canvas",
]
ADJECTIVES = [
    "Classic",
    "Vintage",
    "Everyday",
    "Essential",
    "Relaxed",
    "Premium",
    "Summer",
    "Winter",
    "Organic",
    "Soft",
    "Heritage",
    "Urban",
]


@dataclass
class Leaf:
    category: Category
    names: list[str]
    attributes: list[AttributeDefinition]


async def leaves() -> list[Leaf]:
    """Every category without children, with its path names and effective schema."""
    everything = {c.slug: c for c in await Category.find_all().to_list()}
    parents = {c.parent for c in everything.values()}
    found = []
    for category in everything.values():
        if category.slug in parents:
            continue
        chain = [everything[s] for s in category.path if s in everything]
        found.append(Leaf(category, [c.name for c in chain], merge_attributes(chain)))
    return sorted(found, key=lambda leaf: leaf.category.slug)


def _attribute_value(rng: random.Random, definition: AttributeDefinition) -> Any:
    if definition.type is AttributeType.ENUM:
        return rng.choice(definition.choices).value
    if definition.type is AttributeType.MULTI_ENUM:
        picks = rng.sample(definition.choices, k=min(2, len(definition.choices)))
        return [c.value for c in picks]
    if definition.type is AttributeType.BOOLEAN:
        return rng.random() < 0.5
    if definition.type is AttributeType.NUMBER:
        low, high = definition.min or 0, definition.max or 100
        return round(rng.uniform(low, high))
    return "hand finished"


class ItemFactory:
    """Deterministic (seeded) random items that pass the catalog's validation."""

    def __init__(
        self,
        leaves: Sequence[Leaf],
        brands: Sequence[Brand],
        vocabularies: dict[str, Vocabulary],
        seed: int = 42,
    ) -> None:
        self.rng = random.Random(seed)  # noqa: S311 - sample data, not secrets
        self.leaves, self.brands, self.vocabularies = leaves, brands, vocabularies
        # Plain copies of what every item reads: attribute access on the loaded documents
        # costs more than building the item (a profile of `garderobe seed` said so).
        self._choices = {f: [c.value for c in v.choices] for f, v in vocabularies.items()}
        self._brands = [(b.slug, b.name) for b in brands]
        self._leaves = [
            (leaf, leaf.category.slug, list(leaf.category.path), leaf.category.name)
            for leaf in leaves
        ]

    def _choice(self, field: str) -> str:
        return self.rng.choice(self._choices[field])

    def item(self) -> tuple[Item, list[str], str]:
        rng = self.rng
        leaf, slug, path, name = rng.choice(self._leaves)
        brand_slug, brand_name = rng.choice(self._brands)
        attributes = {
            d.name: _attribute_value(rng, d)
            for d in leaf.attributes
            if d.required or rng.random() < 0.8
        }
        colours = sorted({self._choice("colours") for _ in range(rng.choice([1, 1, 2]))})
        colour_label = colours[0].replace("-", " ")
        title = f"{brand_name} {rng.choice(ADJECTIVES)} {colour_label} {name.rstrip('s')}"
        description = (
            f"{name} by {brand_name} in {colour_label}. "
            f"{rng.choice(ADJECTIVES)} cut, {rng.choice(MATERIALS)} blend."
        )
        department = path[0]
        item = Item(
            id=PydanticObjectId(),
            title=title,
            description=description,
            category=slug,
            category_path=list(path),
            brand=brand_slug,
            size=rng.choice(SIZES.get(department, SIZES["other"])),
            condition=self._choice("condition"),
            material=rng.choice(MATERIALS),
            colours=colours,
            pattern=self._choice("pattern"),
            price=Money(amount=int(rng.lognormvariate(8.2, 0.8)) // 10 * 10 + 90),
            attributes=attributes,
            status=ItemStatus.ACTIVE,
        )
        return item, leaf.names, brand_name

    def batches(self, count: int, size: int) -> Iterator[list[tuple[Item, list[str], str]]]:
        while count > 0:
            batch = min(size, count)
            yield [self.item() for _ in range(batch)]
            count -= batch


async def insert_batch(session: Any, batch: Sequence[tuple[Item, list[str], str]]) -> None:
    """Index rows and stock rows (in the caller's transaction), then one insert_many."""
    await writer.index_items_bulk(session, batch)
    cache.changed(session)
    await stock_service.create_for_items(session, [(str(item.id), 1) for item, _, _ in batch])
    await session.flush()
    documents = [item.model_dump(by_alias=True, mode="python") for item, _, _ in batch]
    await Item.get_pymongo_collection().insert_many(documents, ordered=False)

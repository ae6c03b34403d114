"""Sample items: realistic, validated items generated in bulk (`garderobe seed --items N`,
the first-start sample shop, the benchmarks)."""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from beanie import PydanticObjectId

from garderobe.catalog import cache
from garderobe.catalog.documents import Item, ItemStatus, Money, Variant, VariantSize, legacy_sku
from garderobe.catalog.index import writer
from garderobe.catalog.taxonomy.documents import (
    AttributeDefinition,
    AttributeType,
    Brand,
    Category,
    Vocabulary,
)
from garderobe.catalog.taxonomy.service import merge_attributes
from garderobe.catalog.variants.presenters import size_label
from garderobe.stock import service as stock_service
from garderobe.stock.service import NewStock

LETTERS = ("letter", ["XS", "S", "M", "L", "XL", "XXL", "3XL"])
WOMEN = ("eu_women", [str(n) for n in range(34, 48, 2)])
MEN = ("eu_men", [str(n) for n in range(44, 58, 2)])
JEANS = ("jeans", [f"W{w} L{i}" for w in range(26, 39, 2) for i in (30, 32, 34)])
SHOES = ("shoe_eu", [str(n) for n in range(36, 47)] + ["38.5", "42.5"])
KIDS = ("kids_height", [str(n) for n in range(92, 158, 6)])
ONE_SIZE = ("one_size", ["One size"])
# The scale each leaf's items come in (clothes otherwise in letter sizes).
SCALES = {
    **dict.fromkeys(
        ["casual-dresses", "formal-dresses", "maxi-dresses", "mini-dresses", "skirts", "blouses"],
        WOMEN,
    ),
    **dict.fromkeys(["trousers", "blazers"], MEN),
    "jeans": JEANS,
}
DEPARTMENT_SCALES = {"shoes": SHOES, "other": ONE_SIZE}
# A share of the sample catalogue: one-off resale pieces (one variant, one unit), children's
# clothes, items whose biggest sizes cost more.
ONE_OFF, KIDS_SHARE, DEARER_BIG_SIZES = 0.2, 0.08, 0.08
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


@dataclass(frozen=True)
class Sample:
    """A generated item, the names its index row needs, and its variants' units on hand."""

    item: Item
    names: list[str]
    brand_name: str
    units: list[int]


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

    def item(self) -> Sample:
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
        price = Money(amount=int(rng.lognormvariate(8.2, 0.8)) // 10 * 10 + 90)
        variants, units = self._variants(path, slug, colours, price)
        item = Item(
            id=PydanticObjectId(),
            title=title,
            description=description,
            category=slug,
            category_path=list(path),
            brand=brand_slug,
            size=size_label(variants[0].size) if len(variants) == 1 and variants[0].size else None,
            condition=self._choice("condition"),
            material=rng.choice(MATERIALS),
            colours=colours,
            pattern=self._choice("pattern"),
            price=price,
            attributes=attributes,
            variants=variants,
            status=ItemStatus.ACTIVE,
        )
        return Sample(item, leaf.names, brand_name, units)

    def _scale(self, path: list[str], slug: str) -> tuple[str, list[str]]:
        department = path[0]
        if department in DEPARTMENT_SCALES:
            return DEPARTMENT_SCALES[department]
        if self.rng.random() < KIDS_SHARE:
            return KIDS
        return SCALES.get(slug, LETTERS)

    def _variants(
        self, path: list[str], slug: str, colours: list[str], price: Money
    ) -> tuple[list[Variant], list[int]]:
        """One size and colour for a one-off; else a run of sizes of the leaf's scale, in
        the item's colours (one: the item's own; more: each variant's), some sold out, the
        biggest dearer now and then."""
        rng = self.rng
        system, values = self._scale(path, slug)
        if rng.random() < ONE_OFF or system == "one_size":
            size = VariantSize(system=system, value=rng.choice(values))
            return [_variant(size, None, None, 0)], [
                1 if system != "one_size" else rng.randint(1, 9)
            ]
        length = min(rng.randint(2, 6), len(values))
        start = rng.randrange(len(values) - length + 1)
        run = values[start : start + length]
        dearer = rng.random() < DEARER_BIG_SIZES
        shades: list[str | None] = list(colours) if len(colours) > 1 else [None]
        variants: list[Variant] = []
        units: list[int] = []
        for colour in shades:
            for n, value in enumerate(run):
                own = (
                    Money(amount=price.amount * 11 // 10) if dearer and n == len(run) - 1 else None
                )
                variants.append(
                    _variant(VariantSize(system=system, value=value), colour, own, len(variants))
                )
                units.append(0 if rng.random() < 0.1 else rng.randint(1, 12))
        return variants, units

    def batches(self, count: int, size: int) -> Iterator[list[Sample]]:
        while count > 0:
            batch = min(size, count)
            yield [self.item() for _ in range(batch)]
            count -= batch


def _variant(size: VariantSize, colour: str | None, price: Money | None, position: int) -> Variant:
    variant_id = str(PydanticObjectId())
    return Variant(
        id=variant_id,
        sku=legacy_sku(variant_id),
        size=size,
        colour=colour,
        price=price,
        position=position,
    )


async def insert_batch(session: Any, batch: Sequence[Sample]) -> None:
    """Stock rows and index rows (in the caller's transaction: the index reads the stock),
    then one insert_many."""
    rows = [
        NewStock(variant.id, str(sample.item.id), variant.sku, count)
        for sample in batch
        for variant, count in zip(sample.item.variants, sample.units, strict=True)
    ]
    await stock_service.create_for_variants(session, rows)
    await writer.index_items_bulk(session, [(s.item, s.names, s.brand_name) for s in batch])
    cache.changed(session)
    await session.flush()
    documents = [sample.item.model_dump(by_alias=True, mode="python") for sample in batch]
    await Item.get_pymongo_collection().insert_many(documents, ordered=False)

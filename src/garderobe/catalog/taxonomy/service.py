"""The taxonomy: lookups (a category, its ancestors, its effective attribute schema, the
vocabularies, the tree) and admins' changes to categories, their attributes and values, and
brands. Attributes are inherited down the tree; a descendant may redefine one by name."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from beanie.operators import In

from garderobe.catalog.documents import Item
from garderobe.catalog.taxonomy.documents import (
    AttributeDefinition,
    AttributeType,
    Brand,
    Category,
    Choice,
    Vocabulary,
    slugify,
)
from garderobe.catalog.taxonomy.schemas import AttributeIn, CategoryIn
from garderobe.errors import Conflict, InvalidInput, NotFound
from garderobe.sizing.systems import size_system

ITEM_FIELDS = ("condition", "colours", "pattern")
T = TypeVar("T")
# A bulk writer (an import's batch) checks hundreds of items against the same few categories:
# inside `reads_reused()` the lookups below are read once and reused, instead of five
# MongoDB round trips per item. The taxonomy changes rarely; a batch sees it as it began.
_READS: ContextVar[dict[tuple[str, ...], Any] | None] = ContextVar("taxonomy_reads", default=None)


@contextmanager
def reads_reused() -> Iterator[None]:
    """Within the block, each taxonomy lookup reads MongoDB once (see _READS)."""
    token = _READS.set({})
    try:
        yield
    finally:
        _READS.reset(token)


async def _read(key: tuple[str, ...], load: Callable[[], Awaitable[T]]) -> T:
    reads = _READS.get()
    if reads is None:
        return await load()
    if key not in reads:
        reads[key] = await load()
    found: T = reads[key]
    return found


class CategoryNotFound(NotFound):
    slug = "category-not-found"
    title = "Category not found"


async def get_category(slug: str) -> Category:
    category = await _read(("category", slug), lambda: Category.find_one(Category.slug == slug))
    if category is None:
        raise CategoryNotFound(f"No category {slug!r}.")
    return category


async def has_children(slug: str) -> bool:
    """Whether the category has subcategories (items belong in leaves only)."""
    child = await _read(("child", slug), lambda: Category.find_one(Category.parent == slug))
    return child is not None


async def find_brand(slug: str) -> Brand | None:
    return await _read(("brand", slug), lambda: Brand.find_one(Brand.slug == slug))


async def ancestors(category: Category) -> list[Category]:
    """The categories on the path from the department down to `category`, in that order."""
    path = category.path
    chain = await _read(("path", *path), Category.find(In(Category.slug, path)).to_list)
    found = {c.slug: c for c in chain}
    return [found[slug] for slug in path if slug in found]


def merge_attributes(chain: Sequence[Category]) -> list[AttributeDefinition]:
    """Inherit downwards: a descendant's definition replaces an ancestor's of the same name."""
    merged: dict[str, AttributeDefinition] = {}
    for category in chain:
        for definition in category.attributes:
            merged[definition.name] = definition
    return list(merged.values())


def merge_size_systems(chain: Sequence[Category]) -> list[str]:
    """Inherit downwards: the nearest category on the path that names size systems."""
    for category in reversed(chain):
        if category.size_systems:
            return list(category.size_systems)
    return []


def merge_garment(chain: Sequence[Category]) -> str | None:
    """Inherit downwards: the nearest category on the path that says what it is worn as."""
    return next((c.garment for c in reversed(chain) if c.garment), None)


async def leaves_by_garment() -> dict[str, list[str]]:
    """The slugs of the leaf categories (where items are) per effective garment."""
    return garment_leaves(await Category.find_all().to_list())


def garment_leaves(categories: Sequence[Category]) -> dict[str, list[str]]:
    """`leaves_by_garment` of these categories (the whole tree)."""
    by_slug = {c.slug: c for c in categories}
    parents = {c.parent for c in categories if c.parent}
    found: dict[str, list[str]] = {}
    for category in categories:
        if category.slug in parents:
            continue
        chain = [by_slug[slug] for slug in category.path if slug in by_slug]
        garment = merge_garment(chain)
        if garment is not None:
            found.setdefault(garment, []).append(category.slug)
    return {garment: sorted(slugs) for garment, slugs in found.items()}


async def effective_attributes(category: Category) -> list[AttributeDefinition]:
    return merge_attributes(await ancestors(category))


FACETABLE = (AttributeType.ENUM, AttributeType.MULTI_ENUM, AttributeType.BOOLEAN)


async def facetable_attributes(slug: str) -> dict[str, str]:
    """The category's attributes that listings count facets for (name -> type);
    CategoryNotFound if there is no such category."""
    definitions = await effective_attributes(await get_category(slug))
    return {d.name: d.type.value for d in definitions if d.type in FACETABLE}


async def vocabularies() -> dict[str, list[Choice]]:
    return await _read(("vocabularies",), _load_vocabularies)


async def _load_vocabularies() -> dict[str, list[Choice]]:
    return {v.field: v.choices async for v in Vocabulary.find_all()}


def tree(categories: Sequence[Category]) -> list[dict[str, Any]]:
    """Nested {slug, name, children} from a flat list, ordered by position."""
    children: dict[str | None, list[Category]] = {}
    for category in sorted(categories, key=lambda c: c.position):
        children.setdefault(category.parent, []).append(category)

    def build(parent: str | None) -> list[dict[str, Any]]:
        return [
            {"slug": c.slug, "name": c.name, "children": build(c.slug)}
            for c in children.get(parent, [])
        ]

    return build(None)


async def category_names(slugs: Sequence[str]) -> dict[str, str]:
    """Display names of the categories among `slugs` (unknown slugs are left out)."""
    found = await Category.find(In(Category.slug, list(slugs))).to_list()
    return {c.slug: c.name for c in found}


async def brand_names(slugs: Sequence[str]) -> dict[str, str]:
    """Display names of the brands among `slugs` (unknown slugs are left out)."""
    found = await Brand.find(In(Brand.slug, list(slugs))).to_list()
    return {b.slug: b.name for b in found}


class CategoryInUse(Conflict):
    slug = "category-in-use"
    title = "Category in use"


class AttributeNotFound(NotFound):
    slug = "attribute-not-found"
    title = "Attribute not found"


class ValueInUse(Conflict):
    slug = "attribute-value-in-use"
    title = "Attribute value in use"


class BrandMissing(NotFound):
    slug = "brand-not-found"
    title = "Brand not found"


async def create_category(body: CategoryIn) -> Category:
    slug = body.slug or slugify(body.name)
    if await Category.find_one(Category.slug == slug):
        raise Conflict(f"A category {slug!r} exists already.")
    parent = await get_category(body.parent) if body.parent else None
    category = Category(
        slug=slug,
        name=body.name,
        parent=parent.slug if parent else None,
        path=[*(parent.path if parent else []), slug],
        position=body.position,
    )
    await category.insert()
    return category


async def update_category(slug: str, changes: dict[str, Any]) -> Category:
    category = await get_category(slug)
    await category.set(changes)
    return category


async def delete_category(slug: str) -> None:
    """Refused (409) while the category has children or items anywhere below it."""
    category = await get_category(slug)
    if await Category.find_one(Category.parent == slug):
        raise CategoryInUse(f"{slug!r} has subcategories; delete or move them first.")
    items = await Item.find({"category_path": slug}).count()
    if items:
        raise CategoryInUse(f"{items} items are in {slug!r}.", extensions={"items": items})
    await category.delete()


async def add_attribute(slug: str, body: AttributeIn) -> Category:
    category = await get_category(slug)
    if any(a.name == body.name for a in category.attributes):
        raise Conflict(f"{slug!r} already has an attribute {body.name!r}.")
    enum_like = body.type in (AttributeType.ENUM, AttributeType.MULTI_ENUM)
    if enum_like and not body.values:
        raise InvalidInput("An enum attribute needs at least one value.")
    definition = AttributeDefinition(
        **body.model_dump(exclude={"values"}),
        choices=[Choice(value=slugify(v), label=v) for v in body.values],
    )
    category.attributes.append(definition)
    await category.save()
    return category


def _definition(category: Category, name: str) -> AttributeDefinition:
    for definition in category.attributes:
        if definition.name == name:
            return definition
    raise AttributeNotFound(f"{category.slug!r} defines no attribute {name!r} itself.")


async def add_value(slug: str, name: str, label: str) -> Category:
    category = await get_category(slug)
    definition = _definition(category, name)
    if definition.type not in (AttributeType.ENUM, AttributeType.MULTI_ENUM):
        raise InvalidInput(f"{name!r} is a {definition.type} attribute and has no values.")
    value = slugify(label)
    if not value:
        raise InvalidInput("A value needs at least one letter or digit.")
    if any(c.value == value for c in definition.choices):
        raise Conflict(f"{name!r} already allows {value!r}.")
    definition.choices.append(Choice(value=value, label=label))
    await category.save()
    return category


async def remove_value(slug: str, name: str, value: str, *, force: bool) -> Category:
    """Refused (409, with the count) while items below the category use it, unless forced."""
    category = await get_category(slug)
    definition = _definition(category, name)
    if not any(c.value == value for c in definition.choices):
        raise AttributeNotFound(f"{name!r} has no value {value!r}.")
    in_use = await Item.find({"category_path": slug, f"attributes.{name}": value}).count()
    if in_use and not force:
        raise ValueInUse(
            f"{in_use} items use {name}={value}; pass force=true to remove it anyway.",
            extensions={"items": in_use},
        )
    definition.choices = [c for c in definition.choices if c.value != value]
    await category.save()
    return category


async def set_size_systems(slug: str, systems: list[str]) -> Category:
    """The size systems the category's items are sized in (empty: its parent's). Items
    sized in a system it drops keep their sizes; their next write is refused until the
    system is allowed again or the variant is resized."""
    category = await get_category(slug)
    codes = list(dict.fromkeys(size_system(code).code for code in systems))
    await category.set({"size_systems": codes})
    return category


async def list_brands() -> list[Brand]:
    return await Brand.find_all().sort("+name").to_list()


async def create_brand(name: str, slug: str | None) -> Brand:
    slug = slug or slugify(name)
    if await Brand.find_one(Brand.slug == slug):
        raise Conflict(f"A brand {slug!r} exists already.")
    brand = Brand(slug=slug, name=name)
    await brand.insert()
    return brand


async def rename_brand(slug: str, name: str) -> Brand:
    brand = await Brand.find_one(Brand.slug == slug)
    if brand is None:
        raise BrandMissing(f"No brand {slug!r}.")
    await brand.set({"name": name})
    return brand


async def children_of(slugs: list[str]) -> list[Category]:
    return await Category.find(In(Category.parent, slugs)).sort("+position").to_list()

"""Admin changes to the taxonomy: categories, their attributes and values, brands."""

from __future__ import annotations

from typing import Any

from beanie.operators import In

from garderobe.catalog.documents import (
    AttributeDefinition,
    AttributeType,
    Brand,
    Category,
    Choice,
    Item,
    slugify,
)
from garderobe.catalog.schemas import AttributeIn, CategoryIn
from garderobe.catalog.taxonomy import get_category
from garderobe.errors import Conflict, InvalidInput, NotFound


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

"""The category tree and its attribute schemas: loading from data, inheritance, lookups."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from beanie.operators import In

from garderobe.catalog.documents import (
    AttributeDefinition,
    Brand,
    Category,
    Choice,
    Vocabulary,
    slugify,
)
from garderobe.errors import NotFound

ITEM_FIELDS = ("condition", "colours", "pattern")


class CategoryNotFound(NotFound):
    slug = "category-not-found"
    title = "Category not found"


@dataclass
class Taxonomy:
    categories: list[Category]
    brands: list[Brand]
    vocabularies: list[Vocabulary]


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


def _choices(labels: Iterable[Any]) -> list[Choice]:
    return [Choice(value=slugify(str(label)), label=str(label)) for label in labels]


def _definition(raw: dict[str, Any], shared: dict[str, Any]) -> AttributeDefinition:
    spec = {**shared[raw["use"]], **raw} if "use" in raw else dict(raw)
    spec.pop("use", None)
    values = spec.pop("values", [])
    return AttributeDefinition(**spec, choices=_choices(values))


def _walk(
    nodes: Sequence[dict[str, Any]],
    parent: Category | None,
    shared: dict[str, Any],
    out: list[Category],
) -> None:
    for position, node in enumerate(nodes):
        slug = node.get("slug") or slugify(node["name"])
        category = Category(
            slug=slug,
            name=node["name"],
            parent=parent.slug if parent else None,
            path=[*(parent.path if parent else []), slug],
            position=position,
            attributes=[_definition(a, shared) for a in node.get("attributes", [])],
        )
        out.append(category)
        _walk(node.get("children", []), category, shared, out)


def parse(data: dict[str, Any]) -> Taxonomy:
    """Turn the taxonomy file's content into documents (not yet saved)."""
    categories: list[Category] = []
    _walk(data["departments"], None, data.get("shared", {}), categories)
    brands = [Brand(slug=slugify(name), name=name) for name in data.get("brands", [])]
    vocabularies = [
        Vocabulary(field=name, choices=_choices(values))
        for name, values in data.get("item_fields", {}).items()
    ]
    return Taxonomy(categories, brands, vocabularies)


async def _upsert(
    model: type[Any], key: str, wanted: Sequence[Any], report: LoadReport, kind: str
) -> None:
    existing = {getattr(doc, key): doc async for doc in model.find_all()}
    for doc in wanted:
        current = existing.get(getattr(doc, key))
        if current is None:
            await doc.insert()
            report.created.append(f"{kind} {getattr(doc, key)}")
            continue
        fresh = doc.model_dump(exclude={"id", "revision_id"})
        if current.model_dump(exclude={"id", "revision_id"}) != fresh:
            await current.set(fresh)
            report.updated.append(f"{kind} {getattr(doc, key)}")


def keep_admin_additions(wanted: Category, current: Category) -> Category:
    """`wanted` (from the file) plus the attributes and enum values admins added through the
    API since: loading the file again must not silently take those away."""
    by_name = {a.name: a for a in wanted.attributes}
    attributes = []
    for definition in wanted.attributes:
        live = next((a for a in current.attributes if a.name == definition.name), None)
        known = {c.value for c in definition.choices}
        extra = [c for c in live.choices if c.value not in known] if live else []
        attributes.append(definition.model_copy(update={"choices": definition.choices + extra}))
    attributes += [a for a in current.attributes if a.name not in by_name]
    merged: Category = wanted.model_copy(update={"attributes": attributes})
    return merged


async def load(taxonomy: Taxonomy) -> LoadReport:
    """Insert what is missing and update what differs; a second run changes nothing.

    The file adds and updates but never removes: categories, brands, attributes and values
    created through the admin API survive a reload.
    """
    report = LoadReport()
    current = {c.slug: c async for c in Category.find_all()}
    categories = [
        keep_admin_additions(c, current[c.slug]) if c.slug in current else c
        for c in taxonomy.categories
    ]
    await _upsert(Category, "slug", categories, report, "category")
    await _upsert(Brand, "slug", taxonomy.brands, report, "brand")
    await _upsert(Vocabulary, "field", taxonomy.vocabularies, report, "vocabulary")
    return report


async def get_category(slug: str) -> Category:
    category = await Category.find_one(Category.slug == slug)
    if category is None:
        raise CategoryNotFound(f"No category {slug!r}.")
    return category


async def ancestors(category: Category) -> list[Category]:
    """The categories on the path from the department down to `category`, in that order."""
    found = {c.slug: c for c in await Category.find(In(Category.slug, category.path)).to_list()}
    return [found[slug] for slug in category.path if slug in found]


def merge_attributes(chain: Sequence[Category]) -> list[AttributeDefinition]:
    """Inherit downwards: a descendant's definition replaces an ancestor's of the same name."""
    merged: dict[str, AttributeDefinition] = {}
    for category in chain:
        for definition in category.attributes:
            merged[definition.name] = definition
    return list(merged.values())


async def effective_attributes(category: Category) -> list[AttributeDefinition]:
    return merge_attributes(await ancestors(category))


async def vocabularies() -> dict[str, list[Choice]]:
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

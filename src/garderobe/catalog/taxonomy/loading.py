"""Loading the taxonomy from its data file (seed/taxonomy.yaml) into MongoDB, idempotently."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from garderobe.catalog.taxonomy.documents import (
    AttributeDefinition,
    Brand,
    Category,
    Choice,
    Vocabulary,
    slugify,
)
from garderobe.sizing.systems import size_system


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
            size_systems=[size_system(code).code for code in node.get("sizes", [])],
            garment=node.get("garment"),
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
    """`wanted` (from the file) plus the attributes, enum values and size systems admins added
    through the API since: loading the file again must not silently take those away."""
    by_name = {a.name: a for a in wanted.attributes}
    attributes = []
    for definition in wanted.attributes:
        live = next((a for a in current.attributes if a.name == definition.name), None)
        known = {c.value for c in definition.choices}
        extra = [c for c in live.choices if c.value not in known] if live else []
        attributes.append(definition.model_copy(update={"choices": definition.choices + extra}))
    attributes += [a for a in current.attributes if a.name not in by_name]
    systems = wanted.size_systems + [
        s for s in current.size_systems if s not in wanted.size_systems
    ]
    merged: Category = wanted.model_copy(update={"attributes": attributes, "size_systems": systems})
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


def taxonomy_file(explicit: Path | None = None) -> Path:
    """The taxonomy YAML: given, else ./seed/taxonomy.yaml, else the source checkout's."""
    candidates = [
        explicit,
        Path.cwd() / "seed" / "taxonomy.yaml",
        Path(__file__).resolve().parents[4] / "seed" / "taxonomy.yaml",
    ]
    for candidate in candidates:
        if candidate is not None and candidate.is_file():
            return candidate
    raise FileNotFoundError("seed/taxonomy.yaml not found; pass --file")


def read_taxonomy(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


async def load_file(path: Path | None = None) -> LoadReport:
    """Load the taxonomy file (`taxonomy_file(path)`) into MongoDB."""
    return await load(parse(read_taxonomy(taxonomy_file(path))))

"""Response bodies of the taxonomy: a category with its breadcrumb and effective schema, the
whole tree."""

from __future__ import annotations

from pydantic import TypeAdapter

from garderobe.catalog.taxonomy.documents import Category
from garderobe.catalog.taxonomy.schemas import (
    CategoryNode,
    CategoryOut,
    CategoryRef,
    SizeSystemOut,
)
from garderobe.catalog.taxonomy.service import (
    ancestors,
    children_of,
    get_category,
    merge_attributes,
    merge_garment,
    merge_size_systems,
    tree,
)
from garderobe.infra.cache import digested
from garderobe.sizing.systems import SizeSystem, size_system

_CATEGORY_TREE = TypeAdapter(list[CategoryNode])


async def category_out(category: Category) -> CategoryOut:
    """The category with its breadcrumb, children and own and effective attributes."""
    chain = await ancestors(category)
    children = await children_of([category.slug])
    return CategoryOut(
        slug=category.slug,
        name=category.name,
        parent=category.parent,
        breadcrumb=[CategoryRef(slug=c.slug, name=c.name) for c in chain],
        children=[CategoryRef(slug=c.slug, name=c.name) for c in children],
        own_attributes=category.attributes,
        attributes=merge_attributes(chain),
        size_systems=[system_out(size_system(code)) for code in merge_size_systems(chain)],
        garment=merge_garment(chain),
    )


def system_out(system: SizeSystem) -> SizeSystemOut:
    return SizeSystemOut(code=system.code, label=system.label, values=list(system.values))


async def category_body(slug: str) -> tuple[bytes, str]:
    """One category as JSON, with its digest ETag; CategoryNotFound if there is none."""
    return digested((await category_out(await get_category(slug))).model_dump_json().encode())


async def category_tree_body() -> tuple[bytes, str]:
    """The whole category tree as JSON, with its digest ETag."""
    nodes = [CategoryNode.model_validate(n) for n in tree(await Category.find_all().to_list())]
    return digested(_CATEGORY_TREE.dump_json(nodes))

"""Reads of the catalog's read index for recommendations: similar items, active items among
given ids, newest items of some categories, and the item cards to show.

Similar items are scored in PostgreSQL: the candidates are the active items of the same leaf
category nearest in price (up to CANDIDATES_PER_SIDE cheaper and as many dearer, read from
the partial btree `ix_item_search_similar`), each scored by the facet tokens it shares with
the item, weighted by facet, plus how close its price is. One statement over a bounded set
of rows whatever the catalogue's size (a leaf holds about 3,000 items at 100,000); nothing is
loaded into Python but the ids of the page.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from garderobe.catalog import presenters
from garderobe.catalog.documents import ItemStatus
from garderobe.catalog.index.tokens import TOKEN_SEPARATOR, split_token
from garderobe.catalog.schemas import ItemOut
from garderobe.catalog.service import ItemNotFound, items_in_order, parse_item_id
from garderobe.infra.storage import ObjectStorage
from garderobe.settings import Settings

# What a shared value is worth. The brand and the category's own attributes say most about
# what an item is; size and condition say more about the buyer than the item.
FACET_WEIGHTS = {
    "brand": 3.0,
    "colour": 1.5,
    "pattern": 1.0,
    "material": 1.0,
    "size": 0.5,
    "condition": 0.5,
}
ATTRIBUTE_WEIGHT = 2.0
# An item at the same price scores as much as a shared attribute value; at double or half the
# price half of that.
PRICE_WEIGHT = 2.0
# Candidates scored per call, on each side of the item's price. Scoring every item of the
# leaf cost 50 ms of PostgreSQL CPU at 100,000 items (3,200 rows, measured); an item far
# away in price scores low on price anyway.
CANDIDATES_PER_SIDE = 250

_TARGET = text("""
SELECT category, facet_values, price_amount FROM item_search
WHERE item_id = :item_id AND status = 'active'
""")


def _weight(token: str) -> float:
    facet, _ = split_token(token)
    if facet.startswith("attr."):
        return ATTRIBUTE_WEIGHT
    return FACET_WEIGHTS.get(facet, 0.0)


def _scoring(tokens: Sequence[str]) -> tuple[str, dict[str, Any]]:
    """A sum of one term per weighted token: `(:t0 = ANY(facet_values))::int * w0 + …`."""
    terms: list[str] = ["0"]
    params: dict[str, Any] = {}
    for n, token in enumerate(t for t in tokens if _weight(t)):
        params[f"t{n}"], params[f"w{n}"] = token, _weight(token)
        terms.append(f"(CAST(:t{n} AS text) = ANY(f.facet_values))::int * CAST(:w{n} AS real)")
    return " + ".join(terms), params


async def similar_item_ids(
    session: AsyncSession, item_id: str, *, limit: int, exclude: Sequence[str] = ()
) -> list[str]:
    """Active items of the item's leaf category, most similar first (never the item itself
    nor `exclude`). ItemNotFound unless the item is active."""
    parse_item_id(item_id)
    target = (await session.execute(_TARGET, {"item_id": item_id})).one_or_none()
    if target is None:
        raise ItemNotFound(f"No item {item_id!r}.")
    score, params = _scoring(target.facet_values)
    statement = text(f"""
        WITH near AS (
            (SELECT item_id, facet_values, price_amount FROM item_search
             WHERE category = :category AND status = 'active' AND price_amount >= :price
             ORDER BY price_amount LIMIT :per_side)
            UNION ALL
            (SELECT item_id, facet_values, price_amount FROM item_search
             WHERE category = :category AND status = 'active' AND price_amount < :price
             ORDER BY price_amount DESC LIMIT :per_side)
        )
        SELECT f.item_id FROM near AS f
        WHERE f.item_id <> ALL(CAST(:exclude AS text[]))
        ORDER BY {score} + CAST(:price_weight AS real) * (1 - abs(f.price_amount - :price)::real
                 / greatest(f.price_amount, :price, 1)) DESC, f.item_id
        LIMIT :limit
    """)  # noqa: S608 - only bind parameter names are formatted in
    rows = await session.scalars(
        statement,
        {
            **params,
            "category": target.category,
            "exclude": [item_id, *exclude],
            "per_side": CANDIDATES_PER_SIDE + len(exclude) + 1,
            "price_weight": PRICE_WEIGHT,
            "price": target.price_amount,
            "limit": limit,
        },
    )
    return list(rows)


async def active_among(
    session: AsyncSession, item_ids: Sequence[str], *, categories: Sequence[str] = ()
) -> list[str]:
    """The ids among `item_ids` of active items (in one of `categories`, when given), in the
    order given."""
    if not item_ids:
        return []
    query = "SELECT item_id FROM item_facets WHERE item_id = ANY(CAST(:ids AS text[]))"
    query += " AND status = 'active'"
    if categories:
        query += " AND facet_values && CAST(:categories AS text[])"
    found = set(
        await session.scalars(
            text(query), {"ids": list(item_ids), "categories": _category_tokens(categories)}
        )
    )
    return [i for i in dict.fromkeys(item_ids) if i in found]


async def newest_active(
    session: AsyncSession,
    *,
    limit: int,
    categories: Sequence[str] = (),
    exclude: Sequence[str] = (),
) -> list[str]:
    """The newest active items (of `categories`, when given), without `exclude`."""
    query = "SELECT item_id FROM item_facets WHERE status = 'active'"
    query += " AND item_id <> ALL(CAST(:exclude AS text[]))"
    if categories:
        query += " AND facet_values && CAST(:categories AS text[])"
    query += " ORDER BY created_at DESC, item_id DESC LIMIT :limit"
    params = {"exclude": list(exclude), "categories": _category_tokens(categories), "limit": limit}
    return list(await session.scalars(text(query), params))


async def leaf_categories(session: AsyncSession, item_ids: Sequence[str]) -> list[str]:
    """The leaf categories of the items (any status), in the order of their first item."""
    if not item_ids:
        return []
    rows = await session.execute(
        text("SELECT item_id, category FROM item_search WHERE item_id = ANY(CAST(:ids AS text[]))"),
        {"ids": list(item_ids)},
    )
    by_item = {row.item_id: row.category for row in rows}
    return list(dict.fromkeys(by_item[i] for i in item_ids if by_item.get(i)))


async def item_cards(
    session: AsyncSession, item_ids: Sequence[str], storage: ObjectStorage, settings: Settings
) -> list[ItemOut]:
    """The listing's item bodies for the active items among `item_ids`, in that order."""
    items = await items_in_order(list(dict.fromkeys(item_ids)))
    active = [item for item in items if item.status is ItemStatus.ACTIVE]
    return await presenters.item_outs(session, active, storage, settings, cards=True)


def _category_tokens(categories: Sequence[str]) -> list[str]:
    return [f"category{TOKEN_SEPARATOR}{c}" for c in categories]

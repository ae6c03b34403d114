"""The catalog's read index in PostgreSQL: one `item_search` row per item, every status.

MongoDB holds the item documents; this projection holds what listings filter, sort and facet
on, plus the weighted full-text document. It is written in the same PostgreSQL transaction
as the change that causes it (item writes, stock rows, seeding) and mended from MongoDB by
`garderobe search reindex` and the hourly reconciliation (`catalog.reconcile`).

Every filterable value is also kept as a `facet_values` token "<facet>=<value>"
("colour=black", "category=jeans", "attr.fit=slim", "status=active"): one GIN index answers
every filter, and facet counts are one `unnest` over the matching rows (`catalog.listing`).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, text
from sqlalchemy.ext.asyncio import AsyncSession

from garderobe.catalog.documents import Item, ItemStatus
from garderobe.catalog.search_models import ItemSearch

_WORD = re.compile(r"[^\W_]+(?:-[^\W_]+)*", re.UNICODE)
CATEGORY_SEPARATOR = " / "
TOKEN_SEPARATOR = "="  # noqa: S105 - not a password
# GIN entries are limited to about a third of a page: longer free-text values are left out of
# the tokens (they stay filterable by nothing but full-text search, as text attributes are).
MAX_TOKEN_VALUE = 200

_UPSERT = text("""
INSERT INTO item_search (item_id, status, category, category_path, brand, size, colours,
                         condition, material, pattern, attributes, facet_values, created_at,
                         title, brand_name, category_names, attributes_text, description,
                         price_amount, currency, revision, document, updated_at)
VALUES (:item_id, :status, :category, :category_path, :brand, :size, :colours, :condition,
        :material, :pattern, CAST(:attributes AS jsonb), :facet_values, :created_at,
        :title, :brand_name, :category_names, :attributes_text, :description,
        :price_amount, :currency, :revision,
        setweight(to_tsvector('simple', unaccent(:title_words)), 'A')
        || setweight(to_tsvector('simple', unaccent(:brand_category_words)), 'B')
        || setweight(to_tsvector('simple', unaccent(:attribute_words)), 'C')
        || setweight(to_tsvector('simple', unaccent(:description_words)), 'D'),
        now())
ON CONFLICT (item_id) DO UPDATE SET
    status = EXCLUDED.status, category = EXCLUDED.category,
    category_path = EXCLUDED.category_path, brand = EXCLUDED.brand, size = EXCLUDED.size,
    colours = EXCLUDED.colours, condition = EXCLUDED.condition, material = EXCLUDED.material,
    pattern = EXCLUDED.pattern, attributes = EXCLUDED.attributes,
    facet_values = EXCLUDED.facet_values, created_at = EXCLUDED.created_at,
    title = EXCLUDED.title, brand_name = EXCLUDED.brand_name,
    category_names = EXCLUDED.category_names, attributes_text = EXCLUDED.attributes_text,
    description = EXCLUDED.description, price_amount = EXCLUDED.price_amount,
    currency = EXCLUDED.currency, revision = EXCLUDED.revision,
    document = EXCLUDED.document, updated_at = now()
""")

_TERMS = text("""
INSERT INTO search_terms (term, kind, label)
SELECT DISTINCT ON (lower(unaccent(t))) lower(unaccent(t)), :kind, t
FROM unnest(CAST(:terms AS text[])) AS t
ON CONFLICT (term, kind) DO NOTHING
""")


def words(value: str) -> list[str]:
    """Lower-cased words; a hyphenated word also yields its joined form (t-shirt -> tshirt)."""
    found: list[str] = []
    for match in _WORD.findall(value.lower()):
        found.append(match)
        if "-" in match:
            found += [match.replace("-", ""), *match.split("-")]
    return found


def token_value(value: Any) -> str | None:
    """The canonical text of a filterable value: booleans as true/false, whole numbers
    without a fraction (5.0 -> "5"), so a query-string value finds what was stored."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, str) and 0 < len(value) <= MAX_TOKEN_VALUE:
        return value
    return None


def token(facet: str, value: Any) -> str | None:
    canonical = token_value(value)
    return None if canonical is None else f"{facet}{TOKEN_SEPARATOR}{canonical}"


def split_token(raw: str) -> tuple[str, str]:
    """ "attr.fit=slim" -> ("attr.fit", "slim"); facet names never contain the separator."""
    facet, _, value = raw.partition(TOKEN_SEPARATOR)
    return facet, value


def facet_tokens(item: Item) -> list[str]:
    """Every value a listing can filter or facet on, as "<facet>=<value>" tokens."""
    pairs: list[tuple[str, Any]] = [("status", item.status.value)]
    pairs += [("category", slug) for slug in item.category_path]
    pairs += [("brand", item.brand), ("size", item.size), ("condition", item.condition)]
    pairs += [("material", item.material), ("pattern", item.pattern)]
    pairs += [("colour", colour) for colour in item.colours]
    for name, value in item.attributes.items():
        values = value if isinstance(value, list) else [value]
        pairs += [(f"attr.{name}", v) for v in values]
    found = (token(facet, value) for facet, value in pairs if value is not None)
    return sorted({t for t in found if t is not None})


def _attribute_words(item: Item) -> str:
    values: list[str] = [
        *item.colours,
        item.pattern or "",
        item.material or "",
        item.condition or "",
    ]
    for value in item.attributes.values():
        if isinstance(value, list):
            values += [str(v) for v in value]
        elif isinstance(value, str):
            values.append(value)
    return " ".join(values)


def to_millis(moment: datetime) -> datetime:
    """BSON dates keep milliseconds (and PyMongo reads them back naive, in UTC): the index
    keeps the same instant, so both stores sort items alike."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def _row(item: Item, category_names: Sequence[str], brand_name: str | None) -> dict[str, Any]:
    brand_category = " ".join([brand_name or "", *category_names])
    attributes = _attribute_words(item)
    return {
        "item_id": str(item.id),
        "status": item.status.value,
        "category": item.category,
        "category_path": list(item.category_path),
        "brand": item.brand,
        "size": item.size,
        "colours": list(item.colours),
        "condition": item.condition,
        "material": item.material,
        "pattern": item.pattern,
        "attributes": json.dumps(item.attributes, allow_nan=False, default=str),
        "facet_values": facet_tokens(item),
        "created_at": to_millis(item.created_at),
        "title": item.title,
        "brand_name": brand_name or "",
        "category_names": CATEGORY_SEPARATOR.join(category_names),
        "attributes_text": attributes,
        "description": item.description,
        "price_amount": item.price.amount,
        "currency": item.price.currency,
        "revision": item.revision,
        "title_words": " ".join(words(item.title)),
        "brand_category_words": " ".join(words(brand_category)),
        "attribute_words": " ".join(words(attributes.replace("-", " "))),
        "description_words": " ".join(words(item.description)),
    }


async def index_items_bulk(
    session: AsyncSession, rows: Sequence[tuple[Item, Sequence[str], str | None]]
) -> None:
    """Upsert the index rows of many items (any status) and learn their search words.

    Only active items teach search_terms words: a draft's title must not show up as a
    spelling correction or a suggestion before the item is published.
    """
    if not rows:
        return
    params = [_row(item, names, brand) for item, names, brand in rows]
    await session.execute(_UPSERT, params)
    active = [
        (p, names, brand)
        for p, (item, names, brand) in zip(params, rows, strict=True)
        if item.status is ItemStatus.ACTIVE
    ]
    if not active:
        return
    terms = {
        w
        for p, _, _ in active
        for w in f"{p['title_words']} {p['brand_category_words']} {p['attribute_words']}".split()
    }
    brands = {brand for _, _, brand in active if brand}
    categories = {name for _, names, _ in active for name in names}
    await session.execute(_TERMS, {"terms": sorted(terms), "kind": "word"})
    await session.execute(_TERMS, {"terms": sorted(brands), "kind": "brand"})
    await session.execute(_TERMS, {"terms": sorted(categories), "kind": "category"})


async def index_item(
    session: AsyncSession, item: Item, *, category_names: Sequence[str], brand_name: str | None
) -> None:
    """Keep one item's index row current (whatever its status)."""
    await index_items_bulk(session, [(item, category_names, brand_name)])


async def remove_item(session: AsyncSession, item_id: str) -> None:
    await session.execute(delete(ItemSearch).where(ItemSearch.item_id == item_id))

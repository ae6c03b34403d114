"""Writes of the catalog's read index in PostgreSQL: one row per item (every status) in
`item_search` and `item_facets`, and the signed changes of `facet_counts`, all in the
transaction of the change that causes them (item writes, stock rows, seeding)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from garderobe.catalog.documents import Item, ItemStatus
from garderobe.catalog.index.models import ItemFacets, ItemSearch
from garderobe.catalog.index.offers import decoded, offers_of, price_bounds
from garderobe.catalog.index.tokens import (
    CATEGORY_SEPARATOR,
    TOKEN_SEPARATOR,
    attribute_words,
    facet_tokens,
    price_token,
    rating_tokens,
    without_rating,
    words,
)
from garderobe.stock import service as stock

# One statement for a whole batch and both tables: the rows travel as one JSON array (a
# single round trip, no per-row statement), and PostgreSQL builds the arrays and the
# weighted tsvector.
_UPSERT = text("""
WITH r AS MATERIALIZED (
SELECT * FROM jsonb_to_recordset(CAST(:rows AS jsonb)) AS r(
    item_id text, status text, category text, category_path jsonb, brand text, size text,
    colours jsonb, condition text, material text, pattern text, attributes jsonb,
    facet_values jsonb, created_at timestamptz, title text, brand_name text,
    category_names text, attributes_text text, description text, price_amount int,
    currency text, revision int, title_words text, brand_category_words text,
    attribute_words text, description_words text, rating_avg float8, rating_count int,
    price_top int, offers jsonb)
), narrow AS (
INSERT INTO item_facets (item_id, status, price_amount, price_top, offers, created_at,
                         facet_values, rating_avg, rating_count)
SELECT r.item_id, r.status, r.price_amount, r.price_top,
       ARRAY(SELECT jsonb_array_elements_text(r.offers)), r.created_at,
       ARRAY(SELECT jsonb_array_elements_text(r.facet_values)), r.rating_avg, r.rating_count
FROM r
ON CONFLICT (item_id) DO UPDATE SET
    status = EXCLUDED.status, price_amount = EXCLUDED.price_amount,
    price_top = EXCLUDED.price_top, offers = EXCLUDED.offers,
    created_at = EXCLUDED.created_at, facet_values = EXCLUDED.facet_values,
    rating_avg = EXCLUDED.rating_avg, rating_count = EXCLUDED.rating_count
)
INSERT INTO item_search (item_id, status, category, category_path, brand, size, colours,
                         condition, material, pattern, attributes, facet_values, created_at,
                         title, brand_name, category_names, attributes_text, description,
                         price_amount, currency, revision, document, updated_at)
SELECT r.item_id, r.status, r.category, ARRAY(SELECT jsonb_array_elements_text(r.category_path)),
       r.brand, r.size, ARRAY(SELECT jsonb_array_elements_text(r.colours)), r.condition,
       r.material, r.pattern, r.attributes,
       ARRAY(SELECT jsonb_array_elements_text(r.facet_values)), r.created_at,
       r.title, r.brand_name, r.category_names, r.attributes_text, r.description,
       r.price_amount, r.currency, r.revision,
       setweight(to_tsvector('simple', unaccent(r.title_words)), 'A')
       || setweight(to_tsvector('simple', unaccent(r.brand_category_words)), 'B')
       || setweight(to_tsvector('simple', unaccent(r.attribute_words)), 'C')
       || setweight(to_tsvector('simple', unaccent(r.description_words)), 'D'),
       now()
FROM r
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
SELECT DISTINCT ON (lower(unaccent(t)), k) lower(unaccent(t)), k, t
FROM unnest(CAST(:terms AS text[]), CAST(:kinds AS text[])) AS found(t, k)
ON CONFLICT (term, kind) DO NOTHING
""")


def to_millis(moment: datetime) -> datetime:
    """BSON dates keep milliseconds (and PyMongo reads them back naive, in UTC): the index
    keeps the same instant, so both stores sort items alike."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def _row(
    item: Item, category_names: Sequence[str], brand_name: str | None, units: Mapping[str, int]
) -> dict[str, Any]:
    brand_category = " ".join([brand_name or "", *category_names])
    attributes = attribute_words(item)
    offers = offers_of(item, units)
    low, high = price_bounds(item, offers)
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
        "attributes": item.attributes,
        "facet_values": facet_tokens(item, offers),
        "created_at": to_millis(item.created_at).isoformat(),
        "title": item.title,
        "brand_name": brand_name or "",
        "category_names": CATEGORY_SEPARATOR.join(category_names),
        "attributes_text": attributes,
        "description": item.description,
        "price_amount": low,
        "price_top": high,
        "offers": [offer.encoded() for offer in offers],
        "currency": item.price.currency,
        "revision": item.revision,
        "title_words": " ".join(words(item.title)),
        "brand_category_words": " ".join(words(brand_category)),
        "attribute_words": " ".join(words(attributes.replace("-", " "))),
        "description_words": " ".join(words(item.description)),
        "rating_avg": 0.0,
        "rating_count": 0,
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
    # The last row of an item wins: one statement may not touch the same row twice.
    latest = list({str(item.id): (item, names, brand) for item, names, brand in rows}.values())
    old = await _lock_rows(session, [str(item.id) for item, _, _ in latest])
    units = await stock.available_units(session, [str(item.id) for item, _, _ in latest])
    params = [
        _row(item, names, brand, units.get(str(item.id), {})) for item, names, brand in latest
    ]
    await _add_ratings(session, params)
    await session.execute(_UPSERT, {"rows": json.dumps(params, allow_nan=False, default=str)})
    new: Counter[Any] = Counter()
    for p in params:
        new.update(_counted(p["status"], p["category_path"], p["facet_values"], _prices(p)))
    await _count_changes(session, old, new)
    active = [
        (p, names, brand)
        for p, (item, names, brand) in zip(params, latest, strict=True)
        if item.status is ItemStatus.ACTIVE
    ]
    if not active:
        return
    words_found = {
        w
        for p, _, _ in active
        for w in f"{p['title_words']} {p['brand_category_words']} {p['attribute_words']}".split()
    }
    terms = [(w, "word") for w in sorted(words_found)]
    terms += [(b, "brand") for b in sorted({brand for _, _, brand in active if brand})]
    terms += [(c, "category") for c in sorted({c for _, names, _ in active for c in names})]
    await session.execute(_TERMS, {"terms": [t for t, _ in terms], "kinds": [k for _, k in terms]})


_LOCKED = text("""
SELECT s.item_id, s.status, s.category_path, s.facet_values, f.price_amount, f.offers
FROM item_search AS s JOIN item_facets AS f USING (item_id)
WHERE s.item_id = ANY(CAST(:ids AS text[])) ORDER BY s.item_id FOR UPDATE OF s
""")

_RATINGS = text("""
SELECT item_id, count, total FROM item_ratings WHERE item_id = ANY(CAST(:ids AS text[]))
""")

_COUNT_CHANGES = text("""
INSERT INTO facet_counts (category_path, token, n)
SELECT ARRAY(SELECT jsonb_array_elements_text(c.path)), c.token, c.n
FROM jsonb_to_recordset(CAST(:changes AS jsonb)) AS c(path jsonb, token text, n int)
""")


def _prices(row: Any) -> list[int]:
    """The prices a row's offers sell for (none when nothing is available)."""
    return [decoded(o).price for o in row["offers"] or ()]


def _counted(
    status: str, path: Sequence[str], tokens: Sequence[str], prices: Sequence[int]
) -> list[Any]:
    """The (path, token) pairs an index row adds to facet_counts: none unless it is active;
    an item counts once in each price bucket one of its offers falls in (a sold-out item
    in none: there is nothing to buy at its price)."""
    if status != ItemStatus.ACTIVE.value:
        return []
    key = tuple(path)
    counted = [t for t in tokens if not t.startswith("status" + TOKEN_SEPARATOR)]
    return [(key, t) for t in [*counted, *sorted({price_token(p) for p in prices})]]


async def _lock_rows(session: AsyncSession, item_ids: Sequence[str]) -> Counter[Any]:
    """Lock the items' current rows (a concurrent writer of the same item waits for us, so
    each change is counted against the row it replaces) and return what they count for."""
    rows = await session.execute(_LOCKED, {"ids": sorted(item_ids)})
    counts: Counter[Any] = Counter()
    for row in rows:
        prices = _prices(row._mapping)
        counts.update(_counted(row.status, row.category_path, row.facet_values, prices))
    return counts


async def _count_changes(session: AsyncSession, old: Counter[Any], new: Counter[Any]) -> None:
    changes = new.copy()
    changes.subtract(old)
    rows = [{"path": p, "token": t, "n": n} for (p, t), n in changes.items() if n]
    if rows:
        await session.execute(_COUNT_CHANGES, {"changes": json.dumps(rows)})


async def index_item(
    session: AsyncSession, item: Item, *, category_names: Sequence[str], brand_name: str | None
) -> None:
    """Keep one item's index row current (whatever its status)."""
    await index_items_bulk(session, [(item, category_names, brand_name)])


async def follow_revision(session: AsyncSession, item: Item) -> None:
    """An image change bumped the item's revision in MongoDB. Images are not indexed, so the
    row stays as it is but takes the revision: reconciliation and `garderobe check
    consistency` compare revisions, and would call the row stale."""
    await session.execute(
        update(ItemSearch)
        .where(ItemSearch.item_id == str(item.id), ItemSearch.revision < item.revision)
        .values(revision=item.revision)
    )


async def _add_ratings(session: AsyncSession, params: list[dict[str, Any]]) -> None:
    """Carry the items' rating summaries into their new rows. Read after the rows are
    locked: a rating change holding the lock has committed by then, and one that comes
    later rewrites the row itself (`set_rating`)."""
    # One array parameter, whatever the batch size (a bind per id would cap it).
    rows = await session.execute(_RATINGS, {"ids": sorted(p["item_id"] for p in params)})
    found = {item_id: (total / count, count) for item_id, count, total in rows if count}
    for p in params:
        average, count = found.get(p["item_id"], (0.0, 0))
        p["rating_avg"], p["rating_count"] = average, count
        p["facet_values"] = sorted([*p["facet_values"], *rating_tokens(average)])


async def set_rating(session: AsyncSession, item_id: str, average: float, count: int) -> None:
    """Rewrite one item's rating columns and tokens (and what they count for) in place.
    The caller changed item_ratings in this transaction; an item without index rows
    gets them from `_add_ratings` when it is indexed."""
    row = (await session.execute(_LOCKED, {"ids": [item_id]})).first()
    if row is None:
        return
    tokens = sorted([*without_rating(row.facet_values), *rating_tokens(average)])
    await session.execute(
        update(ItemSearch).where(ItemSearch.item_id == item_id).values(facet_values=tokens)
    )
    await session.execute(
        update(ItemFacets)
        .where(ItemFacets.item_id == item_id)
        .values(facet_values=tokens, rating_avg=average, rating_count=count)
    )
    prices = _prices(row._mapping)
    old = Counter(_counted(row.status, row.category_path, row.facet_values, prices))
    new = Counter(_counted(row.status, row.category_path, tokens, prices))
    await _count_changes(session, old, new)


async def remove_items(session: AsyncSession, item_ids: Sequence[str]) -> None:
    """Drop the items' index rows (and what they counted for)."""
    if not item_ids:
        return
    old = await _lock_rows(session, item_ids)
    await session.execute(delete(ItemSearch).where(ItemSearch.item_id.in_(item_ids)))
    await session.execute(delete(ItemFacets).where(ItemFacets.item_id.in_(item_ids)))
    await _count_changes(session, old, Counter())


async def remove_item(session: AsyncSession, item_id: str) -> None:
    await remove_items(session, [item_id])

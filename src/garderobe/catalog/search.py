"""Full-text search over the catalog in PostgreSQL, with typo tolerance.

Item writes keep the `item_search` projection current in the same request (same PostgreSQL
transaction). A query word that matches no indexed word is corrected to the closest one
(`fuzzystrmatch` levenshtein, `pg_trgm` similarity): "tshrit" -> "tshirt", "addidas" -> "adidas".
Hyphenated words are indexed joined as well ("t-shirt" -> "tshirt") so both spellings match.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, text
from sqlalchemy.ext.asyncio import AsyncSession

from garderobe.catalog.documents import Item, ItemStatus
from garderobe.catalog.search_models import ItemSearch

_WORD = re.compile(r"[^\W_]+(?:-[^\W_]+)*", re.UNICODE)
MAX_QUERY_WORDS = 8

_UPSERT = text("""
INSERT INTO item_search (item_id, title, brand_name, category_names, attributes_text,
                         description, price_amount, currency, revision, document, updated_at)
VALUES (:item_id, :title, :brand_name, :category_names, :attributes_text, :description,
        :price_amount, :currency, :revision,
        setweight(to_tsvector('simple', unaccent(:title_words)), 'A')
        || setweight(to_tsvector('simple', unaccent(:brand_category_words)), 'B')
        || setweight(to_tsvector('simple', unaccent(:attribute_words)), 'C')
        || setweight(to_tsvector('simple', unaccent(:description_words)), 'D'),
        now())
ON CONFLICT (item_id) DO UPDATE SET
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
CATEGORY_SEPARATOR = " / "


def words(value: str) -> list[str]:
    """Lower-cased words; a hyphenated word also yields its joined form (t-shirt -> tshirt)."""
    found: list[str] = []
    for match in _WORD.findall(value.lower()):
        found.append(match)
        if "-" in match:
            found += [match.replace("-", ""), *match.split("-")]
    return found


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


def _row(item: Item, category_names: Sequence[str], brand_name: str | None) -> dict[str, Any]:
    brand_category = " ".join([brand_name or "", *category_names])
    attributes = _attribute_words(item)
    return {
        "item_id": str(item.id),
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
    """Upsert the projection of many items (the seed's path); inactive ones are removed."""
    active = [
        (item, names, brand) for item, names, brand in rows if item.status is ItemStatus.ACTIVE
    ]
    inactive = [str(item.id) for item, _, _ in rows if item.status is not ItemStatus.ACTIVE]
    if inactive:
        await session.execute(delete(ItemSearch).where(ItemSearch.item_id.in_(inactive)))
    if not active:
        return
    params = [_row(item, names, brand) for item, names, brand in active]
    await session.execute(_UPSERT, params)
    terms = {
        w
        for p in params
        for w in (
            p["title_words"] + " " + p["brand_category_words"] + " " + p["attribute_words"]
        ).split()
    }
    await session.execute(_TERMS, {"terms": sorted(terms), "kind": "word"})
    brands = {brand for _, _, brand in active if brand}
    categories = {name for _, names, _ in active for name in names}
    await session.execute(_TERMS, {"terms": sorted(brands), "kind": "brand"})
    await session.execute(_TERMS, {"terms": sorted(categories), "kind": "category"})


async def index_item(
    session: AsyncSession, item: Item, *, category_names: Sequence[str], brand_name: str | None
) -> None:
    """Keep one item's projection current: upsert when active, remove otherwise."""
    await index_items_bulk(session, [(item, category_names, brand_name)])


async def remove_item(session: AsyncSession, item_id: str) -> None:
    await session.execute(delete(ItemSearch).where(ItemSearch.item_id == item_id))


async def correct(session: AsyncSession, word: str) -> str | None:
    """The indexed word `word` stands for: itself, or the closest one within the edit budget."""
    budget = 0 if len(word) <= 2 else 1 if len(word) <= 4 else 2
    term: str | None = await session.scalar(
        text("""
        SELECT term FROM search_terms
        WHERE term = :w OR (:budget > 0 AND levenshtein_less_equal(term, :w, :budget) <= :budget)
              OR term LIKE :prefix
        ORDER BY term = :w DESC, term LIKE :prefix DESC,
                 levenshtein(term, :w), similarity(term, :w) DESC, length(term)
        LIMIT 1
    """),
        {"w": word, "budget": budget, "prefix": word.replace("%", "") + "%"},
    )
    return term


async def query_terms(session: AsyncSession, q: str) -> list[str]:
    """The query's words, each corrected to an indexed word (words with no match dropped)."""
    raw = [w for w in dict.fromkeys(w.replace("-", "") for w in _WORD.findall(q.lower())) if w]
    corrected = [await correct(session, w) for w in raw[:MAX_QUERY_WORDS]]
    return [t for t in dict.fromkeys(corrected) if t]


def _tsquery(terms: Sequence[str], joiner: str) -> str:
    return f" {joiner} ".join(f"{re.sub(r'[^a-z0-9]', '', t)}:*" for t in terms if t)


async def matching_item_ids(
    session: AsyncSession, q: str, limit: int = 2000
) -> list[tuple[str, float]]:
    """Ranked (item_id, score) of items matching every (corrected) word of `q`."""
    terms = await query_terms(session, q)
    if not terms:
        return []
    result = await session.execute(
        text("""
        SELECT item_id, ts_rank(document, to_tsquery('simple', :query)) AS score
        FROM item_search WHERE document @@ to_tsquery('simple', :query)
        ORDER BY score DESC, item_id LIMIT :limit
    """),
        {"query": _tsquery(terms, "&"), "limit": limit},
    )
    return [(row.item_id, float(row.score)) for row in result]


@dataclass(frozen=True)
class SearchHit:
    item_id: str
    title: str
    brand_name: str
    category_names: str
    price_amount: int
    currency: str
    snippet: str
    score: float


async def search(session: AsyncSession, q: str, limit: int) -> tuple[list[str], list[SearchHit]]:
    """Items matching any word, ranked first by how many words they match, then by weight."""
    terms = await query_terms(session, q)
    if not terms:
        return terms, []
    counts = " + ".join(
        f"(document @@ to_tsquery('simple', :t{i}))::int" for i in range(len(terms))
    )
    params: dict[str, Any] = {f"t{i}": _tsquery([t], "&") for i, t in enumerate(terms)}
    params.update(query=_tsquery(terms, "|"), limit=limit)
    # Only generated placeholder names (:t0, :t1 …) are interpolated; values are bound.
    result = await session.execute(
        text(f"""
        SELECT item_id, title, brand_name, category_names, price_amount, currency,
               ({counts}) * 10 + ts_rank(document, to_tsquery('simple', :query)) AS score,
               ts_headline('simple', title || ' · ' || description,
                           to_tsquery('simple', :query),
                           'StartSel=<mark>, StopSel=</mark>, MaxWords=30, MinWords=10')
                   AS snippet
        FROM item_search WHERE document @@ to_tsquery('simple', :query)
        ORDER BY score DESC, item_id LIMIT :limit
    """),  # noqa: S608
        params,
    )
    return terms, [
        SearchHit(
            r.item_id,
            r.title,
            r.brand_name,
            r.category_names,
            r.price_amount,
            r.currency,
            r.snippet,
            float(r.score),
        )
        for r in result
    ]


async def suggest_names(session: AsyncSession, q: str, limit: int = 10) -> dict[str, list[str]]:
    """Brand and category names matching the whole of `q` by prefix or closeness, or
    containing one of its (corrected) words, grouped by kind."""
    prefix = q.strip().lower()
    words = await query_terms(session, q)
    result = await session.execute(
        text("""
        SELECT kind, label FROM search_terms
        WHERE kind IN ('brand', 'category')
          AND (term LIKE :prefix OR similarity(term, :q) > 0.4
               OR levenshtein_less_equal(term, :q, 2) <= 2
               OR EXISTS (SELECT 1 FROM unnest(CAST(:words AS text[])) AS w
                          WHERE term LIKE w || '%' OR term LIKE '% ' || w || '%'
                             OR replace(term, '-', '') LIKE w || '%'))
        ORDER BY term LIKE :prefix DESC, similarity(term, :q) DESC, term LIMIT :limit
    """),
        {"prefix": f"{prefix}%", "q": prefix, "words": words, "limit": limit},
    )
    found: dict[str, list[str]] = {"brand": [], "category": []}
    for row in result:
        found[row.kind].append(row.label)
    return found


async def suggest(session: AsyncSession, q: str, limit: int = 10) -> list[str]:
    """Autocomplete: brand and category names first, then item titles, for a prefix or typo."""
    names = await suggest_names(session, q, limit)
    found = names["brand"] + names["category"]
    terms = await query_terms(session, q)
    if terms and len(found) < limit:
        titles = await session.execute(
            text("""
            SELECT DISTINCT title FROM (
                SELECT title FROM item_search WHERE document @@ to_tsquery('simple', :query)
                ORDER BY ts_rank(document, to_tsquery('simple', :query)) DESC LIMIT 50
            ) AS ranked LIMIT :limit
        """),
            {"query": _tsquery(terms, "&"), "limit": limit - len(found)},
        )
        found += [row.title for row in titles]
    return found[:limit]

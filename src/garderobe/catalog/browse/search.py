"""Full-text search over the catalog, with typo tolerance: ranked by the API process's
memory index (`memory.index`, `memory.ranking`) when it is loaded, else by
statements over `item_search`; PostgreSQL makes the snippets either way.

Item writes keep the `item_search` index current in the same request (same PostgreSQL
transaction; see `index.writer`); only its active items are searched. A query word that
matches no indexed word is corrected to the closest one (`fuzzystrmatch` levenshtein,
`pg_trgm` similarity): "tshrit" -> "tshirt", "addidas" -> "adidas".
Hyphenated words are indexed joined as well ("t-shirt" -> "tshirt") so both spellings match.
"""

from __future__ import annotations

import html
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, text
from sqlalchemy.ext.asyncio import AsyncSession

from garderobe.catalog.memory.index import MemoryIndex

_WORD = re.compile(r"[^\W_]+(?:-[^\W_]+)*", re.UNICODE)
MAX_QUERY_WORDS = 8


# Every word of a query corrected in one statement: itself if indexed, else the closest indexed
# word within its edit budget (0 up to 2 letters, 1 up to 4, else 2), or one it begins.
_CORRECTED = text("""
SELECT (
    SELECT term FROM search_terms
    WHERE term = w.word
          OR (w.budget > 0 AND levenshtein_less_equal(term, w.word, w.budget) <= w.budget)
          OR term LIKE w.prefix
    ORDER BY term = w.word DESC, term LIKE w.prefix DESC,
             levenshtein(term, w.word), similarity(term, w.word) DESC, length(term)
    LIMIT 1
) AS term
FROM unnest(CAST(:words AS text[]), CAST(:budgets AS int[]), CAST(:prefixes AS text[]))
     WITH ORDINALITY AS w(word, budget, prefix, n)
ORDER BY w.n
""")


_EXACT = text("SELECT term FROM search_terms WHERE term = ANY(CAST(:words AS text[]))")


async def query_terms(
    session: AsyncSession, q: str, memory: MemoryIndex | None = None
) -> list[str]:
    """The query's words, each corrected to an indexed word (words with no match dropped).
    Words the in-memory index knows as terms are their own correction, with no statement."""
    raw = [w for w in dict.fromkeys(w.replace("-", "") for w in _WORD.findall(q.lower())) if w]
    words = raw[:MAX_QUERY_WORDS]
    if not words:
        return []
    if memory is not None and memory.knows(words):
        return words
    params = {
        "words": words,
        "budgets": [0 if len(w) <= 2 else 1 if len(w) <= 4 else 2 for w in words],
        "prefixes": [w.replace("%", "") + "%" for w in words],
    }
    # Most queries are spelt right: when every word is an indexed word, each is its own
    # correction (the statement below ranks an exact match first), and one index probe says so.
    exact = set((await session.scalars(_EXACT, {"words": words})).all())
    if exact.issuperset(words):
        return words
    corrected = (await session.scalars(_CORRECTED, params)).all()
    return [t for t in dict.fromkeys(corrected) if t]


def lexeme(term: str) -> str:
    """A query term as tsquery syntax allows it: letters and digits of any script."""
    return re.sub(r"[\W_]", "", term)


def _prefixes(terms: Sequence[str]) -> list[str]:
    return [p for p in map(lexeme, terms) if p]


def to_tsquery(terms: Sequence[str], joiner: str) -> str:
    """A to_tsquery('simple') expression: each term as a prefix, joined by & or |."""
    return f" {joiner} ".join(f"{lexeme(t)}:*" for t in terms if lexeme(t))


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


_SEARCH = """
WITH top AS (
    SELECT item_id, ({counts}) AS matched,
           ts_rank(document, to_tsquery('simple', :query)) AS rank
    FROM item_search
    WHERE document @@ to_tsquery('simple', :match) AND status = 'active'
    ORDER BY matched DESC, rank DESC, item_id LIMIT :limit
)
SELECT s.item_id, s.title, s.brand_name, s.category_names, s.price_amount, s.currency,
       top.matched * 10 + top.rank AS score,
       ts_headline('simple', s.title || ' · ' || s.description,
                   to_tsquery('simple', :query), :options) AS snippet
FROM top JOIN item_search AS s USING (item_id)
ORDER BY top.matched DESC, top.rank DESC, s.item_id
"""


_PAGE = text("""
SELECT s.item_id, s.title, s.brand_name, s.category_names, s.price_amount, s.currency,
       ts_headline('simple', s.title || ' · ' || s.description,
                   to_tsquery('simple', :query), :options) AS snippet
FROM item_search AS s WHERE s.item_id = ANY(CAST(:ids AS text[]))
""")


def _markers() -> tuple[str, str, str]:
    """ts_headline marks matches in the raw item text; the snippet is HTML, so the text is
    escaped afterwards and only the marks become tags. Unguessable markers (new for every
    query) cannot be forged by text stored in an item."""
    start, stop = f"s{secrets.token_hex(8)}", f"e{secrets.token_hex(8)}"
    return start, stop, f"StartSel={start}, StopSel={stop}, MaxWords=30, MinWords=10"


def _hit(row: Row[Any], score: float, start: str, stop: str) -> SearchHit:
    return SearchHit(
        row.item_id,
        row.title,
        row.brand_name,
        row.category_names,
        row.price_amount,
        row.currency,
        html.escape(row.snippet).replace(start, "<mark>").replace(stop, "</mark>"),
        score,
    )


async def search(
    session: AsyncSession, q: str, limit: int, memory: MemoryIndex | None = None
) -> tuple[list[str], list[SearchHit]]:
    """Items matching any word, ranked first by how many words they match, then by weight.

    With the in-memory index (`memory`) the ranking is `memory.ranking` and PostgreSQL
    only makes the page's snippets; without it, the statements below rank.
    """
    terms = await query_terms(session, q, memory)
    if not terms:
        return terms, []
    if memory is None or not await memory.refresh(session):
        return terms, await _ranked_in_database(session, terms, limit)
    ranked = memory.ranked(_prefixes(terms), limit, every=False)
    if not ranked:
        return terms, []
    start, stop, options = _markers()
    rows = await session.execute(
        _PAGE,
        {"ids": [r.item_id for r in ranked], "query": to_tsquery(terms, "|"), "options": options},
    )
    by_id = {row.item_id: row for row in rows}
    return terms, [
        _hit(by_id[r.item_id], r.score, start, stop) for r in ranked if r.item_id in by_id
    ]


async def _ranked_in_database(
    session: AsyncSession, terms: list[str], limit: int
) -> list[SearchHit]:
    """Items matching every word are ranked first, so when there are `limit` of them the
    answer is theirs alone: those are ranked first (far fewer rows than items matching any
    word), and the ranking over every match runs only when they are too few. Snippets are
    made for the page's items only."""
    counts = " + ".join(
        f"(document @@ to_tsquery('simple', :t{i}))::int" for i in range(len(terms))
    )
    params: dict[str, Any] = {f"t{i}": to_tsquery([t], "&") for i, t in enumerate(terms)}
    start, stop, options = _markers()
    params.update(query=to_tsquery(terms, "|"), limit=limit, options=options)
    # Only generated placeholder names (:t0, :t1 …) are interpolated; values are bound.
    rows: Sequence[Row[Any]] = ()
    if len(terms) > 1:  # every row matches every word: nothing to count per row
        every = text(_SEARCH.format(counts=str(len(terms))))
        rows = (await session.execute(every, {**params, "match": to_tsquery(terms, "&")})).all()
    if len(rows) < limit:
        statement = text(_SEARCH.format(counts=counts))
        rows = (await session.execute(statement, {**params, "match": params["query"]})).all()
    return [_hit(r, float(r.score), start, stop) for r in rows]


async def suggest_names(
    session: AsyncSession, q: str, words: Sequence[str], limit: int = 10
) -> dict[str, list[str]]:
    """Brand and category names matching the whole of `q` by prefix or closeness, or
    containing one of its corrected `words` (query_terms), grouped by kind."""
    prefix = q.strip().lower()
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
        {"prefix": f"{prefix}%", "q": prefix, "words": list(words), "limit": limit},
    )
    found: dict[str, list[str]] = {"brand": [], "category": []}
    for row in result:
        found[row.kind].append(row.label)
    return found


_TITLES = text("""
SELECT item_id, title FROM item_search WHERE item_id = ANY(CAST(:ids AS text[]))
""")


async def suggest(
    session: AsyncSession, q: str, limit: int = 10, memory: MemoryIndex | None = None
) -> list[str]:
    """Autocomplete: brand and category names first, then item titles, for a prefix or typo."""
    terms = await query_terms(session, q, memory)
    names = await suggest_names(session, q, terms, limit)
    found = names["brand"] + names["category"]
    if terms and len(found) < limit:
        found += await _titles(session, terms, limit - len(found), memory)
    return found[:limit]


async def _titles(
    session: AsyncSession, terms: list[str], limit: int, memory: MemoryIndex | None
) -> list[str]:
    """Distinct titles among the 50 best items matching every word."""
    if memory is not None and await memory.refresh(session):
        ranked = memory.ranked(_prefixes(terms), 50, every=True)
        if not ranked:
            return []
        ids = [r.item_id for r in ranked]
        by_id = {row.item_id: row.title for row in await session.execute(_TITLES, {"ids": ids})}
        titles = [by_id[i] for i in ids if i in by_id]
        return list(dict.fromkeys(titles))[:limit]
    rows = await session.execute(
        text("""
        SELECT DISTINCT title FROM (
            SELECT title FROM item_search
            WHERE document @@ to_tsquery('simple', :query) AND status = 'active'
            ORDER BY ts_rank(document, to_tsquery('simple', :query)) DESC LIMIT 50
        ) AS ranked LIMIT :limit
    """),
        {"query": to_tsquery(terms, "&"), "limit": limit},
    )
    return [row.title for row in rows]

"""The item listing, answered by the PostgreSQL read index (`catalog.index`).

Every filter is a clause keyed by the facet it belongs to. A facet's counts apply every
clause but its own (disjunctive faceting: picking "slim" still shows how many "regular"
there are). A row that fails two or more clauses can count for no facet at all, so the facet
statement reads only the rows that fail at most one, remembers which one, and counts their
`facet_values` tokens in one `unnest` + `GROUP BY`: one statement, one pass over the rows.

The page is a second statement: a keyset page on the sort's btree index, ids only; the
documents themselves come from MongoDB (the system of record) by id.
"""

from __future__ import annotations

import base64
import contextlib
import json
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from garderobe.catalog import index
from garderobe.catalog.documents import MAX_AMOUNT, ItemStatus
from garderobe.errors import InvalidInput

Sort = Literal["newest", "price_asc", "price_desc", "relevance"]
FIELD_FACETS = ("brand", "size", "colour", "condition", "material", "pattern")
PRICE_BOUNDARIES = [0, 1000, 2500, 5000, 10000, 25000, 50000, 100000]
MAX_FACET_VALUES = 50
MAX_RELEVANCE_OFFSET = 100_000
_PRICE = "#price"  # the price clause's marker: no facet token starts with it
_ORDER = {
    "newest": ("created_at", "DESC"),
    "price_asc": ("price_amount", "ASC"),
    "price_desc": ("price_amount", "DESC"),
}
_OBJECT_ID = re.compile(r"^[0-9a-f]{24}$")


class InvalidCursor(InvalidInput):
    slug = "invalid-cursor"
    title = "Invalid cursor"


@dataclass
class Listing:
    category_path: str | None = None
    fields: dict[str, list[str]] = field(default_factory=dict)
    attributes: dict[str, list[str]] = field(default_factory=dict)
    price_min: int | None = None
    price_max: int | None = None
    # A to_tsquery('simple') expression from the search words of `q`; "" matches nothing.
    tsquery: str | None = None
    sort: Sort = "newest"
    cursor: str | None = None
    limit: int = 24
    statuses: tuple[ItemStatus, ...] = (ItemStatus.ACTIVE,)


class _Params:
    """Bind parameters :p0, :p1 … (only these generated names are ever put into the SQL)."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}

    def bind(self, value: Any, cast: str | None = None) -> str:
        name = f"p{len(self.values)}"
        self.values[name] = value
        return f"CAST(:{name} AS {cast})" if cast else f":{name}"


def _filter_tokens(facet: str, values: Sequence[str]) -> list[str]:
    """Tokens a query-string value may stand for: itself, and its canonical number form
    ("5.0" finds an attribute stored as 5)."""
    found: set[str] = set()
    for value in values:
        found.add(f"{facet}{index.TOKEN_SEPARATOR}{value}")
        with contextlib.suppress(ValueError, OverflowError):
            number = float(value) if "." in value or "e" in value.lower() else int(value)
            if (canonical := index.token(facet, number)) is not None:
                found.add(canonical)
    return sorted(found)


def clauses(listing: Listing, params: _Params) -> dict[str, str]:
    """One SQL condition per facet that has a filter (field filters, attributes, price)."""
    found: dict[str, str] = {}
    named = [(name, values) for name, values in listing.fields.items()]
    named += [(f"attr.{name}", values) for name, values in listing.attributes.items()]
    for facet, values in named:
        if values:
            tokens = params.bind(_filter_tokens(facet, values), "text[]")
            found[facet] = f"facet_values && {tokens}"
    bounds = []
    if listing.price_min is not None:
        bounds.append(f"price_amount >= {params.bind(listing.price_min)}")
    if listing.price_max is not None:
        bounds.append(f"price_amount <= {params.bind(listing.price_max)}")
    if bounds:
        found[_PRICE] = " AND ".join(bounds)
    return found


def base_conditions(listing: Listing, params: _Params) -> list[str]:
    """What every part of the answer shares: status, category subtree, search matches."""
    statuses = [f"status={s.value}" for s in listing.statuses]
    conditions = [f"facet_values && {params.bind(statuses, 'text[]')}"]
    if listing.category_path:
        category = [f"category={listing.category_path}"]
        conditions.append(f"facet_values @> {params.bind(category, 'text[]')}")
    if listing.tsquery == "":
        conditions.append("FALSE")
    elif listing.tsquery is not None:
        conditions.append(f"document @@ to_tsquery('simple', {params.bind(listing.tsquery)})")
    return conditions


def encode_cursor(sort: str, key: Any, item_id: str) -> str:
    if isinstance(key, datetime):
        key = key.isoformat()
    return base64.urlsafe_b64encode(json.dumps([sort, key, item_id]).encode()).decode()


def _checked_key(sort: str, key: Any) -> Any:
    if sort == "newest":
        moment = datetime.fromisoformat(key)
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    if type(key) is not int:  # price sorts key on minor units, relevance on an offset
        raise ValueError("cursor key of the wrong type")
    limit = MAX_RELEVANCE_OFFSET if sort == "relevance" else MAX_AMOUNT
    if not 0 <= key <= limit:
        raise ValueError("cursor key out of range")
    return key


def decode_cursor(cursor: str, sort: str) -> tuple[Any, str]:
    """(sort key, item id) of the last item of the previous page, or InvalidCursor."""
    try:
        cursor_sort, key, item_id = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        if cursor_sort != sort:
            raise ValueError("cursor of another sort order")
        if sort != "relevance" and not (isinstance(item_id, str) and _OBJECT_ID.match(item_id)):
            raise ValueError("cursor names no item")
        return _checked_key(sort, key), item_id
    except (ValueError, TypeError, KeyError) as exc:
        raise InvalidCursor("The cursor is not valid for this listing.") from exc


@dataclass(frozen=True)
class Page:
    item_ids: list[str]
    next_cursor: str | None


def _page_statement(listing: Listing, params: _Params) -> str:
    # Only generated placeholders (:p0 …) and fixed SQL are put into these strings.
    conditions = base_conditions(listing, params) + list(clauses(listing, params).values())
    limit = params.bind(listing.limit + 1)
    if listing.sort == "relevance":
        offset = decode_cursor(listing.cursor, "relevance")[0] if listing.cursor else 0
        query = params.bind(listing.tsquery or "")
        return (
            f"SELECT item_id, ts_rank(document, to_tsquery('simple', {query})) AS key "  # noqa: S608
            f"FROM item_search WHERE {' AND '.join(conditions)} "
            f"ORDER BY key DESC, item_id LIMIT {limit} OFFSET {params.bind(offset)}"
        )
    column, direction = _ORDER[listing.sort]
    if listing.cursor:
        key, last_id = decode_cursor(listing.cursor, listing.sort)
        after = "<" if direction == "DESC" else ">"
        conditions.append(
            f"({column}, item_id) {after} ({params.bind(key)}, {params.bind(last_id)})"
        )
    return (
        f"SELECT item_id, {column} AS key FROM item_search WHERE {' AND '.join(conditions)} "  # noqa: S608
        f"ORDER BY {column} {direction}, item_id {direction} LIMIT {limit}"
    )


async def page(session: AsyncSession, listing: Listing) -> Page:
    """The ids of one page of items in the listing's order, and the cursor to the next."""
    params = _Params()
    statement = _page_statement(listing, params)
    rows = (await session.execute(text(statement), params.values)).all()
    more, rows = len(rows) > listing.limit, rows[: listing.limit]
    next_cursor = None
    if more and rows:
        if listing.sort == "relevance":
            offset = decode_cursor(listing.cursor, "relevance")[0] if listing.cursor else 0
            next_cursor = encode_cursor("relevance", offset + listing.limit, "")
        else:
            next_cursor = encode_cursor(listing.sort, rows[-1].key, rows[-1].item_id)
    return Page([row.item_id for row in rows], next_cursor)


@dataclass
class FacetCounts:
    fields: dict[str, list[tuple[Any, int]]]
    price_min: int | None
    price_max: int | None
    price_buckets: dict[int, int]  # lower bound -> count


def _facet_statement(listing: Listing, params: _Params) -> str:
    found = clauses(listing, params)
    conditions = base_conditions(listing, params)
    failing = "NULL"
    if found:
        # The prefix of the one facet a row fails ("colour="), or NULL when it passes all.
        # Facet names come from the query string (attr.<name>): bound, never interpolated.
        failing = "CASE " + " ".join(
            f"WHEN NOT ({sql}) THEN {params.bind(name if name == _PRICE else name + '=')}"
            for name, sql in found.items()
        )
        failing += " END"
        failures = " + ".join(f"(NOT ({sql}))::int" for sql in found.values())
        conditions.append(f"{failures} <= 1")
    bounds = params.bind(PRICE_BOUNDARIES, "int[]")
    price_rows = f"failing IS NULL OR failing = {params.bind(_PRICE)}"
    return f"""
        WITH candidates AS MATERIALIZED (
            SELECT facet_values, price_amount, {failing} AS failing
            FROM item_search WHERE {" AND ".join(conditions)}
        )
        SELECT 't' AS kind, tok AS key, count(*) AS n
        FROM candidates, unnest(facet_values) AS tok
        WHERE failing IS NULL OR starts_with(tok, failing)
        GROUP BY tok
        UNION ALL
        SELECT 'b', width_bucket(price_amount, {bounds})::text, count(*)
        FROM candidates WHERE {price_rows} GROUP BY 2
        UNION ALL
        SELECT 'r', min(price_amount)::text || ':' || max(price_amount)::text, count(*)
        FROM candidates WHERE {price_rows}
    """  # noqa: S608 - only generated placeholders (:p0 …) and fixed SQL are interpolated


def _typed(value: str, boolean: bool) -> Any:
    return value == "true" if boolean and value in ("true", "false") else value


async def facets(
    session: AsyncSession, listing: Listing, names: Sequence[str], booleans: Collection[str]
) -> FacetCounts:
    """Disjunctive value counts of the facets `names` (the top MAX_FACET_VALUES of each),
    price min/max and price buckets, from one statement. `booleans` names the facets whose
    values are true/false."""
    params = _Params()
    rows = (await session.execute(text(_facet_statement(listing, params)), params.values)).all()
    counts: dict[str, list[tuple[Any, int]]] = {name: [] for name in names}
    low, high, buckets = None, None, {}
    for row in rows:
        if row.kind == "t":
            facet, value = index.split_token(row.key)
            if facet in counts:
                counts[facet].append((_typed(value, facet in booleans), row.n))
        elif row.kind == "b":
            buckets[PRICE_BOUNDARIES[int(row.key) - 1]] = row.n
        elif row.key is not None:
            first, _, last = row.key.partition(":")
            low, high = int(first), int(last)
    for values in counts.values():
        values.sort(key=lambda pair: (-pair[1], str(pair[0])))
        del values[MAX_FACET_VALUES:]
    return FacetCounts(counts, low, high, buckets)

"""The item listing, answered by statements over the PostgreSQL read index (`item_facets`).

Every filter on the item is a clause keyed by the facet it belongs to (`clauses`), and the
variant filter (sizes, colours, price, availability) one more, met by one offer of the item
(`index.offers`); what every part of the answer shares (status, category subtree, search
words) is `base_conditions`. The page is a keyset page on the sort's btree index, ids only
(sorted by price under a variant filter, an item's key is the lowest price of its offers that
meet it); the documents themselves come from MongoDB (the system of record) by id. Facet
counts are `browse.facets`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from garderobe import pagination
from garderobe.catalog.documents import MAX_AMOUNT
from garderobe.catalog.index.selection import (
    VARIANT,
    Matches,
    Selection,
    SizeGroup,
    VariantFilter,
    category_token,
    filter_tokens,
    status_tokens,
    variant_filter,
)
from garderobe.pagination import InvalidCursor

MAX_RELEVANCE_OFFSET = 100_000
_ORDER = {
    "newest": ("created_at", "DESC"),
    "price_asc": ("price_amount", "ASC"),
    "price_desc": ("price_amount", "DESC"),
    "rating": ("rating_avg", "DESC"),  # unrated items (0) last
}
_OBJECT_ID = re.compile(r"^[0-9a-f]{24}$")


class Params:
    """Bind parameters :p0, :p1 … (only these generated names are ever put into the SQL)."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}

    def bind(self, value: Any, cast: str | None = None) -> str:
        name = f"p{len(self.values)}"
        self.values[name] = value
        return f"CAST(:{name} AS {cast})" if cast else f":{name}"


def offer_parts(vf: VariantFilter, params: Params, offer: str = "o") -> tuple[str, str, str]:
    """SQL: the offer `offer` ("<size>|<colour>|<price>") has one of the filter's sizes,
    one of its colours, a price in its range (each TRUE when not filtered)."""
    size, colour = "TRUE", "TRUE"
    if vf.sizes:
        size = f"split_part({offer}, '|', 1) = ANY({params.bind(sorted(vf.sizes), 'text[]')})"
    if vf.colours:
        colour = f"split_part({offer}, '|', 2) = ANY({params.bind(sorted(vf.colours), 'text[]')})"
    price = f"split_part({offer}, '|', 3)::int"
    bounds = []
    if vf.price_min is not None:
        bounds.append(f"{price} >= {params.bind(vf.price_min)}")
    if vf.price_max is not None:
        bounds.append(f"{price} <= {params.bind(vf.price_max)}")
    return size, colour, " AND ".join(bounds) or "TRUE"


def offer_condition(vf: VariantFilter, params: Params, offer: str = "o") -> str:
    """SQL: the offer `offer` meets the variant filter."""
    return " AND ".join(offer_parts(vf, params, offer))


def _variant_clause(vf: VariantFilter, params: Params) -> str:
    """Rows with an offer that meets the variant filter. Their tokens say so when all the
    row's offers have one price (or with no price filter); an item whose offers differ in
    price is asked its offers."""
    found = f"facet_values && {params.bind(vf.tokens(), 'text[]')}"
    if not vf.priced:
        return found
    low = vf.price_min if vf.price_min is not None else 0
    high = vf.price_max if vf.price_max is not None else MAX_AMOUNT
    even = f"price_amount BETWEEN {params.bind(low)} AND {params.bind(high)}"
    met = offer_condition(vf, params)
    uneven = f"EXISTS (SELECT 1 FROM unnest(offers) AS o WHERE {met})"  # noqa: S608 - placeholders
    return (
        f"{found} AND ((price_top = price_amount AND {even}) "
        f"OR (price_top <> price_amount AND {uneven}))"
    )


def _group_clause(vf: VariantFilter, groups: Sequence[SizeGroup], params: Params) -> str:
    """Rows in one of the size groups (`index.selection.SizeGroup`)."""
    found = []
    for group in groups:
        parts = [f"facet_values && {params.bind(vf.tokens(sizes=sorted(group.sizes)), 'text[]')}"]
        if group.categories:
            parts.append(f"facet_values && {params.bind(list(group.categories), 'text[]')}")
        if group.brands:
            parts.append(f"facet_values && {params.bind(list(group.brands), 'text[]')}")
        if group.measured:
            parts.append(f"facet_values && {params.bind(list(group.measured), 'text[]')}")
        if group.excluded:
            parts.append(f"NOT facet_values && {params.bind(list(group.excluded), 'text[]')}")
        found.append("(" + " AND ".join(parts) + ")")
    return "(" + " OR ".join(found) + ")" if found else "FALSE"


def clauses(selection: Selection, params: Params) -> dict[str, str]:
    """One SQL condition per facet on the item that has a filter, the variant filter's, and
    one per fit clause (its size groups)."""
    found: dict[str, str] = {}
    for facet, tokens in filter_tokens(selection).items():
        found[facet] = f"facet_values && {params.bind(tokens, 'text[]')}"
    vf = variant_filter(selection)
    if vf:
        found[VARIANT] = _variant_clause(vf, params)
    for name, groups in selection.size_groups.items():
        found[name] = _group_clause(vf, groups, params)
    return found


def listing_price(vf: VariantFilter, params: Params) -> str:
    """SQL: what a row sells for under the variant filter: its lowest price when its offers
    all have one (or nothing but availability is filtered), else the lowest of its offers
    that meet the filter."""
    if not (vf.sizes or vf.colours or vf.priced):
        return "price_amount"
    met = offer_condition(vf, params)
    lowest = f"(SELECT min(split_part(o, '|', 3)::int) FROM unnest(offers) AS o WHERE {met})"  # noqa: S608
    return f"(CASE WHEN price_top = price_amount THEN price_amount ELSE {lowest} END)"


def base_conditions(selection: Selection, params: Params) -> list[str]:
    """What every part of the answer shares: status, category subtree, search matches."""
    conditions = [f"facet_values && {params.bind(status_tokens(selection), 'text[]')}"]
    if (category := category_token(selection)) is not None:
        conditions.append(f"facet_values @> {params.bind([category], 'text[]')}")
    if selection.tsquery == "":
        conditions.append("FALSE")
    elif selection.tsquery is not None:
        query = params.bind(selection.tsquery)
        conditions.append(
            "item_id IN (SELECT item_id FROM item_search "  # noqa: S608 - a placeholder only
            f"WHERE document @@ to_tsquery('simple', {query}))"
        )
    return conditions


def encode_cursor(sort: str, key: Any, item_id: str) -> str:
    return pagination.encode_cursor(sort, key, item_id)


def _checked_key(sort: str, key: Any) -> Any:
    if sort == "newest":
        moment = datetime.fromisoformat(key)
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    if sort == "rating":
        return _rating_key(key)
    if type(key) is not int:  # price sorts key on minor units, relevance on an offset
        raise ValueError("cursor key of the wrong type")
    limit = MAX_RELEVANCE_OFFSET if sort == "relevance" else MAX_AMOUNT
    if not 0 <= key <= limit:
        raise ValueError("cursor key out of range")
    return key


def _rating_key(key: Any) -> float:
    """An average rating: 0 (unrated) or 1 to 5, a JSON number."""
    if type(key) not in (int, float) or not (key == 0 or 1 <= key <= 5):
        raise ValueError("cursor key out of range")
    return float(key)


def decode_cursor(cursor: str, sort: str) -> tuple[Any, str]:
    """(sort key, item id) of the last item of the previous page, or InvalidCursor."""
    detail = "The cursor is not valid for this listing."
    cursor_sort, key, item_id = pagination.decode_cursor(cursor, 3, detail=detail)
    try:
        if cursor_sort != sort:
            raise ValueError("cursor of another sort order")
        if sort != "relevance" and not (isinstance(item_id, str) and _OBJECT_ID.match(item_id)):
            raise ValueError("cursor names no item")
        return _checked_key(sort, key), item_id
    except (ValueError, TypeError, KeyError) as exc:
        raise InvalidCursor(detail) from exc


@dataclass(frozen=True)
class Page:
    item_ids: list[str]
    next_cursor: str | None
    # The page's items that have a visible rating (the others' summaries are empty, so
    # nobody needs to read them).
    rated: list[str] = field(default_factory=list)


def _page_statement(
    selection: Selection,
    params: Params,
    among: Sequence[str] | None = None,
    *,
    filtered: bool = True,
) -> str:
    # Only generated placeholders (:p0 …) and fixed SQL are put into these strings.
    conditions = base_conditions(selection, params)
    if among is None and filtered:
        conditions += list(clauses(selection, params).values())
    elif among is not None:  # the rows that meet the filters, by the primary key
        # IN (unnest): a join on the primary key. `= ANY(array)` lets the planner walk the
        # sort's index instead, testing every row against the whole array (measured: 1 s
        # for a thousand ids in a department of 75,000).
        ids = params.bind(list(among), "text[]")
        conditions.append(f"item_id IN (SELECT unnest({ids}))")
    limit = params.bind(selection.limit + 1)
    if selection.sort == "relevance":
        offset = decode_cursor(selection.cursor, "relevance")[0] if selection.cursor else 0
        query = params.bind(selection.tsquery or "")
        rank = (
            f"(SELECT ts_rank(document, to_tsquery('simple', {query})) FROM item_search AS s "  # noqa: S608
            "WHERE s.item_id = item_facets.item_id)"
        )
        return (
            f"SELECT item_id, {rank} AS key, rating_count FROM item_facets "  # noqa: S608
            f"WHERE {' AND '.join(conditions)} "
            f"ORDER BY key DESC, item_id LIMIT {limit} OFFSET {params.bind(offset)}"
        )
    column, direction = _ORDER[selection.sort]
    if column == "price_amount":
        column = listing_price(variant_filter(selection), params)
    if selection.cursor:
        key, last_id = decode_cursor(selection.cursor, selection.sort)
        after = "<" if direction == "DESC" else ">"
        conditions.append(
            f"({column}, item_id) {after} ({params.bind(key)}, {params.bind(last_id)})"
        )
    return (
        f"SELECT item_id, {column} AS key, rating_count FROM item_facets "  # noqa: S608
        f"WHERE {' AND '.join(conditions)} "
        f"ORDER BY {column} {direction}, item_id {direction} LIMIT {limit}"
    )


async def page(session: AsyncSession, selection: Selection, matches: Matches | None = None) -> Page:
    """The ids of one page of items in the listing's order, and the cursor to the next.

    With `matches` the statement tests no filter: a rare match (a fit, a narrow size) costs
    the sort's index walk every row until it has a page, the whole catalogue when nothing
    matches, and a fit's conditions (dozens of array overlaps) cost each row they test, or
    turn the planner to testing them on every row of the category. A few matches are read
    by their ids (none ask nothing); many, by walking the sort's order unfiltered, keeping
    the rows the index has."""
    if selection.cursor:  # a bad cursor is a 422 whatever matches
        decode_cursor(selection.cursor, selection.sort)
    rows = None
    if matches is not None and matches.ids is not None:
        rows = await _rows(session, selection, matches.ids) if matches.ids else []
    elif matches is not None and matches.has is not None and _walkable(selection):
        rows = await _walked(session, selection, matches.has)
    if rows is None:
        rows = await _rows(session, selection)
    more, rows = len(rows) > selection.limit, rows[: selection.limit]
    next_cursor = None
    if more and rows:
        if selection.sort == "relevance":
            offset = decode_cursor(selection.cursor, "relevance")[0] if selection.cursor else 0
            next_cursor = encode_cursor("relevance", offset + selection.limit, "")
        else:
            next_cursor = encode_cursor(selection.sort, rows[-1].key, rows[-1].item_id)
    rated = [row.item_id for row in rows if row.rating_count]
    return Page([row.item_id for row in rows], next_cursor, rated)


def _walkable(selection: Selection) -> bool:
    """Walked unfiltered: fits and sizes across systems, whose conditions (dozens of array
    overlaps a row) turn the planner to testing them on every row of the category; other
    filters the GIN index answers faster than a walk (measured at 100,000 items)."""
    return bool(selection.size_groups) and selection.sort in WALKED_SORTS


async def _rows(
    session: AsyncSession,
    selection: Selection,
    among: Sequence[str] | None = None,
    *,
    filtered: bool = True,
) -> list[Any]:
    params = Params()
    statement = _page_statement(selection, params, among, filtered=filtered)
    return list((await session.execute(text(statement), params.values)).all())


# An unfiltered walk reads this many rows a statement, at most WALK_CHUNKS times (a page of
# 24 among 2,000 matches in 100,000 items is ~1,200 rows); past that the filters are tested.
WALK_CHUNK = 500
WALK_CHUNKS = 16
# Sorts whose key no row lacks: under a variant filter a row's price key is its lowest price
# that meets the filter, NULL for the rows the walk passes over, which a keyset cannot pass.
WALKED_SORTS = ("newest", "rating")


async def _walked(
    session: AsyncSession, selection: Selection, has: Callable[[str], bool]
) -> list[Any] | None:
    """The page's rows (one more than a page when there are more), walking the listing's
    order without its filters and keeping the rows `has` names; None past WALK_CHUNKS."""
    found: list[Any] = []
    walk = replace(selection, limit=WALK_CHUNK - 1)  # a statement reads limit + 1
    for _ in range(WALK_CHUNKS):
        rows = await _rows(session, walk, filtered=False)
        found += [row for row in rows if has(row.item_id)]
        if len(found) > selection.limit or len(rows) < WALK_CHUNK:
            return found
        walk = replace(walk, cursor=encode_cursor(selection.sort, rows[-1].key, rows[-1].item_id))
    return None

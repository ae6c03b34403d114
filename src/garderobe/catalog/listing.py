"""The item listing, answered by the PostgreSQL read index (`item_facets`, `catalog.index`).

Every filter is a clause keyed by the facet it belongs to (`clauses`); what every part of
the answer shares (status, category subtree, search words) is `base_conditions`. The page is
a keyset page on the sort's btree index, ids only; the documents themselves come from
MongoDB (the system of record) by id. Facet counts are `catalog.facets`.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from garderobe import pagination
from garderobe.catalog import index
from garderobe.catalog.documents import MAX_AMOUNT, ItemStatus
from garderobe.pagination import InvalidCursor

Sort = Literal["newest", "price_asc", "price_desc", "relevance", "rating"]
MAX_RELEVANCE_OFFSET = 100_000
PRICE = index.PRICE_TOKEN  # the price clause's key in `clauses`: no facet token starts with it
_ORDER = {
    "newest": ("created_at", "DESC"),
    "price_asc": ("price_amount", "ASC"),
    "price_desc": ("price_amount", "DESC"),
    "rating": ("rating_avg", "DESC"),  # unrated items (0) last
}
_OBJECT_ID = re.compile(r"^[0-9a-f]{24}$")


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


class Params:
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


def filter_tokens(listing: Listing) -> dict[str, list[str]]:
    """Per filtered facet (fields and attributes), the tokens of which a row needs one."""
    named = [(name, values) for name, values in listing.fields.items()]
    named += [(f"attr.{name}", values) for name, values in listing.attributes.items()]
    return {facet: _filter_tokens(facet, values) for facet, values in named if values}


def status_tokens(listing: Listing) -> list[str]:
    return [f"status{index.TOKEN_SEPARATOR}{s.value}" for s in listing.statuses]


def category_token(listing: Listing) -> str | None:
    path = listing.category_path
    return f"category{index.TOKEN_SEPARATOR}{path}" if path else None


def clauses(listing: Listing, params: Params) -> dict[str, str]:
    """One SQL condition per facet that has a filter (field filters, attributes, price)."""
    found: dict[str, str] = {}
    for facet, tokens in filter_tokens(listing).items():
        found[facet] = f"facet_values && {params.bind(tokens, 'text[]')}"
    bounds = []
    if listing.price_min is not None:
        bounds.append(f"price_amount >= {params.bind(listing.price_min)}")
    if listing.price_max is not None:
        bounds.append(f"price_amount <= {params.bind(listing.price_max)}")
    if bounds:
        found[PRICE] = " AND ".join(bounds)
    return found


def base_conditions(listing: Listing, params: Params) -> list[str]:
    """What every part of the answer shares: status, category subtree, search matches."""
    conditions = [f"facet_values && {params.bind(status_tokens(listing), 'text[]')}"]
    if (category := category_token(listing)) is not None:
        conditions.append(f"facet_values @> {params.bind([category], 'text[]')}")
    if listing.tsquery == "":
        conditions.append("FALSE")
    elif listing.tsquery is not None:
        query = params.bind(listing.tsquery)
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


def _page_statement(listing: Listing, params: Params) -> str:
    # Only generated placeholders (:p0 …) and fixed SQL are put into these strings.
    conditions = base_conditions(listing, params) + list(clauses(listing, params).values())
    limit = params.bind(listing.limit + 1)
    if listing.sort == "relevance":
        offset = decode_cursor(listing.cursor, "relevance")[0] if listing.cursor else 0
        query = params.bind(listing.tsquery or "")
        rank = (
            f"(SELECT ts_rank(document, to_tsquery('simple', {query})) FROM item_search AS s "  # noqa: S608
            "WHERE s.item_id = item_facets.item_id)"
        )
        return (
            f"SELECT item_id, {rank} AS key, rating_count FROM item_facets "  # noqa: S608
            f"WHERE {' AND '.join(conditions)} "
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
        f"SELECT item_id, {column} AS key, rating_count FROM item_facets "  # noqa: S608
        f"WHERE {' AND '.join(conditions)} "
        f"ORDER BY {column} {direction}, item_id {direction} LIMIT {limit}"
    )


async def page(session: AsyncSession, listing: Listing) -> Page:
    """The ids of one page of items in the listing's order, and the cursor to the next."""
    params = Params()
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
    rated = [row.item_id for row in rows if row.rating_count]
    return Page([row.item_id for row in rows], next_cursor, rated)

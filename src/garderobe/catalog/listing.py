"""The item listing: filters, keyset pagination, and disjunctive facets in one aggregation.

Every filter is a clause keyed by the facet it belongs to. A facet's counts apply every
clause but its own (disjunctive faceting: picking "slim" still shows how many "regular"
there are), and items, facets and price statistics come from one `$facet` round trip.
"""

from __future__ import annotations

import base64
import contextlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from beanie import PydanticObjectId

from garderobe.catalog.documents import AttributeType, Item, ItemStatus
from garderobe.errors import InvalidInput

Sort = Literal["newest", "price_asc", "price_desc", "relevance"]
FIELD_FILTERS = {
    "brand": "brand",
    "size": "size",
    "colour": "colours",
    "condition": "condition",
    "material": "material",
    "pattern": "pattern",
}
PRICE_BOUNDARIES = [0, 1000, 2500, 5000, 10000, 25000, 50000, 100000]
MAX_FACET_VALUES = 50
_SORTS: dict[str, list[tuple[str, int]]] = {
    "newest": [("created_at", -1), ("_id", -1)],
    "price_asc": [("price.amount", 1), ("_id", 1)],
    "price_desc": [("price.amount", -1), ("_id", -1)],
}


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
    ranked_ids: list[str] | None = None  # from full-text search when `q` is given
    sort: Sort = "newest"
    cursor: str | None = None
    limit: int = 24
    statuses: tuple[ItemStatus, ...] = (ItemStatus.ACTIVE,)


def _typed(values: Sequence[str]) -> list[Any]:
    """Query-string values may stand for booleans or numbers stored as such."""
    out: list[Any] = list(values)
    for value in values:
        if value in ("true", "false"):
            out.append(value == "true")
        else:
            with contextlib.suppress(ValueError):
                out.append(float(value) if "." in value else int(value))
    return out


def clauses(listing: Listing) -> dict[str, dict[str, Any]]:
    """One MongoDB condition per facet (field filters, attributes, price)."""
    found: dict[str, dict[str, Any]] = {}
    for name, values in listing.fields.items():
        if values:
            found[name] = {FIELD_FILTERS[name]: {"$in": values}}
    for name, values in listing.attributes.items():
        if values:
            found[f"attr.{name}"] = {f"attributes.{name}": {"$in": _typed(values)}}
    price: dict[str, int] = {}
    if listing.price_min is not None:
        price["$gte"] = listing.price_min
    if listing.price_max is not None:
        price["$lte"] = listing.price_max
    if price:
        found["price"] = {"price.amount": price}
    return found


def base_match(listing: Listing) -> dict[str, Any]:
    """What every part of the answer shares: status, category subtree, search matches."""
    match: dict[str, Any] = {"status": {"$in": [s.value for s in listing.statuses]}}
    if listing.category_path:
        match["category_path"] = listing.category_path
    if listing.ranked_ids is not None:
        match["_id"] = {"$in": [PydanticObjectId(i) for i in listing.ranked_ids]}
    return match


def _all_but(found: Mapping[str, dict[str, Any]], skip: str | None) -> dict[str, Any]:
    parts = [clause for name, clause in found.items() if name != skip]
    return {"$and": parts} if parts else {}


def encode_cursor(sort: str, key: Any, item_id: str) -> str:
    if isinstance(key, datetime):
        key = key.isoformat()
    return base64.urlsafe_b64encode(json.dumps([sort, key, item_id]).encode()).decode()


def _decode_cursor(cursor: str, sort: str) -> tuple[Any, Any]:
    try:
        cursor_sort, key, item_id = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        if cursor_sort != sort:
            raise ValueError("cursor of another sort order")
        if sort == "newest":
            key = datetime.fromisoformat(key)
        elif type(key) is not int:  # price sorts key on minor units, relevance on an offset
            raise ValueError("cursor key of the wrong type")
        return key, item_id if sort == "relevance" else PydanticObjectId(item_id)
    except (ValueError, TypeError, KeyError) as exc:
        raise InvalidCursor("The cursor is not valid for this listing.") from exc


def _after_cursor(listing: Listing) -> dict[str, Any]:
    if not listing.cursor or listing.sort == "relevance":
        return {}
    key, last_id = _decode_cursor(listing.cursor, listing.sort)
    (field_name, direction), _ = _SORTS[listing.sort]
    op = "$lt" if direction < 0 else "$gt"
    return {"$or": [{field_name: {op: key}}, {field_name: key, "_id": {op: last_id}}]}


def _relevance_page(listing: Listing) -> tuple[list[str], int]:
    offset = 0
    if listing.cursor:
        offset, _ = _decode_cursor(listing.cursor, "relevance")
        if not isinstance(offset, int) or offset < 0:
            raise InvalidCursor("The cursor is not valid for this listing.")
    ids = (listing.ranked_ids or [])[offset : offset + listing.limit + 1]
    return ids, offset


def items_filter(listing: Listing, found: Mapping[str, dict[str, Any]]) -> dict[str, Any]:
    """The page's find() filter: base, every facet clause, and the cursor or relevance page."""
    parts = [base_match(listing), _all_but(found, None)]
    if listing.sort == "relevance":
        ids, _ = _relevance_page(listing)
        parts.append({"_id": {"$in": [PydanticObjectId(i) for i in ids]}})
    else:
        parts.append(_after_cursor(listing))
    return {"$and": [p for p in parts if p]}


def facet_stages(
    found: Mapping[str, dict[str, Any]], facet_fields: Sequence[tuple[str, str, bool]]
) -> dict[str, list[dict[str, Any]]]:
    """Sub-pipelines keyed f0, f1 … (facet names may hold dots, $facet keys may not)."""
    stages: dict[str, list[dict[str, Any]]] = {}
    for index, (name, path, is_array) in enumerate(facet_fields):
        pipeline: list[dict[str, Any]] = [{"$match": _all_but(found, name)}]
        if is_array:
            pipeline.append({"$unwind": f"${path}"})
        pipeline += [
            {"$group": {"_id": f"${path}", "count": {"$sum": 1}}},
            {"$match": {"_id": {"$ne": None}}},
            {"$sort": {"count": -1, "_id": 1}},
            {"$limit": MAX_FACET_VALUES},
        ]
        stages[f"f{index}"] = pipeline
    without_price = _all_but(found, "price")
    stages["price_stats"] = [
        {"$match": without_price},
        {
            "$group": {
                "_id": None,
                "min": {"$min": "$price.amount"},
                "max": {"$max": "$price.amount"},
            }
        },
    ]
    stages["price_buckets"] = [
        {"$match": without_price},
        {
            "$bucket": {
                "groupBy": "$price.amount",
                "boundaries": [*PRICE_BOUNDARIES, 2**62],
                "default": "other",
                "output": {"count": {"$sum": 1}},
            }
        },
    ]
    return stages


def facet_fields_for(
    schema_types: Mapping[str, AttributeType], listing: Listing
) -> list[tuple[str, str, bool]]:
    """(facet name, document path, is an array) for the fixed fields and the attributes.

    `category` counts every category on the matching items' paths (within the chosen
    category, if any): the counts to show next to its subcategories.
    """
    fixed = [(name, path, name == "colour") for name, path in FIELD_FILTERS.items()]
    fixed.append(("category", "category_path", True))
    names = dict(schema_types)
    for name in listing.attributes:
        names.setdefault(name, AttributeType.ENUM)
    facetable = (AttributeType.ENUM, AttributeType.MULTI_ENUM, AttributeType.BOOLEAN)
    attributes = [
        (f"attr.{name}", f"attributes.{name}", kind is AttributeType.MULTI_ENUM)
        for name, kind in sorted(names.items())
        if kind in facetable
    ]
    return fixed + attributes


@dataclass
class ListingResult:
    items: list[Item]
    next_cursor: str | None
    facets: dict[str, list[tuple[Any, int]]] | None = None
    price: dict[str, Any] | None = None


def _next_cursor(listing: Listing, items: list[Item], has_more: bool) -> str | None:
    if not has_more or not items:
        return None
    if listing.sort == "relevance":
        _, offset = _relevance_page(listing)
        return encode_cursor("relevance", offset + listing.limit, "")
    last = items[-1]
    key = last.created_at if listing.sort == "newest" else last.price.amount
    return encode_cursor(listing.sort, key, str(last.id))


def _page(listing: Listing, raw: list[dict[str, Any]]) -> tuple[list[Item], bool]:
    items = [Item.model_validate(doc) for doc in raw]
    if listing.sort == "relevance":
        rank = {item_id: i for i, item_id in enumerate(listing.ranked_ids or [])}
        items.sort(key=lambda item: rank.get(str(item.id), len(rank)))
    return items[: listing.limit], len(items) > listing.limit


async def _items_page(listing: Listing, found: Mapping[str, dict[str, Any]]) -> list[Any]:
    query = Item.get_pymongo_collection().find(items_filter(listing, found))
    if listing.sort != "relevance":
        query = query.sort(_SORTS[listing.sort]).limit(listing.limit + 1)
    return await query.to_list()


async def run(
    listing: Listing, facet_fields: Sequence[tuple[str, str, bool]] | None
) -> ListingResult:
    """One page of items (a find), and with `facet_fields` every facet from ONE aggregation.

    The page is a plain find() rather than a branch of the $facet: the nx-27017 stand-in
    mis-evaluates `_id` conditions inside aggregations (docs/mongodb.md), and a find with the
    keyset condition is what real MongoDB serves best from the listing indexes anyway.
    """
    found = clauses(listing)
    items, more = _page(listing, await _items_page(listing, found))
    next_cursor = _next_cursor(listing, items, more)
    if facet_fields is None:
        return ListingResult(items, next_cursor)
    pipeline = [{"$match": base_match(listing)}, {"$facet": facet_stages(found, facet_fields)}]
    [result] = await (await Item.get_pymongo_collection().aggregate(pipeline)).to_list()
    facets = {
        name: [(row["_id"], row["count"]) for row in result[f"f{i}"]]
        for i, (name, _, _) in enumerate(facet_fields)
    }
    stats = result["price_stats"][0] if result["price_stats"] else {}
    buckets = {row["_id"]: row["count"] for row in result["price_buckets"]}
    price = {"min": stats.get("min"), "max": stats.get("max"), "buckets": buckets}
    return ListingResult(items, next_cursor, facets, price)

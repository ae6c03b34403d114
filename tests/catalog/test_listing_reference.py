"""The listing against a brute-force reference computed in Python from the item documents
and the stock table.

Random small catalogues: items in several variants (sizes, colours of their own or the
item's, some at prices of their own, some sold out), many sharing `created_at`, some not
active, some rated, some edited through the API after insertion (price, colours, a
variant's stock set to 0 or restocked). Random filter/sort combinations: sizes (as the facet
names them or bare), colours, price range, `in_stock`, brand, an attribute, rating. Every
page's contents and order, every cursor page (nothing repeated, nothing skipped) and every
facet count must equal what the obvious, slow computation gives, the same-variant rule
included: an item matches when one of its available variants meets every variant filter.
Run through the in-memory index and through the statements alike.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, text

from garderobe.catalog.documents import Item, ItemStatus
from garderobe.catalog.index import ratings
from garderobe.catalog.index.models import FacetCount, ItemFacets, ItemRating, ItemSearch
from garderobe.catalog.index.tokens import PRICE_BOUNDARIES
from garderobe.infra.stores import Stores
from garderobe.settings import Settings
from garderobe.sizing.systems import all_systems
from garderobe.stock.models import Stock
from garderobe.uow import unit_of_work
from tests.catalog.helpers import etag
from tests.commerce.helpers import Shopper, shopper
from tests.factories import create_item, index_items, variant

ITEMS = "/api/v1/items"
LEAVES = {
    "jeans": ["clothes", "bottoms", "jeans"],
    "trousers": ["clothes", "bottoms", "trousers"],
    "t-shirts": ["clothes", "tops", "t-shirts"],
    "sneakers": ["shoes", "footwear", "sneakers"],
}
SIZES = {
    "jeans": ["jeans:W30 L32", "jeans:W32 L32"],
    "trousers": ["eu_men:48", "eu_men:50"],
    "t-shirts": ["letter:S", "letter:M", "letter:L"],
    "sneakers": ["shoe_eu:40", "shoe_eu:42"],
}
SIZE_FILTERS = ["letter:M", "letter:L", "M", "42", "W32 L32", "eu_men:48"]
CATEGORIES = ["clothes", "bottoms", "jeans", "t-shirts", "shoes"]
FITS = ["slim", "regular", "relaxed"]
COLOURS = ["black", "blue", "white"]
BRANDS = ["levis", "zara", "uniqlo"]
# Few instants for many items: ties on the sort key are where keyset paging goes wrong.
EPOCH = datetime(2026, 11, 1, tzinfo=UTC)
ITEM_FACETS = {"brand": "brand", "attr.fit": "fit"}
AVERAGES: dict[str, float] = {}  # item id -> average stars of the current catalogue

variant_rows = st.fixed_dictionaries(
    {
        "size": st.integers(0, 2),  # an index into the leaf's sizes (past its end: no size)
        "colour": st.one_of(st.none(), st.sampled_from(COLOURS), st.sampled_from(COLOURS)),
        "price": st.one_of(st.none(), st.none(), st.sampled_from([2000, 9000])),
        "units": st.sampled_from([0, 1, 1, 3]),
    }
)
item_rows = st.fixed_dictionaries(
    {
        "leaf": st.sampled_from(sorted(LEAVES)),
        "fit": st.sampled_from(FITS),
        "brand": st.sampled_from(BRANDS),
        "colours": st.lists(st.sampled_from(COLOURS), min_size=1, max_size=2, unique=True),
        "price": st.sampled_from([900, 1500, 1500, 3000, 7000, 120000]),
        "minute": st.integers(0, 2),
        "status": st.sampled_from([ItemStatus.ACTIVE] * 4 + [ItemStatus.DRAFT, ItemStatus.SOLD]),
        "stars": st.lists(st.integers(1, 5), max_size=3),  # its visible reviews
        "variants": st.lists(variant_rows, min_size=1, max_size=4),
    }
)
edits = st.lists(
    st.tuples(
        st.integers(0, 30),
        st.sampled_from(
            [
                {"price": {"amount": 2500, "currency": "EUR"}},
                {"colours": ["white"]},
                {"stock": 0},
                {"stock": 2},
                {"checkout": 1},  # a shopper orders one unit of the item's first variant left
                {"cancel": 1},  # … and cancels the last order placed
            ]
        ),
    ),
    max_size=4,
)
queries = st.fixed_dictionaries(
    {
        "category": st.one_of(st.none(), st.sampled_from(CATEGORIES)),
        "brand": st.sets(st.sampled_from(BRANDS), max_size=2),
        # Sizes and colours together more often than not: where the same-variant rule bites.
        "size": st.sets(st.sampled_from(SIZE_FILTERS), min_size=1, max_size=2) | st.just(set()),
        "colour": st.sets(st.sampled_from(COLOURS), min_size=1, max_size=2) | st.just(set()),
        "attr.fit": st.sets(st.sampled_from(FITS), max_size=2),
        "price_min": st.one_of(st.none(), st.sampled_from([1500, 5000])),
        "price_max": st.one_of(st.none(), st.sampled_from([1500, 5000])),
        "rating_min": st.one_of(st.none(), st.sampled_from([2, 4])),
        "in_stock": st.booleans(),
        "sort": st.sampled_from(["newest", "price_asc", "price_desc", "rating"]),
        "limit": st.integers(1, 7),
    }
)


# Always tried: an item whose black variant is an S and whose M is white, another with a
# black M, a third whose black M sells at a price of its own; black M asked, priced.
SPLIT: dict[str, Any] = {
    "leaf": "t-shirts",
    "fit": "slim",
    "brand": "zara",
    "colours": ["black", "white"],
    "price": 1500,
    "minute": 0,
    "status": ItemStatus.ACTIVE,
    "stars": [],
    "variants": [
        {"size": 0, "colour": "black", "price": None, "units": 1},
        {"size": 1, "colour": "white", "price": None, "units": 1},
    ],
}
BOTH = {
    **SPLIT,
    "brand": "levis",
    "variants": [
        {"size": 1, "colour": "black", "price": 9000, "units": 1},
        {"size": 1, "colour": "white", "price": None, "units": 3},
    ],
}
BLACK_M: dict[str, Any] = {
    "category": "t-shirts",
    "brand": set(),
    "size": {"M"},
    "colour": {"black"},
    "attr.fit": set(),
    "price_min": None,
    "price_max": None,
    "rating_min": None,
    "in_stock": False,
    "sort": "price_asc",
    "limit": 1,
}


@dataclass(frozen=True)
class Offer:
    size: str
    colour: str
    price: int


def _distinct(leaf: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Variants of one item differ in size or colour (the API refuses twins)."""
    seen: set[tuple[int, str | None]] = set()
    kept = []
    for row in rows:
        key = (min(row["size"], len(SIZES[leaf])), row["colour"])
        if key not in seen:
            seen.add(key)
            kept.append(row)
    return kept


async def _clear(stores: Stores) -> None:
    await Item.get_pymongo_collection().delete_many({})
    async with stores.sessionmaker() as session, session.begin():
        for table in (ItemSearch, ItemFacets, FacetCount, ItemRating, Stock):
            await session.execute(delete(table))  # each example starts a new catalogue


async def _item(row: dict[str, Any]) -> tuple[Item, list[int]]:
    sizes = SIZES[row["leaf"]]
    kept = _distinct(row["leaf"], row["variants"])
    variants = [
        variant(sizes[v["size"]] if v["size"] < len(sizes) else None, v["colour"], v["price"])
        for v in kept
    ]
    item = await create_item(
        title=f"{row['brand']} {row['leaf']}",
        category=row["leaf"],
        category_path=LEAVES[row["leaf"]],
        brand=row["brand"],
        price=row["price"],
        status=row["status"],
        colours=row["colours"],
        variants=variants,
        attributes={} if row["leaf"] == "sneakers" else {"fit": row["fit"]},
        created_at=EPOCH + timedelta(minutes=row["minute"]),
    )
    return item, [v["units"] for v in kept]


async def _catalogue(stores: Stores, rows: list[dict[str, Any]]) -> list[Item]:
    await _clear(stores)
    items = []
    for row in rows:
        item, units = await _item(row)
        await index_items(stores, item, on_hand=units)
        items.append(item)
    async with unit_of_work(stores) as session:  # as the reviews domain reports them
        for item, row in zip(items, rows, strict=True):
            for stars in row["stars"]:
                await ratings.apply_rating_change(session, str(item.id), None, stars)
    AVERAGES.clear()
    AVERAGES.update(
        {
            str(i.id): sum(r["stars"]) / len(r["stars"])
            for i, r in zip(items, rows, strict=True)
            if r["stars"]
        }
    )
    return items


async def _edit(
    client: httpx.AsyncClient, admin: dict[str, str], item: Item, change: dict[str, Any]
) -> None:
    current = await Item.get(item.id)
    assert current is not None
    if "stock" in change:  # the first variant's units, as an admin sets them
        first = current.sellable_variants()[0].id
        url = f"/api/v1/admin/stock/{item.id}/variants/{first}"
        held = (await client.get(f"/api/v1/admin/stock/{item.id}", headers=admin)).json()
        reserved = next(v["reserved"] for v in held["variants"] if v["variant_id"] == first)
        # Never below what open orders hold (that is a 409, tested in commerce).
        on_hand = max(change["stock"], reserved)
        response = await client.put(url, json={"on_hand": on_hand}, headers=admin)
    else:
        response = await client.patch(
            f"{ITEMS}/{item.id}",
            json=change,
            headers={**admin, "If-Match": etag({"id": str(item.id)}, current.revision)},
        )
    assert response.status_code == 200, response.text


async def _buy(buyer: Shopper, item: Item, units: dict[str, int], orders: list[str]) -> None:
    """Order one unit of the item's first variant with units left, as a shopper does."""
    current = await Item.get(item.id)
    assert current is not None
    left = [v.id for v in current.sellable_variants() if units.get(v.id, 0) > 0]
    if current.status is not ItemStatus.ACTIVE or not left:
        return
    assert (await buyer.add(current, 1, left[0])).status_code == 201
    placed = await buyer.order()
    assert placed.status_code == 201, placed.text
    orders.append(placed.json()["id"])


async def _cancel(buyer: Shopper, orders: list[str]) -> None:
    if orders:
        url = f"/api/v1/orders/{orders.pop()}/cancel"
        assert (await buyer.client.post(url, headers=buyer.headers)).status_code == 200


async def _change(
    shop: Stores, admin: dict[str, str], buyer: Shopper, item: Item, change: dict[str, Any]
) -> None:
    if "checkout" in change:
        await _buy(buyer, item, await _units(shop), buyer.orders)
    elif "cancel" in change:
        await _cancel(buyer, buyer.orders)
    else:
        await _edit(buyer.client, admin, item, change)


async def _units(stores: Stores) -> dict[str, int]:
    async with stores.sessionmaker() as session:
        rows = await session.execute(text("SELECT variant_id, on_hand - reserved FROM stock"))
        return {str(variant_id): int(units) for variant_id, units in rows.all()}


def _offers(doc: dict[str, Any], units: dict[str, int]) -> list[Offer]:
    found = []
    for v in doc["variants"]:
        if units.get(v["id"], 0) <= 0:
            continue
        size = f"{v['size']['system']}:{v['size']['value']}" if v["size"] else ""
        price = (v["price"] or doc["price"])["amount"]
        for colour in [v["colour"]] if v["colour"] else doc["colours"] or [""]:
            found.append(Offer(size, colour, price))
    return found


def _sizes(query: dict[str, Any]) -> set[str]:
    """The size tokens the filter stands for: as given, or a bare size on every system."""
    found: set[str] = set()
    for text_ in query["size"]:
        if ":" in text_:
            found.add(text_)
            continue
        found.add(f"other:{text_}")
        found |= {f"{s.code}:{v}" for s in all_systems() if (v := s.parse(text_)) is not None}
    return found


def _meets(
    o: Offer, q: dict[str, Any], *, size: bool = True, colour: bool = True, price: bool = True
) -> bool:
    sizes = _sizes(q)
    return (
        (not size or not sizes or o.size in sizes)
        and (not colour or not q["colour"] or o.colour in q["colour"])
        and (not price or q["price_min"] is None or o.price >= q["price_min"])
        and (not price or q["price_max"] is None or o.price <= q["price_max"])
    )


def _variant_filtered(q: dict[str, Any]) -> bool:
    return bool(q["size"] or q["colour"] or q["in_stock"]) or _priced(q)


def _priced(q: dict[str, Any]) -> bool:
    return q["price_min"] is not None or q["price_max"] is not None


def _average(doc: dict[str, Any]) -> float:
    return AVERAGES.get(str(doc["_id"]), 0.0)


def _values(doc: dict[str, Any], facet: str) -> list[Any]:
    if facet == "rating":  # "N and up"
        return [str(n) for n in (1, 2, 3, 4) if _average(doc) >= n]
    raw = doc["attributes"].get("fit") if facet == "attr.fit" else doc[ITEM_FACETS[facet]]
    if raw is None:
        return []
    return raw if isinstance(raw, list) else [raw]


def _item_passes(doc: dict[str, Any], q: dict[str, Any], skip: str | None = None) -> bool:
    if doc["status"] != "active":
        return False
    if q["category"] and q["category"] not in doc["category_path"]:
        return False
    for facet in ITEM_FACETS:
        if facet != skip and q[facet] and not set(_values(doc, facet)) & q[facet]:
            return False
    return skip == "rating" or not q["rating_min"] or _average(doc) >= q["rating_min"]


def _variant_passes(offers: list[Offer], q: dict[str, Any]) -> bool:
    return not _variant_filtered(q) or any(_meets(o, q) for o in offers)


def _listing_price(doc: dict[str, Any], offers: list[Offer], q: dict[str, Any]) -> int:
    if q["size"] or q["colour"] or _priced(q):
        return min(o.price for o in offers if _meets(o, q))
    if offers:
        return min(o.price for o in offers)
    return min((v["price"] or doc["price"])["amount"] for v in doc["variants"])


def _reference_order(
    docs: list[dict[str, Any]], units: dict[str, int], q: dict[str, Any]
) -> list[str]:
    sort = q["sort"]
    if sort == "newest":
        ordered = sorted(docs, key=lambda d: (d["created_at"], str(d["_id"])), reverse=True)
    elif sort == "rating":
        ordered = sorted(docs, key=lambda d: (_average(d), str(d["_id"])), reverse=True)
    else:
        ordered = sorted(
            docs,
            key=lambda d: (_listing_price(d, _offers(d, units), q), str(d["_id"])),
            reverse=sort == "price_desc",
        )
    return [str(d["_id"]) for d in ordered]


def _params(q: dict[str, Any]) -> list[tuple[str, Any]]:
    params: list[tuple[str, Any]] = [("sort", q["sort"]), ("limit", q["limit"])]
    for name in ("category", "price_min", "price_max", "rating_min"):
        if q[name] is not None:
            params.append((name, q[name]))
    if q["in_stock"]:
        params.append(("in_stock", "true"))
    for facet in (*ITEM_FACETS, "size", "colour"):
        params += [(facet, value) for value in sorted(q[facet])]
    return params


async def _all_pages(client: httpx.AsyncClient, params: list[tuple[str, Any]]) -> list[str]:
    seen: list[str] = []
    cursor = None
    for _ in range(200):
        extra = [("cursor", cursor)] if cursor else []
        page = (await client.get(ITEMS, params=params + extra)).json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            return seen
    raise AssertionError("paging did not end")


def _offer_facet(
    docs: list[dict[str, Any]], units: dict[str, int], q: dict[str, Any], facet: str
) -> Counter[str]:
    """Per size (colour), the items with an available variant of it meeting the rest."""
    found: Counter[str] = Counter()
    for doc in docs:
        if not _item_passes(doc, q):
            continue
        if facet == "size":
            values = {o.size for o in _offers(doc, units) if o.size and _meets(o, q, size=False)}
        else:
            values = {
                o.colour for o in _offers(doc, units) if o.colour and _meets(o, q, colour=False)
            }
        found.update(values)
    return found


def _expected_facets(
    docs: list[dict[str, Any]], units: dict[str, int], q: dict[str, Any]
) -> dict[str, Counter[Any]]:
    expected: dict[str, Counter[Any]] = {}
    for facet in (*ITEM_FACETS, "rating"):
        expected[facet] = Counter(
            v
            for d in docs
            if _item_passes(d, q, facet) and _variant_passes(_offers(d, units), q)
            for v in _values(d, facet)
        )
    expected["category"] = Counter(
        slug
        for d in docs
        if _item_passes(d, q) and _variant_passes(_offers(d, units), q)
        for slug in d["category_path"]
    )
    expected["size"] = _offer_facet(docs, units, q, "size")
    expected["colour"] = _offer_facet(docs, units, q, "colour")
    return expected


def _expected_price(
    docs: list[dict[str, Any]], units: dict[str, int], q: dict[str, Any]
) -> dict[str, Any]:
    """Per bucket, the items with an available variant priced in it that meets the size and
    colour filters; the range of those prices."""
    buckets: Counter[int] = Counter()
    prices: list[int] = []
    for doc in docs:
        if not _item_passes(doc, q):
            continue
        own = {o.price for o in _offers(doc, units) if _meets(o, q, price=False)}
        prices += own
        buckets.update({max(b for b in PRICE_BOUNDARIES if b <= p) for p in own})
    return {
        "min": min(prices, default=None),
        "max": max(prices, default=None),
        "buckets": {b: buckets.get(b, 0) for b in PRICE_BOUNDARIES},
    }


async def _check_facets(
    client: httpx.AsyncClient, docs: list[dict[str, Any]], units: dict[str, int], q: dict[str, Any]
) -> None:
    body = (await client.get(ITEMS, params=[*_params(q), ("facets", "true")])).json()
    fields = body["facets"]["fields"]
    for facet, counts in _expected_facets(docs, units, q).items():
        if facet not in fields:  # attr.fit is a facet where the schema or a filter has it
            assert facet == "attr.fit"
            assert not q["attr.fit"]
            continue
        got = Counter({f["value"]: f["count"] for f in fields[facet]})
        assert got == counts, facet
    price = body["facets"]["price"]
    expected = _expected_price(docs, units, q)
    assert (price["min"], price["max"]) == (expected["min"], expected["max"])
    assert {b["min"]: b["count"] for b in price["buckets"]} == expected["buckets"]


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(rows=st.lists(item_rows, max_size=24), changes=edits, query=queries)
@example(rows=[SPLIT, BOTH], changes=[], query=BLACK_M)
@example(rows=[SPLIT, BOTH], changes=[(1, {"checkout": 1})], query=BLACK_M)  # its last black M
@example(rows=[SPLIT, BOTH], changes=[(1, {"checkout": 1}), (0, {"cancel": 1})], query=BLACK_M)
async def test_listing_matches_a_brute_force_reference(
    client: httpx.AsyncClient,
    shop: Stores,
    admin: dict[str, str],
    settings: Settings,
    index_mode: str,
    rows: list[dict[str, Any]],
    changes: list[tuple[int, dict[str, Any]]],
    query: dict[str, Any],
) -> None:
    items = await _catalogue(shop, rows)
    buyer = await shopper(client, shop, settings) if changes else None
    for position, change in changes:
        if items and buyer is not None:
            await _change(shop, admin, buyer, items[position % len(items)], change)
    docs = await Item.get_pymongo_collection().find({}).to_list()
    units = await _units(shop)
    listed = [
        d for d in docs if _item_passes(d, query) and _variant_passes(_offers(d, units), query)
    ]
    expected = _reference_order(listed, units, query)
    first = (await client.get(ITEMS, params=_params(query))).json()
    assert [i["id"] for i in first["items"]] == expected[: query["limit"]]
    assert await _all_pages(client, _params(query)) == expected
    await _check_facets(client, docs, units, query)

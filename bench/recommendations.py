"""Recommendation quality: hit-rate@10 on planted pairs, against a popularity baseline.

    .venv/bin/python bench/recommendations.py [--items 4000] [--orders 6000] [--pairs 200]
        [--pair-share 0.1]

Builds a synthetic catalogue in the read index (leaf categories of t-shirts, jeans, dresses
and sneakers; random brands, colours, attribute values and prices) and a purchase log in the
order tables, on real stores (embedded unless DATABASE_URL … are set, see bench/common.py):

* planted co-purchase pairs: `--pairs` pairs (a, b) of items of different categories, each
  bought together in a few paid orders (`--pair-share` of all, so 3 per pair by default,
  some only once), among orders of items drawn with a Zipf popularity
  (best sellers land in many baskets, so they co-occur with everything); unpaid orders add
  decoy pairs that must never count;
* planted similar items: for `--pairs` items a twin in the same category with the same
  brand, colours and attribute values at a price within 5 %.

Then the co-purchase job runs and the service functions answer: a hit is the planted partner
(twin) among the first 10 of bought-together (similar) for its item. The baseline answers
with the 10 best sellers of the item's category. Exits non-zero when a recommender finds
fewer than 80 % of its planted pairs.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from beanie import PydanticObjectId
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import stores
from garderobe import registry
from garderobe.accounts.models import User
from garderobe.catalog.browse import similarity
from garderobe.catalog.documents import Item, ItemStatus, Money
from garderobe.catalog.index import writer as index
from garderobe.commerce.models import Order, OrderItem, OrderStatus
from garderobe.infra.stores import Stores, open_stores
from garderobe.recommendations import co_purchases, service
from garderobe.settings import Settings
from garderobe.uow import unit_of_work

FLOOR = 0.8
AT = 10
CATEGORIES = {
    "t-shirts": ["clothes", "tops", "t-shirts"],
    "jeans": ["clothes", "bottoms", "jeans"],
    "dresses": ["clothes", "dresses", "dresses"],
    "sneakers": ["shoes", "sneakers", "sneakers"],
}
BRANDS = [f"brand-{n}" for n in range(12)]
COLOURS = ["black", "white", "blue", "red", "green", "grey", "beige", "pink"]
ATTRIBUTES = {"fit": ["slim", "regular", "loose", "oversized"], "style": ["a", "b", "c", "d", "e"]}


def _item(rng: random.Random, category: str) -> Item:
    return Item(
        id=None,
        title=f"{category} {rng.randrange(10**6)}",
        category=category,
        category_path=CATEGORIES[category],
        brand=rng.choice(BRANDS),
        size=rng.choice(["S", "M", "L"]),
        colours=rng.sample(COLOURS, rng.choice([1, 1, 2])),
        attributes={name: rng.choice(values) for name, values in ATTRIBUTES.items()},
        price=Money(amount=int(rng.lognormvariate(8, 0.6)), currency="EUR"),
        status=ItemStatus.ACTIVE,
    )


def _twin(rng: random.Random, of: Item) -> Item:
    price = max(1, int(of.price.amount * rng.uniform(0.95, 1.05)))
    return of.model_copy(update={"id": None, "price": Money(amount=price, currency="EUR")})


@dataclass
class Shop:
    items: list[Item]
    pairs: list[tuple[str, str]]  # planted co-purchases
    twins: list[tuple[str, str]]  # planted similar items


def build(rng: random.Random, size: int, planted: int) -> Shop:
    items = [_item(rng, rng.choice(list(CATEGORIES))) for _ in range(size)]
    originals = rng.sample(items, planted)
    twins = [_twin(rng, original) for original in originals]
    items += twins
    for item in items:
        item.id = PydanticObjectId()
    rng.shuffle(items)
    pairs: list[tuple[str, str]] = []
    while len(pairs) < planted:
        a, b = rng.sample(items, 2)
        if a.category != b.category:
            pairs.append((str(a.id), str(b.id)))
    planted_twins = [(str(o.id), str(t.id)) for o, t in zip(originals, twins, strict=True)]
    return Shop(items, pairs, planted_twins)


def baskets(
    rng: random.Random, shop: Shop, orders: int, share: float
) -> list[tuple[list[str], bool]]:
    """(item ids, paid) per order: `share` of them carry a planted pair, all carry Zipf
    noise; one in ten is unpaid and carries a decoy pair of its own."""
    ids = [str(item.id) for item in shop.items]
    weights = [1 / (rank + 1) for rank in range(len(ids))]
    found: list[tuple[list[str], bool]] = []
    for n in range(orders):
        noise = rng.choices(ids, weights, k=rng.randint(1, 3))
        if n % 10 == 0:
            found.append(([*rng.sample(ids, 2), *noise], False))
        elif rng.random() < share:
            found.append(([*rng.choice(shop.pairs), *noise], True))
        else:
            found.append((noise, True))
    return found


async def load(stores_: Stores, shop: Shop, orders: list[tuple[list[str], bool]]) -> None:
    async with unit_of_work(stores_) as session:
        rows = [(item, list(item.category_path), item.brand) for item in shop.items]
        for start in range(0, len(rows), 1000):
            await index.index_items_bulk(session, rows[start : start + 1000])
        user = uuid.uuid4()
        await session.execute(
            insert(User).values(id=user, email="bench@example.org", password_hash="-")  # noqa: S106
        )
        order_rows, line_rows = [], []
        for n, (item_ids, paid) in enumerate(orders):
            order = uuid.uuid4()
            status = OrderStatus.PAID if paid else OrderStatus.PENDING_PAYMENT
            order_rows.append(_order(order, n, user, status))
            line_rows += [_line(order, i) for i in dict.fromkeys(item_ids)]
        await session.execute(insert(Order), order_rows)
        await session.execute(insert(OrderItem), line_rows)


def _order(order: uuid.UUID, n: int, user: uuid.UUID, status: OrderStatus) -> dict[str, object]:
    return {
        "id": order,
        "number": f"B{n:07d}",
        "user_id": user,
        "status": status,
        "currency": "EUR",
        "subtotal": 0,
        "shipping": 0,
        "total": 0,
        "shipping_address": {},
    }


def _line(order: uuid.UUID, item_id: str) -> dict[str, object]:
    return {"order_id": order, "item_id": item_id, "title": "-", "unit_price": 0, "quantity": 1}


async def baseline(session: AsyncSession, item_id: str, leaf: str) -> list[str]:
    """The 10 best sellers of the item's category (the item itself left out)."""
    popular = await co_purchases.popular(session, 5000)
    ranked = await similarity.active_among(session, popular, categories=[leaf])
    return [i for i in ranked if i != item_id][:AT]


async def hit_rates(
    session: AsyncSession, planted: Sequence[tuple[str, str]], kind: str, leaf: dict[str, str]
) -> tuple[float, float]:
    hits = base_hits = 0
    for item_id, wanted in planted:
        if kind == "similar":
            found = await similarity.similar_item_ids(session, item_id, limit=AT)
        else:
            found = await service.bought_together_ids(session, item_id, AT)
        hits += wanted in found
        base_hits += wanted in await baseline(session, item_id, leaf[item_id])
    return hits / len(planted), base_hits / len(planted)


async def run(args: argparse.Namespace, settings: Settings) -> int:
    rng = random.Random(args.seed)
    opened = await open_stores(settings, registry.document_models())
    try:  # item documents can be built only once Beanie knows them
        shop = build(rng, args.items, args.pairs)
        orders = baskets(rng, shop, args.orders, args.pair_share)
        await load(opened, shop, orders)
        started = time.perf_counter()
        async with unit_of_work(opened) as session:
            changed = await co_purchases.recompute(session)
        took = time.perf_counter() - started
        leaf = {str(item.id): item.category for item in shop.items}
        async with opened.sessionmaker() as session:
            bought = await hit_rates(session, shop.pairs, "bought-together", leaf)
            similar = await hit_rates(session, shop.twins, "similar", leaf)
    finally:
        await opened.close()
    paid = sum(1 for _, is_paid in orders if is_paid)
    print(f"catalogue {len(shop.items):,} items; {len(orders):,} orders ({paid:,} paid)")
    print(f"co-purchase job: {changed:,} rows written in {took * 1000:.0f} ms")
    print(f"{'hit-rate@10':<28} {'recommender':>12} {'baseline':>10}")
    print(f"{'bought together':<28} {bought[0]:>12.3f} {bought[1]:>10.3f}")
    print(f"{'similar':<28} {similar[0]:>12.3f} {similar[1]:>10.3f}")
    print("baseline: the 10 best sellers of the item's category")
    return 0 if min(bought[0], similar[0]) >= FLOOR else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--items", type=int, default=4000, help="catalogue size before twins")
    parser.add_argument("--orders", type=int, default=6000)
    parser.add_argument("--pairs", type=int, default=200, help="planted pairs and twins each")
    parser.add_argument(
        "--pair-share", type=float, default=0.1, help="share of orders with a planted pair"
    )
    parser.add_argument("--seed", type=int, default=14)
    args = parser.parse_args()
    registry.import_models()
    with stores() as (settings, _):
        return asyncio.run(run(args, settings))


if __name__ == "__main__":
    sys.exit(main())

"""Checkout throughput against a real uvicorn process, and a floor measured in the same run.

    python bench/checkout.py [--buyers 32] [--orders-per-buyer 10] [--webhook-subscriptions 10]

Each buyer puts one variant (a size of a T-shirt sold in four) in its cart and places an order
(with a fresh Idempotency-Key), over and over: plain (no code, the default shipping)
and priced (a discount code with a usage limit it never reaches, a shipping method chosen
among a zone's two), in turns; the priced orders/s are compared with the plain ones of the
same run.
Before that, every buyer races once for one scarce size of one item: the oversell count
(orders of it beyond its stock) must be 0. The floor is the same number of bare
three-statement PostgreSQL transactions (conditional UPDATE, INSERT, SELECT) through asyncpg
at the same concurrency: what the database alone
allows, with no HTTP, JSON, MongoDB or ORM.
With `--webhook-subscriptions N`, N active subscriptions listen to every event: each checkout
then writes its webhook events to the outbox (no worker runs, so nothing is sent; the request's
own cost is what is measured). After the load it also measures one buyer's checkouts one at
a time, in alternating batches with the N subscriptions switched off and on (the switch takes
effect with the next transaction): the two latencies come from the same server under the same
outside load, which separate runs on a shared machine are not.
Stores come from the environment or start embedded (see bench/common.py).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from bson import ObjectId
from sqlalchemy import delete, func, select, update
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import GARDEROBE, environment, serving, stores
from garderobe import registry
from garderobe.accounts import addresses
from garderobe.accounts.models import User
from garderobe.accounts.security import hash_password, issue_token
from garderobe.catalog.documents import (
    Item,
    ItemStatus,
    Money,
    Variant,
    VariantSize,
    legacy_sku,
)
from garderobe.commerce.models import Order, OrderItem
from garderobe.infra.stores import Stores, open_stores
from garderobe.pricing.models import Discount, ShippingMethod, ShippingZone
from garderobe.settings import Settings
from garderobe.stock import service as stock
from garderobe.stock.models import Stock
from garderobe.webhooks.events import EVENT_TYPES
from garderobe.webhooks.models import WebhookSubscription
from garderobe.webhooks.signing import new_secret

SCARCE_UNITS = 10
BENCH_CODE = "BENCH10"
SIZES = ("S", "M", "L", "XL")


@dataclass(frozen=True)
class Target:
    """One variant to buy: the cart line's item and variant."""

    item_id: str
    variant_id: str


ADDRESS = {
    "recipient": "Bench Buyer",
    "line1": "1 Main St",
    "city": "Berlin",
    "postal_code": "10115",
    "country": "DE",
}


@dataclass
class Buyer:
    headers: dict[str, str]
    address_id: str


@dataclass
class Run:
    latencies: list[float] = field(default_factory=list)
    refused: int = 0
    seconds: float = 0.0

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] * 1000


async def _prepare(
    settings: Settings, buyers: int, items: int, subscriptions: int
) -> tuple[list[Buyer], list[Target], Target]:
    store = await open_stores(settings, registry.document_models())
    try:
        await _subscribe(store, subscriptions)
        ids = await _items(store, items)
        scarce = ids.pop()
        people = [await _buyer(store, settings, n) for n in range(buyers)]
        return people, ids, scarce
    finally:
        await store.close()


async def _subscribe(store: Stores, count: int) -> None:
    async with store.sessionmaker() as session, session.begin():
        for n in range(count):
            session.add(
                WebhookSubscription(
                    id=uuid.uuid4(),
                    url=f"https://hooks-{n}.example.com/in",
                    event_types=list(EVENT_TYPES),
                    secret=new_secret(),
                    active=True,
                )
            )


def _tee(n: int) -> Item:
    variants = [
        Variant(id=(vid := str(ObjectId())), sku=legacy_sku(vid), size=size, position=p)
        for p, size in enumerate(VariantSize(system="letter", value=v) for v in SIZES)
    ]
    return Item(
        title=f"Bench tee {n}",
        category="t-shirts",
        category_path=["clothes", "tops", "t-shirts"],
        price=Money(amount=1990),
        status=ItemStatus.ACTIVE,
        variants=variants,
    )


def _units(scarce: bool) -> int:
    return SCARCE_UNITS if scarce else 100_000


async def _items(store: Stores, count: int) -> list[Target]:
    """`count` + 1 tees in four sizes, plenty of each; the last one's M is the scarce one."""
    docs = [_tee(n) for n in range(count + 1)]
    for doc in docs:
        await doc.insert()
    targets = [Target(str(d.id), v.id) for d in docs for v in d.variants]
    scarce = targets[-3]  # the last tee's M
    rows = [
        stock.NewStock(
            v.id, str(d.id), v.sku, SCARCE_UNITS if v.id == scarce.variant_id else 100_000
        )
        for d in docs
        for v in d.variants
    ]
    async with store.sessionmaker() as session, session.begin():
        await stock.create_for_variants(session, rows)
    return [t for t in targets if t.item_id != scarce.item_id] + [scarce]


async def _buyer(store: Stores, settings: Settings, n: int) -> Buyer:
    user = User(
        id=uuid.uuid4(),
        email=f"buyer{n}-{uuid.uuid4().hex[:6]}@bench.example",
        password_hash=hash_password("bench-password"),
        email_confirmed_at=datetime.now(UTC),
    )
    async with store.sessionmaker() as session, session.begin():
        session.add(user)
        await session.flush()
        address = await addresses.create_address(session, user.id, dict(ADDRESS))
    token, _ = issue_token(settings, user.id, "access")
    return Buyer({"Authorization": f"Bearer {token}"}, str(address.id))


async def _checkout(
    client: httpx.AsyncClient, buyer: Buyer, target: Target, choice: dict[str, Any] | None = None
) -> httpx.Response:
    line = {"item_id": target.item_id, "variant_id": target.variant_id, "quantity": 1}
    added = await client.post("/api/v1/cart/items", headers=buyer.headers, json=line)
    if added.status_code != 201:
        return added
    return await client.post(
        "/api/v1/orders",
        json={"address_id": buyer.address_id, **(choice or {})},
        headers={**buyer.headers, "Idempotency-Key": uuid.uuid4().hex},
    )


AB_ROUNDS = 6
AB_BATCH = 20


async def _switch_subscriptions(settings: Settings, active: bool) -> None:
    store = await open_stores(settings, registry.document_models())
    try:
        async with store.sessionmaker() as session, session.begin():
            await session.execute(update(WebhookSubscription).values(active=active))
    finally:
        await store.close()


async def _configure_pricing(settings: Settings) -> dict[str, Any]:
    """A 10% code (limit far above the run) and a zone for the buyers' country with two
    methods; returns what a priced checkout sends."""
    store = await open_stores(settings, registry.document_models())
    try:
        async with store.sessionmaker() as session, session.begin():
            session.add(
                Discount(
                    id=uuid.uuid4(),
                    code=BENCH_CODE,
                    name="Bench ten",
                    kind="percentage",
                    value=10,
                    currency="EUR",
                    scope="shop",
                    targets=[],
                    usage_limit=10_000_000,
                )
            )
            zone = ShippingZone(id=uuid.uuid4(), name="Bench EU", countries=["DE", "FR"])
            session.add(zone)
            await session.flush()
            express = ShippingMethod(
                id=uuid.uuid4(),
                zone_id=zone.id,
                name="Express",
                currency="EUR",
                basis="subtotal",
                bands=[{"up_to": None, "price": 1500}],
                free_over=None,
            )
            standard = ShippingMethod(
                id=uuid.uuid4(),
                zone_id=zone.id,
                name="Standard",
                currency="EUR",
                basis="weight",
                bands=[{"up_to": 2000, "price": 490}, {"up_to": None, "price": 990}],
                free_over=10_000,
            )
            session.add_all([express, standard])
        return {"discount_codes": [BENCH_CODE], "shipping_method_id": str(express.id)}
    finally:
        await store.close()


async def _alternating(
    base: str, settings: Settings, buyer: Buyer, items: list[Target]
) -> dict[bool, Run]:
    """Sequential checkouts of one buyer, batches alternating subscriptions off and on."""
    runs = {False: Run(), True: Run()}
    async with httpx.AsyncClient(base_url=base, timeout=120) as client:
        for n in range(AB_ROUNDS * 2):
            active = n % 2 == 1
            await _switch_subscriptions(settings, active)
            for _ in range(AB_BATCH):
                sent = time.perf_counter()
                response = await _checkout(client, buyer, random.choice(items))
                if response.status_code == 201:
                    runs[active].latencies.append(time.perf_counter() - sent)
                else:
                    runs[active].refused += 1
    return runs


def _print_alternating(subscriptions: int, runs: dict[bool, Run]) -> None:
    for active, measured in runs.items():
        state = f"{subscriptions} subscriptions {'on' if active else 'off'}"
        print(
            f"one buyer, {state:>20}: p50 {measured.percentile(50):6.1f} ms   "
            f"p90 {measured.percentile(90):6.1f} ms   ({len(measured.latencies)} checkouts, "
            f"{AB_ROUNDS} alternating batches of {AB_BATCH})"
        )


async def _race_for_scarce(base: str, buyers: list[Buyer], scarce: Target) -> int:
    async with httpx.AsyncClient(base_url=base, timeout=120) as client:
        responses = await asyncio.gather(*(_checkout(client, b, scarce) for b in buyers))
        for buyer, response in zip(buyers, responses, strict=True):
            if response.status_code != 201:  # the losers' carts still hold the scarce item
                await client.delete("/api/v1/cart", headers=buyer.headers)
    return sum(r.status_code == 201 for r in responses)


async def _load(
    base: str,
    buyers: list[Buyer],
    items: list[Target],
    rounds: int,
    choice: dict[str, Any] | None = None,
) -> Run:
    run = Run()
    limits = httpx.Limits(max_connections=len(buyers))
    async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as client:

        async def shop(buyer: Buyer) -> None:
            for _ in range(rounds):
                sent = time.perf_counter()
                response = await _checkout(client, buyer, random.choice(items), choice)
                if response.status_code == 201:
                    run.latencies.append(time.perf_counter() - sent)
                else:
                    run.refused += 1

        started = time.perf_counter()
        await asyncio.gather(*(shop(b) for b in buyers))
        run.seconds = time.perf_counter() - started
    return run


def _alternate(
    settings: Settings, base: str, buyers: list[Buyer], items: list[Target], rounds: int
) -> tuple[Run, Run]:
    """Plain and priced checkouts in turns (plain, priced, plain, priced: half the rounds
    each time), so that a machine busier in one part of the run weighs on both alike. The
    zone and the code exist only during the priced turns: plain is today's checkout."""
    plain, priced = Run(), Run()
    for turn in (rounds // 2, rounds - rounds // 2):
        _merge(plain, asyncio.run(_load(base, buyers, items, turn)))
        choice = asyncio.run(_configure_pricing(settings))
        _merge(priced, asyncio.run(_load(base, buyers, items, turn, choice)))
        asyncio.run(_clear_pricing(settings))
    return plain, priced


def _merge(total: Run, part: Run) -> None:
    total.latencies += part.latencies
    total.refused += part.refused
    total.seconds += part.seconds


async def _clear_pricing(settings: Settings) -> None:
    """Back to no zone and no code (the orders keep their discount lines)."""
    store = await open_stores(settings, registry.document_models())
    try:
        async with store.sessionmaker() as session, session.begin():
            await session.execute(delete(ShippingZone))
            await session.execute(delete(Discount))
    finally:
        await store.close()


async def _floor(settings: Settings, concurrency: int, total: int) -> Run:
    """Bare three-statement transactions: conditional UPDATE, INSERT, SELECT."""
    url = make_url(str(settings.database_url))
    pool = await asyncpg.create_pool(
        host=url.host,
        port=url.port or 5432,
        user=url.username,
        password=url.password,
        database=url.database,
        min_size=concurrency,
        max_size=concurrency,
    )
    async with pool.acquire() as conn:
        await conn.execute("CREATE TEMP TABLE IF NOT EXISTS bench_floor_probe (x int)")
        await conn.execute(
            "CREATE TABLE IF NOT EXISTS bench_floor (id uuid primary key, "
            "item_id text, at timestamptz default now())"
        )
        await conn.execute(
            "INSERT INTO stock (variant_id, item_id, sku, on_hand, reserved) "
            "VALUES ('floor', 'floor', 'BENCH-FLOOR', $1, 0) ON CONFLICT DO NOTHING",
            total * 2,
        )
    run = Run()

    async def worker(count: int) -> None:
        async with pool.acquire() as conn:
            for _ in range(count):
                sent = time.perf_counter()
                async with conn.transaction():
                    await conn.execute(
                        "UPDATE stock SET reserved = reserved + 1 WHERE "
                        "variant_id = 'floor' AND on_hand - reserved >= 1"
                    )
                    await conn.execute(
                        "INSERT INTO bench_floor (id, item_id) VALUES ($1, 'floor')", uuid.uuid4()
                    )
                    await conn.fetchval(
                        "SELECT on_hand - reserved FROM stock WHERE variant_id = 'floor'"
                    )
                run.latencies.append(time.perf_counter() - sent)

    started = time.perf_counter()
    await asyncio.gather(*(worker(total // concurrency) for _ in range(concurrency)))
    run.seconds = time.perf_counter() - started
    async with pool.acquire() as conn:
        await conn.execute("DROP TABLE bench_floor")
        await conn.execute("DELETE FROM stock WHERE item_id = 'floor'")
    await pool.close()
    return run


async def _oversold(settings: Settings, scarce: Target, sold: int) -> tuple[int, int]:
    """(orders beyond the scarce variant's stock, units below zero anywhere) from the
    database."""
    store = await open_stores(settings, registry.document_models())
    try:
        async with store.sessionmaker() as session:
            ordered = await session.scalar(
                select(func.coalesce(func.sum(OrderItem.quantity), 0))
                .join(Order, Order.id == OrderItem.order_id)
                .where(OrderItem.variant_id == scarce.variant_id)
            )
            negative = await session.scalar(
                select(func.count())
                .select_from(Stock)
                .where((Stock.on_hand < 0) | (Stock.reserved > Stock.on_hand))
            )
        assert int(ordered or 0) == sold
        return max(0, int(ordered or 0) - SCARCE_UNITS), int(negative or 0)
    finally:
        await store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--buyers", type=int, default=32)
    parser.add_argument("--orders-per-buyer", type=int, default=10)
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--webhook-subscriptions", type=int, default=0)
    args = parser.parse_args()
    with stores() as (settings, embedded):
        print(f"stores: {'embedded ' + ', '.join(embedded) if embedded else 'from environment'}")
        prepared = _prepare(settings, args.buyers, args.items, args.webhook_subscriptions)
        buyers, items, scarce = asyncio.run(prepared)
        argv = [GARDEROBE, "serve", "--host", "127.0.0.1", "--port", "{port}"]
        with serving(argv, environment(settings), "/health/live") as base:
            sold = asyncio.run(_race_for_scarce(base, buyers, scarce))
            run, priced = _alternate(settings, base, buyers, items, args.orders_per_buyer)
            alternating = None
            if args.webhook_subscriptions:
                alternating = asyncio.run(_alternating(base, settings, buyers[0], items))
        total = len(run.latencies)
        floor = asyncio.run(_floor(settings, args.buyers, max(total, args.buyers)))
        oversold, negative = asyncio.run(_oversold(settings, scarce, sold))
    orders_per_s = total / run.seconds
    floor_per_s = len(floor.latencies) / floor.seconds
    print(f"catalogue: {args.items} tees in {len(SIZES)} sizes ({len(items)} variants to buy)")
    print(f"webhook subscriptions: {args.webhook_subscriptions} (every event)")
    print(f"race: {len(buyers)} buyers for {SCARCE_UNITS} units of one size -> {sold} orders")
    print(
        f"checkout  {args.buyers} buyers  {orders_per_s:8.1f} orders/s   p50 "
        f"{run.percentile(50):7.1f} ms   p99 {run.percentile(99):7.1f} ms   "
        f"({total} orders, {run.refused} refused)"
    )
    print(
        f"floor     {args.buyers} conns   {floor_per_s:8.1f} tx/s       p50 "
        f"{floor.percentile(50):7.1f} ms   p99 {floor.percentile(99):7.1f} ms   "
        f"(bare UPDATE+INSERT+SELECT through asyncpg)"
    )
    priced_per_s = len(priced.latencies) / priced.seconds
    print(
        f"priced    {args.buyers} buyers  {priced_per_s:8.1f} orders/s   p50 "
        f"{priced.percentile(50):7.1f} ms   p99 {priced.percentile(99):7.1f} ms   "
        f"({len(priced.latencies)} orders with a code and a chosen method, "
        f"{priced.refused} refused)"
    )
    print(f"ratio     checkout / floor = {orders_per_s / floor_per_s:.3f}")
    print(f"ratio     priced / plain = {priced_per_s / orders_per_s:.3f} (target >= 0.8)")
    _print_alternating(args.webhook_subscriptions, alternating or {})
    print(f"oversell  {oversold} (must be 0); stock rows below zero: {negative}")
    if oversold or negative:
        sys.exit(1)


if __name__ == "__main__":
    main()

"""Recommendation scenarios of the catalog benchmark (bench/catalog.py calls `measure`).

On the seeded catalogue it writes a purchase log (paid orders of 2-4 items drawn with a Zipf
popularity, by a few thousand shoppers who each viewed a few items), runs the co-purchase
job, then loads a running `garderobe serve` with:

* similar items and bought-together of random items (mostly first computations), and of a
  hot set (cached);
* for-you rows of distinct shoppers (bearer tokens), each asked once before it repeats;
* the same three one request at a time (concurrency 1, uncached), the per-call latency.
"""

from __future__ import annotations

import asyncio
import itertools
import random
import time
import uuid
from collections import Counter
from collections.abc import Callable
from typing import Any

import httpx
from sqlalchemy import insert

from bench.common import Figures
from garderobe.accounts.models import User
from garderobe.accounts.security import issue_token
from garderobe.catalog.browse import viewed
from garderobe.commerce.models import Order, OrderItem, OrderStatus
from garderobe.infra import postgres
from garderobe.infra.redis import create_client
from garderobe.recommendations import co_purchases
from garderobe.settings import Settings

API = "/api/v1"
SHOPPERS = 3000
ORDERS = 20_000
VIEWS_PER_SHOPPER = 5
Call = tuple[str, dict[str, str]]  # path and headers


async def purchase_log(settings: Settings, item_ids: list[str]) -> list[uuid.UUID]:
    """Shoppers, their paid orders and views; then the co-purchase job. Returns the shoppers."""
    rng = random.Random(21)
    weights = [1 / (rank + 1) for rank in range(len(item_ids))]
    shoppers = [uuid.uuid4() for _ in range(SHOPPERS)]
    users = [
        {"id": u, "email": f"bench-{u.hex}@example.org", "password_hash": "-"} for u in shoppers
    ]
    orders, lines = [], []
    for n in range(ORDERS):
        order = uuid.uuid4()
        orders.append(
            {
                "id": order,
                "number": f"R{n:07d}",
                "user_id": rng.choice(shoppers),
                "status": OrderStatus.PAID,
                "currency": "EUR",
                "subtotal": 0,
                "shipping": 0,
                "total": 0,
                "shipping_address": {},
            }
        )
        basket = dict.fromkeys(rng.choices(item_ids, weights, k=rng.randint(2, 4)))
        lines += [
            {"order_id": order, "item_id": i, "title": "-", "unit_price": 0, "quantity": 1}
            for i in basket
        ]
    engine = postgres.create_engine(str(settings.database_url), pool_size=2)
    try:
        async with engine.begin() as connection:
            await connection.execute(insert(User), users)
            await connection.execute(insert(Order), orders)
            await connection.execute(insert(OrderItem), lines)
        sessionmaker = postgres.create_sessionmaker(engine)
        started = time.perf_counter()
        async with sessionmaker() as session, session.begin():
            changed = await co_purchases.recompute(session)
        print(
            f"purchase log: {ORDERS:,} paid orders, {len(lines):,} lines; co-purchase job "
            f"{changed:,} rows in {time.perf_counter() - started:.1f} s",
            flush=True,
        )
    finally:
        await engine.dispose()
    redis = create_client(str(settings.redis_url))
    try:
        for shopper in shoppers:
            for item_id in rng.sample(item_ids, VIEWS_PER_SHOPPER):
                await viewed.record_view(redis, shopper, item_id)
    finally:
        await redis.aclose()
    return shoppers


async def _load(
    base: str, calls: Callable[[int], Call], concurrency: int, seconds: float
) -> Figures:
    """`concurrency` clients looping for `seconds` (bench.common.load, with headers)."""
    counter = itertools.count()
    latencies: list[float] = []
    sizes: list[int] = []
    cache: Counter[str] = Counter()
    errors = 0
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, timeout=600, limits=limits) as client:
        started = time.perf_counter()
        deadline = started + seconds

        async def worker() -> None:
            nonlocal errors
            while time.perf_counter() < deadline:
                path, headers = calls(next(counter))
                sent = time.perf_counter()
                response = await client.get(path, headers=headers)
                if response.is_success:
                    latencies.append(time.perf_counter() - sent)
                    sizes.append(len(response.content))
                    cache[response.headers.get("x-cache", "-")] += 1
                else:
                    errors += 1

        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    size = sorted(sizes)[len(sizes) // 2] if sizes else 0
    return Figures(len(latencies), elapsed, latencies, size, errors, cache)


async def measure(base: str, item_ids: list[str], settings: Settings, args: Any) -> None:
    """Write the purchase log, then run and print every recommendation scenario."""
    shoppers = await purchase_log(settings, item_ids)
    tokens = [
        {"Authorization": f"Bearer {issue_token(settings, s, 'access')[0]}"} for s in shoppers
    ]
    rng = random.Random(3)
    shuffled = rng.sample(item_ids, len(item_ids))
    shuffled *= 1 + 20_000 // len(shuffled)  # past the end, items come round again
    tokens *= 1 + 20_000 // len(tokens)
    scenarios: list[tuple[str, Callable[[int], Call]]] = [
        ("similar, random items", lambda n: (f"{API}/items/{shuffled[n]}/similar", {})),
        ("similar, hot (cached)", lambda n: (f"{API}/items/{shuffled[n % 50]}/similar", {})),
        (
            "bought-together, random",
            lambda n: (f"{API}/items/{shuffled[-1 - n]}/bought-together", {}),
        ),
        ("for you, distinct shoppers", lambda n: (f"{API}/users/me/recommendations", tokens[n])),
    ]
    for name, calls in scenarios:
        figures = await _load(base, calls, args.concurrency, args.seconds)
        print(figures.line(name), flush=True)
    print("\none request at a time, uncached (200 each):")
    offset = len(item_ids) // 2
    singles: list[tuple[str, Callable[[int], Call]]] = [
        ("similar", lambda n: (f"{API}/items/{shuffled[offset + n]}/similar", {})),
        (
            "bought-together",
            lambda n: (f"{API}/items/{shuffled[offset + 500 + n]}/bought-together", {}),
        ),
        ("for you", lambda n: (f"{API}/users/me/recommendations", tokens[-1 - n])),
    ]
    for name, calls in singles:
        figures = await _load_sequential(base, calls, 200)
        print(figures.line(f"  {name}"), flush=True)


async def _load_sequential(base: str, calls: Callable[[int], Call], count: int) -> Figures:
    latencies: list[float] = []
    sizes: list[int] = []
    cache: Counter[str] = Counter()
    async with httpx.AsyncClient(base_url=base, timeout=600) as client:
        await client.get(calls(count)[0], headers=calls(count)[1])  # warm the connection
        started = time.perf_counter()
        for n in range(count):
            path, headers = calls(n)
            sent = time.perf_counter()
            response = await client.get(path, headers=headers)
            latencies.append(time.perf_counter() - sent)
            sizes.append(len(response.content))
            cache[response.headers.get("x-cache", "-")] += 1
        elapsed = time.perf_counter() - started
    return Figures(count, elapsed, latencies, sorted(sizes)[count // 2], 0, cache)

"""Load with nothing lost, against a real `garderobe serve` process (a bench, not a timed test).

    python bench/oversell.py [--buyers 64] [--units 5] [--retries 1000] [--concurrency 32]

1. `--buyers` buyers, each with the one scarce item (`--units` on hand) in the cart, check out
   at the same moment: exactly `--units` orders may exist afterwards.
2. One buyer sends the same checkout `--retries` times with one Idempotency-Key (a client
   retrying through timeouts): exactly one order may exist, every answer names it.
Counts come from the responses and from the database; any response >= 500 counts too. It
prints the figures and exits non-zero unless they are exactly units / 1 / 0.
Stores come from the environment or start embedded (see bench/common.py).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import uuid
from collections import Counter
from pathlib import Path

import httpx
from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.checkout import Buyer, _buyer
from bench.common import GARDEROBE, environment, serving, stores
from garderobe import registry
from garderobe.catalog.documents import Item, ItemStatus, Money, legacy_sku
from garderobe.commerce.models import Order, OrderItem
from garderobe.infra.stores import open_stores
from garderobe.settings import Settings
from garderobe.stock import service as stock


async def _prepare(settings: Settings, buyers: int, units: int) -> tuple[list[Buyer], str, str]:
    store = await open_stores(settings, registry.document_models())
    try:
        scarce, plenty = (
            Item(
                title=f"Oversell probe {n}",
                category="t-shirts",
                category_path=["clothes", "tops", "t-shirts"],
                price=Money(amount=2500),
                status=ItemStatus.ACTIVE,
            )
            for n in range(2)
        )
        await scarce.insert()
        await plenty.insert()
        async with store.sessionmaker() as session, session.begin():
            rows = [(scarce, units), (plenty, 1_000_000)]
            await stock.create_for_variants(
                session,
                [stock.NewStock(str(i.id), str(i.id), legacy_sku(str(i.id)), n) for i, n in rows],
            )
        people = [await _buyer(store, settings, n) for n in range(buyers + 1)]
        return people, str(scarce.id), str(plenty.id)
    finally:
        await store.close()


async def _race(client: httpx.AsyncClient, buyers: list[Buyer], item_id: str) -> Counter[int]:
    for buyer in buyers:
        added = await client.post(
            "/api/v1/cart/items", headers=buyer.headers, json={"item_id": item_id, "quantity": 1}
        )
        added.raise_for_status()

    async def order(buyer: Buyer) -> int:
        response = await client.post(
            "/api/v1/orders",
            json={"address_id": buyer.address_id},
            headers={**buyer.headers, "Idempotency-Key": uuid.uuid4().hex},
        )
        return response.status_code

    return Counter(await asyncio.gather(*(order(b) for b in buyers)))


async def _retries(
    client: httpx.AsyncClient, buyer: Buyer, item_id: str, retries: int, concurrency: int
) -> tuple[Counter[int], set[str]]:
    added = await client.post(
        "/api/v1/cart/items", headers=buyer.headers, json={"item_id": item_id, "quantity": 1}
    )
    added.raise_for_status()
    key = uuid.uuid4().hex
    statuses: Counter[int] = Counter()
    order_ids: set[str] = set()
    gate = asyncio.Semaphore(concurrency)

    async def attempt() -> None:
        async with gate:
            response = await client.post(
                "/api/v1/orders",
                json={"address_id": buyer.address_id},
                headers={**buyer.headers, "Idempotency-Key": key},
            )
        statuses[response.status_code] += 1
        if response.status_code in (200, 201):
            order_ids.add(response.json()["id"])

    await asyncio.gather(*(attempt() for _ in range(retries)))
    return statuses, order_ids


async def _orders_holding(settings: Settings, item_id: str) -> int:
    store = await open_stores(settings, registry.document_models())
    try:
        async with store.sessionmaker() as session:
            count = await session.scalar(
                select(func.count(func.distinct(Order.id)))
                .join(OrderItem, OrderItem.order_id == Order.id)
                .where(OrderItem.item_id == item_id)
            )
        return int(count or 0)
    finally:
        await store.close()


async def _run(
    base: str, args: argparse.Namespace, buyers: list[Buyer], scarce: str, plenty: str
) -> tuple[Counter[int], Counter[int], set[str]]:
    limits = httpx.Limits(max_connections=max(args.buyers, args.concurrency))
    async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as client:
        race = await _race(client, buyers[:-1], scarce)
        retried, ids = await _retries(client, buyers[-1], plenty, args.retries, args.concurrency)
    return race, retried, ids


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--buyers", type=int, default=64)
    parser.add_argument("--units", type=int, default=5)
    parser.add_argument("--retries", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=32, help="for the retries")
    args = parser.parse_args()
    with stores() as (settings, embedded):
        print(f"stores: {'embedded ' + ', '.join(embedded) if embedded else 'from environment'}")
        buyers, scarce, plenty = asyncio.run(_prepare(settings, args.buyers, args.units))
        argv = [GARDEROBE, "serve", "--host", "127.0.0.1", "--port", "{port}"]
        with serving(argv, environment(settings), "/health/live") as base:
            race, retried, ids = asyncio.run(_run(base, args, buyers, scarce, plenty))
        scarce_orders = asyncio.run(_orders_holding(settings, scarce))
        retried_orders = asyncio.run(_orders_holding(settings, plenty))
    server_errors = sum(n for s, n in (race + retried).items() if s >= 500)
    print(f"race:    {args.buyers} buyers for {args.units} units -> statuses {dict(race)}")
    print(f"         orders holding the item: {scarce_orders} (must be {args.units})")
    print(f"retries: {args.retries} x one Idempotency-Key -> statuses {dict(retried)}")
    print(f"         orders: {retried_orders}, distinct order ids answered: {len(ids)} (must be 1)")
    print(f"responses >= 500: {server_errors} (must be 0)")
    ok = scarce_orders == args.units and retried_orders == 1 and len(ids) == 1
    return 0 if ok and server_errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())

"""Catalog benchmark: seed N items, then load the catalog reads against bare JSON floors.

    .venv/bin/python bench/catalog.py [--items 100000] [--seconds 10] [--concurrency 16]
                                      [--workers 1]

Starts its own stores (embedded, nx-27017 for MongoDB) unless DATABASE_URL, MONGODB_URL …
are set, seeds with `garderobe seed --items N` (items/s), serves the API with a real
`garderobe serve` (uvicorn) process and measures, at the given concurrency:

* facet listing (two or three filters + facets=true, limit 24) uncached: every request a
  filter combination not asked before, over a mix of categories from leaf to department;
* the same listing cached (a few combinations asked again and again);
* the listing without facets, uncached and cached;
* item detail, random items (mostly first views) and a hot set (cached);
* search and suggest, each request a query not asked before;
* the facet listing of items that fit a guest's body measures (`chest=…&waist=…`, the
  `fits=me` matching without an account), and one with a size of another system than the
  items' (`size_system=uk_women&size=10`), both uncached;
* single requests, one at a time, for the broadest department with three filters and
  without, each uncached (the catalog cache generation is bumped before each);
* recommendations: similar, bought-together and for-you (bench/recommendations_load.py);
* a bare FastAPI route serving the very body of each kind, in its own uvicorn process:
  the floor each ratio is taken against.

The API runs while the seed writes (as a shop's does during an import): right after the seed
it times the first listing (the in-memory index is then catching up in the background; the
statements answer) and how long until the index is loaded again (`/metrics`), before the
scenarios above.

Prints req/s, p50, p99, cache outcomes, ratios, seed items/s, the API's RSS (per worker and
the host's total) and which MongoDB answered.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from redis.asyncio import Redis

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import recommendations_load
from bench.common import (
    GARDEROBE,
    Figures,
    Request,
    environment,
    load,
    median,
    mongodb_server,
    seed,
    serving,
    stores,
)
from garderobe.catalog.cache import NAMESPACE
from garderobe.settings import Settings

DEFAULT_ITEMS = 100_000
API = "/api/v1"


@dataclass
class Shelf:
    """What one category offers: its most common colours and sizes, its price ranges."""

    category: str
    items: int
    colours: list[str]
    sizes: list[str]
    price_ranges: list[tuple[int, int]]


@dataclass
class Catalogue:
    """What the seeded shop offers, read from the API: the values requests are built from."""

    shelves: list[Shelf]  # a mix of categories from department to leaf
    words: list[str]
    item_ids: list[str]

    @property
    def broadest(self) -> Shelf:
        return max(self.shelves, key=lambda shelf: shelf.items)


def _category_mix(tree: list[dict[str, Any]]) -> list[str]:
    """Every department, then up to three groups and three leaves under them."""
    departments = [node["slug"] for node in tree]
    groups = [child for node in tree for child in node["children"]]
    leaves = [leaf for group in groups for leaf in group["children"]]
    random.Random(7).shuffle(leaves)
    return departments + [g["slug"] for g in groups[:3]] + [leaf["slug"] for leaf in leaves[:3]]


async def _shelf(client: httpx.AsyncClient, category: str) -> Shelf:
    page = (await client.get("/items", params={"category": category, "facets": "true"})).json()
    fields, price = page["facets"]["fields"], page["facets"]["price"]
    buckets = [b for b in price["buckets"] if b["count"] and b["max"]]
    return Shelf(
        category=category,
        items=next((f["count"] for f in fields["category"] if f["value"] == category), 0),
        colours=[str(f["value"]) for f in fields["colour"][:8]],
        sizes=[str(f["value"]) for f in fields["size"][:6]],
        price_ranges=[(b["min"], b["max"]) for b in buckets]
        + [(a["min"], b["max"]) for a, b in itertools.pairwise(buckets)],
    )


async def explore(base: str, database_url: str) -> Catalogue:
    async with httpx.AsyncClient(base_url=base + API, timeout=600) as client:
        tree = (await client.get("/categories")).json()
        shelves = [await _shelf(client, category) for category in _category_mix(tree)]
        brands = [b["name"] for b in (await client.get("/brands")).json()]
    names = [n["name"] for node in tree for n in node["children"]] + [n["name"] for n in tree]
    colours = {c for shelf in shelves for c in shelf.colours}
    connection = await asyncpg.connect(database_url.replace("+asyncpg", ""))
    try:
        rows = await connection.fetch(
            "SELECT item_id FROM item_search WHERE status = 'active' ORDER BY random() LIMIT 50000"
        )
        variants = await connection.fetchval("SELECT count(*) FROM stock")
        uneven = await connection.fetchval(
            "SELECT count(*) FROM item_facets WHERE price_top <> price_amount"
        )
    finally:
        await connection.close()
    print(f"variants: {variants:,} ({uneven:,} items with variants at prices of their own)")
    return Catalogue(
        shelves=[shelf for shelf in shelves if shelf.items],
        words=sorted({w.lower() for w in [*brands, *names, *colours] for w in w.split()}),
        item_ids=[row["item_id"] for row in rows],
    )


def _combinations(shop: Catalogue) -> list[list[tuple[str, str]]]:
    """Per category, its colours (one or two) x sizes x price ranges: three filters."""
    combos = []
    for shelf in shop.shelves:
        colours = [[c] for c in shelf.colours] + [
            list(p) for p in itertools.pairwise(shelf.colours)
        ]
        for picked, size, (low, high) in itertools.product(
            colours, shelf.sizes, shelf.price_ranges
        ):
            combo = [("category", shelf.category), *(("colour", c) for c in picked)]
            combo += [("size", size), ("price_min", str(low)), ("price_max", str(high))]
            combos.append(combo)
    random.Random(11).shuffle(combos)
    return combos


def fresh(
    base: str, combos: list[list[tuple[str, str]]], extra: list[tuple[str, str]]
) -> Callable[[int], Request]:
    """The n-th request: the n-th combination; past the end, price_max shifts by one unit per
    lap, so no two requests of a run share a cache key."""

    def request(n: int) -> Request:
        lap, index = divmod(n, len(combos))
        params = combos[index] + extra
        if lap:
            params = [*params, ("price_min", str(lap))]
        return f"{base}{API}/items", httpx.QueryParams(tuple(params))

    return request


# Guests' body measures (cm; foot length mm) spread over the default charts' ranges, and
# sizes of a shopper's own system matched across the items' systems (`size_system`).
MEASURES = {
    "chest": (84.0, 116.0),
    "waist": (62.0, 100.0),
    "hips": (86.0, 118.0),
    "height": (150.0, 195.0),
    "foot_length": (225.0, 295.0),
}
ACROSS = [
    ("uk_women", ["8", "10", "12", "14"]),
    ("us_men", ["38", "40", "42"]),
    ("eu_men", ["48", "50", "52"]),
]


def fitting(base: str, shop: Catalogue, extra: list[tuple[str, str]]) -> Callable[[int], Request]:
    """The n-th request: a category of the mix and a guest's body measures (to a tenth, so
    no two requests share a cache key): `fits` by the query's dimensions."""
    rng = random.Random(13)

    def request(n: int) -> Request:
        shelf = shop.shelves[n % len(shop.shelves)]
        body = [(k, f"{rng.uniform(low, high):.1f}") for k, (low, high) in MEASURES.items()]
        return f"{base}{API}/items", httpx.QueryParams(
            (("category", shelf.category), *body, *extra)
        )

    return request


def across(base: str, shop: Catalogue, extra: list[tuple[str, str]]) -> Callable[[int], Request]:
    """The n-th request: a category and colour of the mix, a size in another system than the
    items' own (UK women's, US men's, EU men's), a price ceiling moved by n (a fresh key)."""

    def request(n: int) -> Request:
        shelf = shop.shelves[n % len(shop.shelves)]
        system, values = ACROSS[n % len(ACROSS)]
        params = [("category", shelf.category), ("size_system", system)]
        params += [("size", values[n // len(ACROSS) % len(values)])]
        params += [("colour", shelf.colours[n % len(shelf.colours)])] if shelf.colours else []
        params += [("price_max", str(shelf.price_ranges[-1][1] + n))] if shelf.price_ranges else []
        return f"{base}{API}/items", httpx.QueryParams((*params, *extra))

    return request


def repeated(base: str, path: str, params: list[list[tuple[str, str]]]) -> Callable[[int], Request]:
    return lambda n: (f"{base}{path}", httpx.QueryParams(tuple(params[n % len(params)])))


def searches(base: str, words: list[str], path: str, prefixes: bool) -> Callable[[int], Request]:
    """Distinct queries: word pairs for search, growing prefixes of word pairs for suggest."""
    pairs = [f"{a} {b}" for a, b in itertools.permutations(words, 2)]
    random.Random(5).shuffle(pairs)
    if prefixes:
        pairs = [p[:cut] for p in pairs for cut in (len(p.split()[0]) + 2, len(p))]
    return lambda n: (f"{base}{API}{path}", httpx.QueryParams(q=pairs[n % len(pairs)]))


async def _typical_first(
    base: str, redis_url: str, mix: list[list[tuple[str, str]]], facets: list[tuple[str, str]]
) -> None:
    """Move the combination whose answer has the median size (of the first 15) to the front:
    its body is the bare floor's payload. The probes' cache entries are dropped after."""
    async with httpx.AsyncClient(base_url=base + API, timeout=600) as client:
        sizes = [
            (
                len(
                    (
                        await client.get("/items", params=httpx.QueryParams(tuple(c + facets)))
                    ).content
                ),
                n,
            )
            for n, c in enumerate(mix[:15])
        ]
    typical = sorted(sizes)[len(sizes) // 2][1]
    mix[0], mix[typical] = mix[typical], mix[0]
    redis = Redis.from_url(redis_url)
    try:
        await redis.incr(f"{NAMESPACE}:generation")
    finally:
        await redis.aclose()


async def one_at_a_time(
    base: str, redis_url: str, params: list[tuple[str, str]], times: int
) -> list[float]:
    """Latencies of single uncached requests: the cache generation is bumped before each."""
    redis = Redis.from_url(redis_url)
    latencies = []
    try:
        async with httpx.AsyncClient(base_url=base + API, timeout=600) as client:
            query = httpx.QueryParams(tuple(params))
            await client.get("/items", params=query)  # connection and code paths warm
            for _ in range(times):
                await redis.incr(f"{NAMESPACE}:generation")
                sent = time.perf_counter()
                response = await client.get("/items", params=query)
                latencies.append(time.perf_counter() - sent)
                assert response.headers.get("x-cache") == "miss", response.headers
    finally:
        await redis.aclose()
    return latencies


@dataclass
class Run:
    name: str
    floor: str  # which bare payload this is measured against
    figures: Figures


async def measure(base: str, shop: Catalogue, settings: Settings, args: Any) -> dict[str, Any]:
    mix = _combinations(shop)
    facets = [("facets", "true"), ("limit", "24")]
    plain = [("limit", "24")]
    await _typical_first(base, str(settings.redis_url), mix, facets)
    hot = [mix[0] + facets]  # the floor's body: cached and bare serve the same bytes
    ids = shop.item_ids * 20  # past the end, items come round again (and are cached)
    scenarios: list[tuple[str, str, Callable[[int], Request]]] = [
        ("facet listing, uncached", "facets", fresh(base, mix, facets)),
        ("facet listing, cached", "facets", repeated(base, f"{API}/items", hot)),
        ("listing no facets, uncached", "plain", fresh(base, mix, plain)),
        ("listing no facets, cached", "plain", repeated(base, f"{API}/items", [mix[0] + plain])),
        ("item detail, random", "detail", lambda n: (f"{base}{API}/items/{ids[n]}", None)),
        ("item detail, hot", "detail", lambda n: (f"{base}{API}/items/{ids[n % 50]}", None)),
        ("search, distinct q", "search", searches(base, shop.words, "/search", prefixes=False)),
        ("suggest, distinct q", "suggest", searches(base, shop.words, "/search/suggest", True)),
        ("fits guest measures, uncached", "facets", fitting(base, shop, facets)),
        ("size across systems, uncached", "facets", across(base, shop, facets)),
    ]
    runs = []
    for name, floor, requests in scenarios:
        figures = await load(
            base, concurrency=args.concurrency, seconds=args.seconds, requests=requests
        )
        runs.append(Run(name, floor, figures))
        print(figures.line(name), flush=True)
    broadest = shop.broadest
    broad = [("category", broadest.category)]
    low, high = broadest.price_ranges[-1]  # the widest: adjacent buckets holding the most
    three = [*broad, *(("colour", c) for c in broadest.colours[:2]), ("size", broadest.sizes[0])]
    three += [("price_min", str(low)), ("price_max", str(high))]
    redis_url = str(settings.redis_url)
    singles = {
        f"{broadest.category}, 3 filters + facets": await one_at_a_time(
            base, redis_url, [*three, *facets], 20
        ),
        f"{broadest.category}, no filter + facets": await one_at_a_time(
            base, redis_url, [*broad, *facets], 20
        ),
    }
    firsts = {floor: requests for _, floor, requests in reversed(scenarios)}  # each floor's first
    async with httpx.AsyncClient(base_url=base, timeout=600) as client:
        bodies = {
            floor: (await client.get(requests(0)[0], params=requests(0)[1])).content
            for floor, requests in firsts.items()
        }
    return {"runs": runs, "singles": singles, "bodies": bodies}


def resident_memory(pid: int) -> str:
    """The server process's memory; with several workers, the largest worker's and the
    host's total (every worker and the supervisor)."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    sizes = []
    for process in [str(pid), *children]:
        status = Path(f"/proc/{process}/status").read_text()
        found = dict(re.findall(r"^(VmRSS|VmHWM):\s+(\d+) kB", status, re.MULTILINE))
        sizes.append((int(found["VmRSS"]), int(found["VmHWM"])))
    total = sum(rss for rss, _ in sizes)
    rss, peak = max(sizes[1:] or sizes)
    each = f" (largest of {len(children)} workers; host total {total / 1024:.0f} MB)"
    return f"RSS {rss / 1024:.0f} MB (peak {peak / 1024:.0f} MB){each if children else ''}"


async def after_the_seed(base: str, workers: int) -> None:
    """The first listing after the seed, and the time until the index is loaded in every
    worker (each scrape of /metrics answers for one worker: `workers` * 3 in a row)."""
    started = time.perf_counter()
    async with httpx.AsyncClient(base_url=base, timeout=600) as client:
        first = await client.get(f"{API}/items", params={"facets": "true", "limit": "24"})
        took = time.perf_counter() - started
        print(f"first listing after the seed: {took * 1000:.0f} ms (status {first.status_code})")
        ready = 0
        while ready < workers * 3:  # an uncached listing each time: what starts a catch-up
            fresh = {"facets": "true", "limit": "24", "price_max": str(90_000 + ready * 7)}
            await client.get(f"{API}/items", params={**fresh, "price_min": str(int(time.time()))})
            text = (await client.get("/metrics")).text
            up = re.search(r'garderobe_catalog_index_state\{state="ready"\} 1', text)
            ready = ready + 1 if up else 0
            await asyncio.sleep(0.2)
    print(f"index loaded {time.perf_counter() - started:.1f} s after the seed", flush=True)


def floors(env: dict[str, str], bodies: dict[str, bytes], args: Any) -> dict[str, Figures]:
    with tempfile.TemporaryDirectory(prefix="garderobe-bench-bare-") as directory:
        for name, body in bodies.items():
            Path(directory, f"{name}.json").write_bytes(body)
        bare_env = {**env, "BENCH_PAYLOAD_DIR": directory}
        uvicorn = [sys.executable, "-m", "uvicorn", "bench._bare_app:app", "--port", "{port}"]
        uvicorn += ["--workers", str(args.workers)] if args.workers > 1 else []
        result = {}
        with serving([*uvicorn, "--log-level", "warning"], bare_env, "/bare/plain") as base:
            for name in bodies:
                figures = asyncio.run(
                    load(f"{base}/bare/{name}", concurrency=args.concurrency, seconds=args.seconds)
                )
                result[name] = figures
                print(figures.line(f"bare JSON, {name} payload"), flush=True)
    return result


def report(measured: dict[str, Any], bare: dict[str, Figures], memory: str) -> None:
    print("\nratio to the bare floor of the same payload (throughput):")
    for run in measured["runs"]:
        ratio = run.figures.per_second / bare[run.floor].per_second
        print(
            f"  {run.name:<30} {ratio:6.3f}   p50 {run.figures.percentile(50) * 1000:7.1f} ms"
            f"   p99 {run.figures.percentile(99) * 1000:7.1f} ms   errors {run.figures.errors}"
        )
    print("\nsingle uncached requests, one at a time (20 each):")
    for name, latencies in measured["singles"].items():
        print(
            f"  {name:<40} median {median(latencies) * 1000:7.1f} ms"
            f"   max {max(latencies) * 1000:7.1f} ms"
        )
    print(f"\nAPI process after the run: {memory}")


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--items", type=int, default=DEFAULT_ITEMS, help="catalogue size")
    parser.add_argument("--seconds", type=float, default=10.0, help="per measured scenario")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument(
        "--workers", type=int, default=1, help="uvicorn workers of the API and of each floor"
    )
    args, _ = parser.parse_known_args()

    with stores() as (settings, embedded):
        env = environment(settings)
        stand_in = any("MongoDB" in name for name in embedded)
        server = asyncio.run(mongodb_server(str(settings.mongodb_url), stand_in))
        print(f"MongoDB: {server}")
        print(f"machine: {os.cpu_count()} CPUs, python {sys.version.split()[0]}")
        workers = f"{args.workers} uvicorn worker(s) per server"
        print(f"concurrency {args.concurrency}, {workers}", flush=True)
        api: list[subprocess.Popen[bytes]] = []
        serve = [GARDEROBE, "serve", "--port", "{port}", "--workers", str(args.workers)]
        with serving(serve, env, "/health/live", started=api.append) as base:
            print(f"seeding {args.items:,} items, the API up …", flush=True)
            seed_rate, seed_line = seed(env, args.items)
            print(f"seed: {seed_rate:,.0f} items/s end to end ({seed_line})")
            asyncio.run(after_the_seed(base, args.workers))
            print(f"API process, index loaded: {resident_memory(api[0].pid)}\n", flush=True)
            shop = asyncio.run(explore(base, str(settings.database_url)))
            print(
                "categories in the mix: "
                + ", ".join(f"{shelf.category} ({shelf.items:,})" for shelf in shop.shelves)
            )
            measured = asyncio.run(measure(base, shop, settings, args))
            asyncio.run(recommendations_load.measure(base, shop.item_ids, settings, args))
            memory = resident_memory(api[0].pid)
        bare = floors(env, measured["bodies"], args)
        report(measured, bare, memory)
    return 0


if __name__ == "__main__":
    sys.exit(main())

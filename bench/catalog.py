"""Catalog benchmark: seed N items, then load-test the listing against a bare JSON route.

    .venv/bin/python bench/catalog.py [--items 100000] [--seconds 15] [--concurrency 16]

Starts its own stores (embedded, nx-27017 for MongoDB) unless DATABASE_URL, MONGODB_URL …
are set, seeds with `garderobe seed --items N` (items/s), serves the API with a real
`garderobe serve` (uvicorn) process and measures, at the given concurrency:

* GET /api/v1/items with two filters + facets=true, limit 24;
* a bare FastAPI route returning the same JSON body (same size), in its own uvicorn process;
* GET /api/v1/search?q=… when the search route exists.

Prints req/s, p50, p99, the listing/bare ratio and which MongoDB answered. Figures on the
nx-27017 stand-in are stand-in figures (its $facet is ~1000x slower than a real MongoDB's).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import (
    GARDEROBE,
    ROOT,
    Figures,
    environment,
    load,
    mongodb_server,
    serving,
    stores,
)

LISTING_PARAMS = httpx.QueryParams(
    [("category", "clothes"), ("colour", "black"), ("facets", "true"), ("limit", "24")]
)
SEARCH_QUERY = "slim blue jeans"
DEFAULT_ITEMS = 100_000
# The stand-in evaluates $facet in Python (~1.6 s per listing over 2,000 items, linear in
# the catalogue) one command at a time: from ~5,000 items on, 16 queued listings outlast the
# API's 5 s MongoDB timeouts and fail. This size finishes in about a minute.
STAND_IN_ITEMS = 2_000


def seed(env: dict[str, str], items: int) -> tuple[float, str]:
    """Run `garderobe seed --items N`; returns items/s (as measured here) and its last line."""
    started = time.perf_counter()
    done = subprocess.run(
        [GARDEROBE, "seed", "--items", str(items)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"garderobe seed failed:\n{done.stdout}\n{done.stderr}")
    lines = [line for line in done.stdout.splitlines() if re.search(r"items/s", line)]
    return items / elapsed, (lines[-1].strip() if lines else "")


async def listing_and_search(
    base: str, concurrency: int, seconds: float
) -> tuple[Figures, Figures | None, bytes]:
    listing = await load(
        f"{base}/api/v1/items", params=LISTING_PARAMS, concurrency=concurrency, seconds=seconds
    )
    async with httpx.AsyncClient(timeout=600) as client:
        body = (await client.get(f"{base}/api/v1/items", params=LISTING_PARAMS)).content
        paths = (await client.get(f"{base}/openapi.json")).json()["paths"]
    search = None
    if "/api/v1/search" in paths:
        search = await load(
            f"{base}/api/v1/search",
            params=httpx.QueryParams(q=SEARCH_QUERY),
            concurrency=concurrency,
            seconds=seconds,
        )
    return listing, search, body


def report(
    server: str,
    items: int,
    seed_rate: float,
    seed_line: str,
    listing: Figures,
    bare: Figures,
    search: Figures | None,
    concurrency: int,
) -> None:
    query = str(LISTING_PARAMS)
    print(f"\nMongoDB: {server}")
    print(f"machine: {os.cpu_count()} CPUs, python {sys.version.split()[0]}")
    print(f"catalogue: {items:,} items; seed: {seed_rate:,.0f} items/s end to end ({seed_line})")
    print(f"concurrency {concurrency}, one uvicorn worker per server\n")
    print(listing.line("listing, 2 filters + facets"))
    print(f"  (GET /api/v1/items?{query})")
    print(bare.line("bare JSON, same payload"))
    if search is not None:
        print(search.line(f"search q={SEARCH_QUERY!r}"))
    else:
        print("search: GET /api/v1/search is not mounted; skipped")
    print(
        f"\nlisting / bare: {listing.per_second / bare.per_second:.3f} of the throughput, "
        f"p50 x{listing.percentile(50) / bare.percentile(50):.1f}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--items",
        type=int,
        default=None,
        help=f"catalogue size (default {DEFAULT_ITEMS:,}; {STAND_IN_ITEMS:,} on the stand-in)",
    )
    parser.add_argument("--seconds", type=float, default=15.0, help="per measured endpoint")
    parser.add_argument("--concurrency", type=int, default=16)
    args, _ = parser.parse_known_args()

    with stores() as (settings, embedded):
        env = environment(settings)
        stand_in = any("MongoDB" in name for name in embedded)
        server = asyncio.run(mongodb_server(str(settings.mongodb_url), stand_in))
        items = args.items or (STAND_IN_ITEMS if stand_in else DEFAULT_ITEMS)
        if stand_in and args.items is None:
            print(f"stand-in MongoDB: {items:,} items instead of {DEFAULT_ITEMS:,} (--items)")
        print(f"seeding {items:,} items on {server} …", flush=True)
        seed_rate, seed_line = seed(env, items)
        serve = [GARDEROBE, "serve", "--port", "{port}"]
        with serving(serve, env, "/health/live") as base:
            listing, search, body = asyncio.run(
                listing_and_search(base, args.concurrency, args.seconds)
            )
        with tempfile.NamedTemporaryFile("wb", suffix=".json", delete=False) as payload:
            payload.write(body)
        bare_env = {**env, "BENCH_PAYLOAD_FILE": payload.name}
        uvicorn = [sys.executable, "-m", "uvicorn", "bench._bare_app:app", "--port", "{port}"]
        try:
            with serving([*uvicorn, "--log-level", "warning"], bare_env, "/bare") as base:
                bare = asyncio.run(
                    load(f"{base}/bare", concurrency=args.concurrency, seconds=args.seconds)
                )
        finally:
            Path(payload.name).unlink()
        assert abs(bare.payload_bytes - len(body)) <= len(body) // 100, "payloads differ"
        report(server, items, seed_rate, seed_line, listing, bare, search, args.concurrency)
    return 0


if __name__ == "__main__":
    sys.exit(main())

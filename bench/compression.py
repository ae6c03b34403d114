"""Compression benchmark: bytes on the wire and req/s of the 24-item facet listing, with and
without gzip.

    .venv/bin/python bench/compression.py [--items 2000] [--seconds 10] [--concurrency 16]

Starts its own stores unless DATABASE_URL, MONGODB_URL … are set, seeds N items with
`garderobe seed --items N`, then runs two real `garderobe serve` processes, one with the
default GZIP_* settings and one with GZIP_ENABLED=false, and measures at the given
concurrency GET /api/v1/items?category=clothes&colour=black&facets=true&limit=24:

* gzip: the gzip server, client sending `Accept-Encoding: gzip`;
* identity asked: the same server, client sending `Accept-Encoding: identity` (what
  honouring the header costs when it says no);
* gzip off: the server with GZIP_ENABLED=false (the floor).

Both servers run at once and the three runs take turns in `--rounds` rounds, so a neighbour's
load on a shared machine falls on all of them alike instead of on whichever ran then.

Bytes on the wire are the response body as transferred (compressed or not) plus the status
line and headers; the decoded size is printed beside it. The listing is served from the
catalog cache after the first request (the `cache` counts say so), so the compression cost
is not hidden behind the query.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import GARDEROBE, Figures, environment, median, seed, serving, stores

LISTING = httpx.QueryParams(
    [("category", "clothes"), ("colour", "black"), ("facets", "true"), ("limit", "24")]
)
DEFAULT_ITEMS = 2_000


@dataclass
class Run:
    name: str
    accept_encoding: str
    requests: int = 0
    seconds: float = 0.0
    errors: int = 0
    latencies: list[float] = field(default_factory=list)
    wire: list[int] = field(default_factory=list)
    decoded: list[int] = field(default_factory=list)
    encodings: Counter[str] = field(default_factory=Counter)
    cache: Counter[str] = field(default_factory=Counter)

    @property
    def figures(self) -> Figures:
        return Figures(
            self.requests, self.seconds, self.latencies, self.wire_bytes, self.errors, self.cache
        )

    @property
    def wire_bytes(self) -> int:
        return round(median(self.wire))

    @property
    def decoded_bytes(self) -> int:
        return round(median(self.decoded))

    @property
    def encoding(self) -> str:
        return ", ".join(f"{k} x{n}" for k, n in self.encodings.items())


def _head_bytes(response: httpx.Response) -> int:
    status_line = len(f"HTTP/1.1 {response.status_code} {response.reason_phrase}\r\n")
    return status_line + sum(len(k) + len(v) + 4 for k, v in response.headers.raw) + 2


async def measure(run: Run, url: str, concurrency: int, seconds: float) -> None:
    """`concurrency` clients looping on the listing for `seconds`; adds to `run`."""
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    headers = {"Accept-Encoding": run.accept_encoding}
    async with httpx.AsyncClient(timeout=600, limits=limits, headers=headers) as client:
        for _ in range(2):  # warm-up: fills the catalog cache and the connections
            (await client.get(url, params=LISTING)).raise_for_status()
        started = time.perf_counter()
        deadline = started + seconds

        async def worker() -> None:
            while True:
                sent = time.perf_counter()
                response = await client.get(url, params=LISTING)
                if response.is_success:
                    run.requests += 1
                    run.latencies.append(time.perf_counter() - sent)
                    run.wire.append(response.num_bytes_downloaded + _head_bytes(response))
                    run.decoded.append(len(response.content))
                    run.encodings[response.headers.get("content-encoding", "identity")] += 1
                    if outcome := response.headers.get("x-cache"):
                        run.cache[outcome] += 1
                else:
                    run.errors += 1
                if time.perf_counter() >= deadline:
                    return

        await asyncio.gather(*(worker() for _ in range(concurrency)))
        run.seconds += time.perf_counter() - started


def report(runs: list[Run], items: int, concurrency: int) -> None:
    print(f"\nmachine: {os.cpu_count()} CPUs, python {sys.version.split()[0]}")
    print(f"catalogue: {items:,} items; concurrency {concurrency}, one uvicorn worker per server")
    print(f"GET /api/v1/items?{LISTING}\n")
    print(f"{'':<16} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'wire B':>9} {'decoded B':>10}")
    for run in runs:
        f = run.figures
        print(
            f"{run.name:<16} {f.per_second:8.1f} {f.percentile(50) * 1000:8.1f} "
            f"{f.percentile(99) * 1000:8.1f} {run.wire_bytes:9,} {run.decoded_bytes:10,}"
            f"   ({run.encoding}; cache {dict(f.cache)}"
            + (f"; {f.errors} FAILED" if f.errors else "")
            + ")"
        )
    gz, floor = runs[0], runs[-1]
    print(
        f"\ngzip: {gz.wire_bytes / floor.wire_bytes:.3f} of the bytes on the wire, "
        f"{gz.figures.per_second / floor.figures.per_second:.3f} of the throughput "
        f"(p50 x{gz.figures.percentile(50) / floor.figures.percentile(50):.2f})"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=DEFAULT_ITEMS, help="catalogue size")
    parser.add_argument("--seconds", type=float, default=12.0, help="per run, all rounds")
    parser.add_argument("--rounds", type=int, default=4, help="turns the three runs take")
    parser.add_argument("--concurrency", type=int, default=16)
    args, _ = parser.parse_known_args()

    with stores() as (settings, _embedded):
        env = {k: v for k, v in environment(settings).items() if not k.startswith("GZIP_")}
        print(f"seeding {args.items:,} items …", flush=True)
        seed(env, args.items)
        serve = [GARDEROBE, "serve", "--port", "{port}"]
        off_env = {**env, "GZIP_ENABLED": "false"}
        with (
            serving(serve, env, "/health/live") as gzip_base,
            serving(serve, off_env, "/health/live") as off_base,
        ):
            runs = [
                (Run("gzip", "gzip"), gzip_base),
                (Run("identity asked", "identity"), gzip_base),
                (Run("gzip off", "gzip"), off_base),
            ]
            share = args.seconds / args.rounds
            for _ in range(args.rounds):
                for run, base in runs:
                    url = f"{base}/api/v1/items"
                    asyncio.run(measure(run, url, args.concurrency, share))
        report([run for run, _ in runs], args.items, args.concurrency)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""What the benchmarks share: stores, a served app, a load generator, a report of the server.

Stores come from the environment (DATABASE_URL, MONGODB_URL, REDIS_URL, S3_ENDPOINT_URL,
SMTP_HOST) when all are set; otherwise the missing ones are started embedded on free ports
in a throwaway directory, exactly as the test suite does (nx-27017 stands in for MongoDB).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from pymongo import AsyncMongoClient
from sqlalchemy.engine import make_url

from garderobe import migrate
from garderobe.infra.devstack import free_port
from garderobe.infra.embedded import EmbeddedStack
from garderobe.infra.postgres import run_admin_statement
from garderobe.settings import Settings, store_environment

ROOT = Path(__file__).resolve().parents[1]
GARDEROBE = str(Path(sys.executable).parent / "garderobe")


async def _admin_sql(server_url: str, statement: str) -> None:
    await run_admin_statement(
        make_url(server_url).set(database="postgres").render_as_string(hide_password=False),
        statement,
    )


async def _drop_mongo_database(url: str, name: str) -> None:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(url)
    try:
        await client.drop_database(name)
    finally:
        await client.close()


@contextlib.contextmanager
def stores(*, migrated: bool = True) -> Iterator[tuple[Settings, list[str]]]:
    """Settings with every store reachable, and the names of the embedded ones started.

    The run gets its own PostgreSQL and MongoDB databases (dropped afterwards), so pointing
    the benchmark at a developer's stores never touches their data. Its database is at the
    code's schema unless `migrated` is False (an older release migrates it itself).
    """
    run = f"garderobe_bench_{uuid.uuid4().hex[:8]}"
    # Secrets of the run: outside development the served app refuses the published defaults.
    # An S3 named in the environment keeps its own credentials; the embedded one takes these.
    keys = ["jwt_secret", "payment_webhook_secret"]
    keys += [] if os.environ.get("S3_ENDPOINT_URL") else ["s3_secret_key"]
    secrets: dict[str, Any] = {key: f"bench-{key}-{uuid.uuid4().hex}" for key in keys}
    base = Settings(environment="test", log_level="WARNING", log_http=False, **secrets)
    with tempfile.TemporaryDirectory(prefix="garderobe-bench-") as tmp:
        stack = EmbeddedStack(Path(tmp), persistent=False, free_ports=True)
        try:
            provided = stack.provide(base)
            assert provided.database_url is not None
            assert provided.mongodb_url is not None
            server_url = provided.database_url
            asyncio.run(_admin_sql(server_url, f'CREATE DATABASE "{run}"'))
            database_url = make_url(server_url).set(database=run)
            settings = provided.model_copy(
                update={
                    "database_url": database_url.render_as_string(hide_password=False),
                    "mongodb_database": run,
                    "arq_queue_name": f"garderobe:{run}",
                }
            )
            try:
                if migrated:
                    migrate.upgrade(str(settings.database_url))
                yield settings, stack.started
            finally:
                asyncio.run(_drop_mongo_database(provided.mongodb_url, run))
                asyncio.run(_admin_sql(server_url, f'DROP DATABASE IF EXISTS "{run}" WITH (FORCE)'))
        finally:
            stack.close()


def environment(settings: Settings) -> dict[str, str]:
    """The environment for a `garderobe` subprocess talking to these stores."""
    keep = {k: v for k, v in os.environ.items() if not k.endswith("_URL")}
    return {**keep, **store_environment(settings), "LOG_LEVEL": "WARNING"}


def wait_until_up(url: str, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server at {url} exited with {process.returncode}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url, timeout=1).status_code < 500:
                return
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up within {timeout:.0f} s")


@contextlib.contextmanager
def serving(
    argv: Sequence[str],
    env: dict[str, str],
    probe_path: str,
    started: Callable[[subprocess.Popen[bytes]], None] | None = None,
) -> Iterator[str]:
    """Run a server process on a free port ({port} in argv); yields its base URL.
    `started` is told the process once it answers (to read its memory, say)."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [part.replace("{port}", str(port)) for part in argv]
    process = subprocess.Popen(command, env=env, cwd=ROOT)
    try:
        wait_until_up(base + probe_path, process)
        if started is not None:
            started(process)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


@dataclass
class Figures:
    requests: int
    seconds: float
    latencies: list[float]
    payload_bytes: int
    errors: int = 0
    cache: Counter[str] = field(default_factory=Counter)

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]

    def line(self, name: str) -> str:
        return (
            f"{name:<28} {self.per_second:9.1f} req/s   p50 {self.percentile(50) * 1000:8.1f} ms"
            f"   p99 {self.percentile(99) * 1000:8.1f} ms   ({self.requests} requests, "
            f"~{self.payload_bytes:,} bytes"
            + (f", {self.errors} FAILED" if self.errors else "")
            + (f", cache {dict(self.cache)}" if self.cache else "")
            + ")"
        )


Request = tuple[str, httpx.QueryParams | None]


async def load(
    url: str,
    *,
    params: httpx.QueryParams | None = None,
    concurrency: int = 16,
    seconds: float = 10.0,
    warmup: int = 2,
    requests: Callable[[int], Request] | None = None,
    accept_encoding: str = "identity",
) -> Figures:
    """`concurrency` clients looping on GET for `seconds` (each finishes at least one).

    Every request is GET url?params, unless `requests` is given: then the n-th request
    (n = 0, 1, …, warm-up included) is `requests(n)`, a (url, params) pair, so a run can
    ask something different each time (uncached listings, random items).
    """
    counter = itertools.count()

    def next_request() -> Request:
        return requests(next(counter)) if requests else (url, params)

    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    # Uncompressed unless a run asks otherwise: the bare floors send plain JSON too.
    headers = {"Accept-Encoding": accept_encoding}
    async with httpx.AsyncClient(timeout=600, limits=limits, headers=headers) as client:
        for _ in range(warmup):
            target, query = next_request()
            first = await client.get(target, params=query)
            first.raise_for_status()
        latencies: list[float] = []
        sizes: list[int] = []
        cache: Counter[str] = Counter()
        errors = 0
        started = time.perf_counter()
        deadline = started + seconds

        async def worker() -> None:
            nonlocal errors
            while True:
                target, query = next_request()
                sent = time.perf_counter()
                response = await client.get(target, params=query)
                if response.is_success:
                    latencies.append(time.perf_counter() - sent)
                    sizes.append(len(response.content))
                    if outcome := response.headers.get("x-cache"):
                        cache[outcome] += 1
                else:  # counted and reported: a failed request is no measurement
                    errors += 1
                if time.perf_counter() >= deadline:
                    return

        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    size = round(statistics.median(sizes)) if sizes else len(first.content)
    return Figures(len(latencies), elapsed, latencies, size, errors, cache)


async def mongodb_server(url: str, embedded: bool) -> str:
    """Which MongoDB answered: its buildInfo version, and whether it is the nx-27017 stand-in."""
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(url)
    try:
        info = await client.admin.command("buildInfo")
    finally:
        await client.close()
    version = info.get("version", "?")
    if embedded:
        return f"nx-27017 stand-in (SQLite; reports MongoDB {version})"
    return f"MongoDB {version} at {url.split('@')[-1]}"


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


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

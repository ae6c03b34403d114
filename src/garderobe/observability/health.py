"""Store health: a background probe at a fixed interval, and what readiness makes of it.

Every store is probed by one task per API process, every STORE_PROBE_INTERVAL_SECONDS, into
the `garderobe_store_up` gauges and the states `/health/ready` lists. Neither a readiness
request nor a metrics scrape probes anything (an orchestrator asking every few seconds, or
Prometheus scraping, would otherwise open an SMTP session each time). Readiness asks only
PostgreSQL itself, once per request: it is the store without which a replica serves nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from garderobe.infra.stores import Stores, store_probes
from garderobe.observability.metrics import STORE_CHECK_SECONDS, STORE_UP

if TYPE_CHECKING:  # migrate sits above this kit; readiness is handed its answer
    from garderobe.migrate import SchemaVersion

log = logging.getLogger(__name__)

OK = "ok"


async def _state(probe: Callable[[], Awaitable[Any]], timeout: float) -> str:
    try:
        await asyncio.wait_for(probe(), timeout)
    except TimeoutError:
        return "timeout"
    except Exception as exc:
        return f"error: {type(exc).__name__}"
    return OK


class StoreMonitor:
    """Probes every store every `interval` seconds; `states` holds the last answers."""

    def __init__(self, stores: Stores, interval: float) -> None:
        self.stores = stores
        self.interval = interval
        # open_stores has just checked every store: they answered.
        self.states: dict[str, str] = dict.fromkeys(store_probes(stores), OK)
        self._task: asyncio.Task[None] | None = None

    async def probe_once(self) -> dict[str, str]:
        timeout = self.stores.settings.store_check_timeout_seconds

        async def timed(name: str, probe: Callable[[], Awaitable[Any]]) -> None:
            started = time.perf_counter()
            state = await _state(probe, timeout)
            STORE_UP.labels(name).set(1 if state == OK else 0)
            STORE_CHECK_SECONDS.labels(name).set(time.perf_counter() - started)
            if state != self.states.get(name):
                log.warning("store %s is now %s (was %s)", name, state, self.states.get(name))
            self.states[name] = state

        probes = store_probes(self.stores)
        await asyncio.gather(*(timed(name, probe) for name, probe in probes.items()))
        return dict(self.states)

    async def _run(self) -> None:
        while True:
            try:
                await self.probe_once()
            except Exception:  # never let the loop die: dashboards would freeze silently
                log.exception("store probe failed")
            await asyncio.sleep(self.interval)

    def start(self) -> None:
        for name, state in self.states.items():
            STORE_UP.labels(name).set(1 if state == OK else 0)
        self._task = asyncio.create_task(self._run(), name="store-monitor")

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task


async def _database(engine: AsyncEngine, schema: SchemaVersion | None) -> str:
    """The schema's state, on a connection that has just answered."""
    async with engine.connect() as conn:
        await conn.execute(text("select 1"))
        if schema is None:
            return "unknown (no migrations directory found)"
        try:
            revision = await conn.scalar(text("select max(version_num) from alembic_version"))
        except DBAPIError:  # no alembic_version table: never migrated
            revision = None
    # A database ahead of the code (a newer release migrated it) still serves this one:
    # migrations are additive, so the code finds every table and column it knows.
    if revision == schema.head or (revision is not None and revision not in schema.known):
        return OK
    return f"behind: database at {revision or 'no revision'}, code needs {schema.head}"


async def readiness(
    stores: Stores, monitor: StoreMonitor | None, schema: SchemaVersion | None
) -> tuple[bool, dict[str, str]]:
    """Whether the replica can serve, and every store's state: the last probe's for all but
    PostgreSQL and its schema, which are asked now (one connection, two statements)."""
    timeout = stores.settings.store_check_timeout_seconds
    postgres, migrations = OK, "not checked: PostgreSQL did not answer"
    try:
        migrations = await asyncio.wait_for(_database(stores.engine, schema), timeout)
    except TimeoutError:
        postgres = "timeout"
    except Exception as exc:
        postgres = f"error: {type(exc).__name__}"
    states = dict(monitor.states) if monitor is not None else {}
    checks = {**states, "postgres": postgres, "migrations": migrations}
    return postgres == OK and migrations == OK, checks

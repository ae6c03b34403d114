"""Outages survived, nothing lost: each test stops and restarts a real server it started itself.

Never the suite's shared stores (nor a machine's own servers): Redis, PostgreSQL and MongoDB
here are embedded servers on free ports in a throwaway directory, stopped and started again on the
same port and data, while an app wired to them keeps running.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from sqlalchemy import func, select

from garderobe import mailer, migrate, registry
from garderobe.commerce.models import Order
from garderobe.infra import devstack, devstack_postgres, mongo
from garderobe.infra.mailsink import MailSink
from garderobe.infra.stores import Stores
from garderobe.main import create_app
from garderobe.outbox import service as outbox
from garderobe.outbox.models import OutboxMessage
from garderobe.settings import Settings
from garderobe.uow import unit_of_work
from garderobe.worker import create_worker
from tests.accounts.helpers import RunJobs, register
from tests.commerce.helpers import shopper, stock_of, stocked_item
from tests.factories import create_listed_item


@pytest.fixture
def scratch() -> Iterator[Path]:
    # Not pytest's tmp_path: embedded PostgreSQL runs as its own user and must reach it.
    path = Path(tempfile.mkdtemp(prefix="garderobe-fault-"))
    path.chmod(0o755)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
async def own_redis(scratch: Path) -> AsyncIterator[tuple[devstack.EmbeddedServer, int]]:
    port = devstack.free_port()
    server = devstack.start_redis(scratch / "redis", port, persistent=False)
    try:
        yield server, port
    finally:
        server.stop()


async def _burst(settings: Settings, stores: Stores) -> int:
    worker = create_worker(settings, burst=True, stores=stores, handle_signals=False)
    try:
        await worker.main()
    finally:
        await worker.close()
    return int(worker.jobs_complete)


async def test_smtp_down_while_orders_and_registrations_happen_every_mail_once(
    client: httpx.AsyncClient,
    stores: Stores,
    settings: Settings,
    mail_sink: MailSink,
    run_jobs: RunJobs,
) -> None:
    item = await stocked_item(stores, on_hand=3)
    buyers = [await shopper(client, stores, settings) for _ in range(2)]
    emails = [f"smtp-outage{i}@example.org" for i in range(2)]
    mail_sink.stop()
    try:
        for buyer in buyers:
            assert (await buyer.add(item)).status_code == 201
            assert (await buyer.order()).status_code == 201
        for email in emails:
            await register(client, email)
        await run_jobs()  # every send fails while SMTP is down
        assert mail_sink.messages == []
    finally:
        mail_sink.start()
    for _ in range(2):  # the scheduled requeue, twice: the second finds nothing to send
        await outbox.requeue_stale(stores.sessionmaker, stores.queue, older_than=timedelta(0))
        await run_jobs()
    async with stores.sessionmaker() as session:
        pending = await session.scalar(
            select(func.count()).where(OutboxMessage.processed_at.is_(None))
        )
    assert pending == 0
    assert sorted(len(mail_sink.to(e)) for e in emails) == [1, 1]
    assert len(mail_sink.messages) == len(emails) + len(buyers)
    assert len({m.message_id for m in mail_sink.messages}) == len(mail_sink.messages)


async def test_redis_down_reads_work_writes_refuse_and_the_outbox_catches_up(
    stores: Stores,
    settings: Settings,
    mail_sink: MailSink,
    own_redis: tuple[devstack.EmbeddedServer, int],
) -> None:
    server, port = own_redis
    own = settings.model_copy(update={"redis_url": f"redis://127.0.0.1:{port}/0"})
    app = create_app(own)
    async with LifespanManager(app, startup_timeout=60, shutdown_timeout=30):
        app_stores: Stores = app.state.stores
        item = await create_listed_item(app_stores)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            buyer = await shopper(client, app_stores, own)
            server.stop()
            try:
                # Catalog reads go around the cache.
                read = await client.get(f"/api/v1/items/{item.id}")
                assert read.status_code == 200, read.text
                listing = await client.get("/api/v1/items")
                assert listing.status_code == 200
                # Token revocation cannot be checked: authenticated calls fail closed.
                me = await client.get("/api/v1/users/me", headers=buyer.headers)
                assert me.status_code == 503
                assert me.headers["retry-after"]
                assert me.json()["type"].endswith("/service-unavailable")
                # A write outside a request (a job, a CLI command) commits its outbox row;
                # only the fast-path enqueue fails, and that is logged, not raised.
                async with unit_of_work(app_stores) as session:
                    mailer.queue_mail(
                        session,
                        to="during-outage@example.org",
                        template="test",
                        context={"name": "Ann"},
                    )
            finally:
                server = devstack.start_redis(Path(server.log_path).parent, port, persistent=False)
            me = await client.get("/api/v1/users/me", headers=buyer.headers)
            assert me.status_code == 200, me.text
        await outbox.requeue_stale(
            app_stores.sessionmaker, app_stores.queue, older_than=timedelta(0)
        )
        await _burst(own, app_stores)
        await mail_sink.wait_for(lambda m: "during-outage@example.org" in m.rcpt_tos)
    server.stop()


async def _ready_when(
    client: httpx.AsyncClient, wanted: Callable[[dict[str, Any]], bool]
) -> httpx.Response:
    """/health/ready once its body is as wanted (the store probe runs every 0.2 s here)."""
    for _ in range(100):
        response = await client.get("/health/ready")
        if wanted(response.json()):
            return response
        await asyncio.sleep(0.1)
    raise AssertionError(f"readiness never became as wanted: {response.text}")


async def test_smtp_and_redis_down_the_replica_stays_ready_listing_both(
    settings: Settings, mail_sink: MailSink, own_redis: tuple[devstack.EmbeddedServer, int]
) -> None:
    """The failure table says the shop works through SMTP and Redis outages: readiness agrees
    (200, `degraded`, each listed), so an orchestrator keeps the replica in rotation."""
    server, port = own_redis
    own = settings.model_copy(
        update={
            "redis_url": f"redis://127.0.0.1:{port}/0",
            "store_probe_interval_seconds": 0.2,
            "store_check_timeout_seconds": 1.0,
        }
    )
    app = create_app(own)
    async with LifespanManager(app, startup_timeout=60, shutdown_timeout=30):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            assert (await client.get("/health/ready")).json()["status"] == "ok"
            server.stop()
            mail_sink.stop()
            try:
                down = await _ready_when(
                    client, lambda b: b["checks"]["redis"] != "ok" and b["checks"]["smtp"] != "ok"
                )
            finally:
                mail_sink.start()
                server = devstack.start_redis(Path(server.log_path).parent, port, persistent=False)
            assert down.status_code == 200
            assert down.json()["status"] == "degraded"
            others = {k: v for k, v in down.json()["checks"].items() if k not in {"redis", "smtp"}}
            assert others == dict.fromkeys(("postgres", "migrations", "mongodb", "s3"), "ok")
            back = await _ready_when(client, lambda b: b["status"] == "ok")
            assert back.status_code == 200
    server.stop()


async def test_postgresql_restarted_under_load_the_pool_recovers(
    scratch: Path, settings: Settings
) -> None:
    port = devstack.free_port()
    server = devstack_postgres.start_postgres(scratch / "pg", port, durable=False)
    try:
        own = settings.model_copy(update={"database_url": server.url})
        await asyncio.to_thread(migrate.upgrade, server.url)
        app = create_app(own)
        async with LifespanManager(app, startup_timeout=60, shutdown_timeout=30):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
                load = [client.get("/health/ready") for _ in range(8)]
                assert {r.status_code for r in await asyncio.gather(*load)} == {200}
                stores: Stores = app.state.stores
                async with stores.sessionmaker() as session:
                    assert await session.scalar(select(func.count()).select_from(Order)) == 0
                server.stop()
                down = await client.get("/health/ready")
                assert down.status_code == 503
                server = devstack_postgres.start_postgres(scratch / "pg", port, durable=False)
                statuses: list[int] = []
                for _ in range(20):  # the first use of each stale pooled connection may fail
                    statuses.append((await client.get("/health/ready")).status_code)
                    async with stores.sessionmaker() as session:
                        count = await session.scalar(select(func.count()).select_from(Order))
                    if statuses[-1] == 200 and count == 0:
                        break
                    await asyncio.sleep(0.2)
                assert statuses[-1] == 200
                assert 500 not in statuses
    finally:
        server.stop()


async def test_mongodb_down_catalog_503_accounts_and_orders_work_checkout_refuses(
    scratch: Path, stores: Stores, settings: Settings
) -> None:
    port = devstack.free_port()
    server = devstack.start_mongo(scratch / "mongo", port)
    own = settings.model_copy(update={"mongodb_url": server.url})
    try:
        app = create_app(own)  # binds the catalog documents to this MongoDB
        async with LifespanManager(app, startup_timeout=60, shutdown_timeout=30):
            app_stores: Stores = app.state.stores
            item = await stocked_item(app_stores, on_hand=2)
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
                buyer = await shopper(client, app_stores, own)
                assert (await buyer.add(item)).status_code == 201
                server.stop()
                read = await client.get(f"/api/v1/items/{item.id}")  # never read: no cache
                assert read.status_code == 503, read.text
                assert read.headers["retry-after"]
                assert (await client.get("/api/v1/users/me", headers=buyer.headers)).is_success
                orders = await client.get("/api/v1/orders", headers=buyer.headers)
                assert orders.status_code == 200
                refused = await buyer.order()
                assert refused.status_code == 503
                assert (await stock_of(app_stores, item)).reserved == 0  # nothing reserved
                server = devstack.start_mongo(scratch / "mongo", port)
                back = await client.get(f"/api/v1/items/{item.id}")
                assert back.status_code == 200, back.text
                assert (await buyer.order()).status_code == 201
    finally:
        server.stop()
        # The documents are bound process-wide: give them back to the suite's MongoDB.
        await mongo.init_documents(
            stores.mongo, settings.mongodb_database, registry.document_models()
        )

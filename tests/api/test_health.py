from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text

from garderobe import __version__, migrate
from garderobe.infra.devstack import MailSink, free_port
from garderobe.infra.storage import ObjectStorage
from garderobe.infra.stores import Stores
from garderobe.observability.health import StoreMonitor

EVERY_CHECK = ("postgres", "migrations", "mongodb", "redis", "s3", "smtp")


async def test_live_answers_without_touching_stores(client: httpx.AsyncClient) -> None:
    response = await client.get("/health/live")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "version": __version__}


async def test_ready_reports_every_store_ok(client: httpx.AsyncClient) -> None:
    response = await client.get("/health/ready")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": dict.fromkeys(EVERY_CHECK, "ok")}


async def test_s3_down_is_listed_as_degraded_and_the_replica_stays_ready(
    client: httpx.AsyncClient, app: FastAPI, stores: Stores, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Point S3 at a closed port: the real client fails for real, at the next probe.
    dead = ObjectStorage(
        f"http://127.0.0.1:{free_port()}", access_key="x", secret_key="y", bucket="nope"
    )
    monkeypatch.setattr(stores, "storage", dead)
    monkeypatch.setattr(stores.settings, "store_check_timeout_seconds", 1.0)
    monitor: StoreMonitor = app.state.store_monitor
    try:
        await monitor.probe_once()
        response = await client.get("/health/ready")
        assert response.status_code == 200
        body = response.json()
        assert body["status"] == "degraded"
        assert body["checks"]["s3"].startswith(("error", "timeout"))
        assert body["checks"]["postgres"] == "ok"
    finally:
        monkeypatch.undo()
        await monitor.probe_once()


async def test_readiness_never_probes_smtp_itself(
    client: httpx.AsyncClient, app: FastAPI, mail_sink: MailSink
) -> None:
    """An orchestrator asking every few seconds must not open an SMTP session each time: the
    SMTP state is the background probe's, so a sink stopped since then is not seen yet."""
    await app.state.store_monitor.probe_once()
    mail_sink.stop()
    try:
        for _ in range(3):
            response = await client.get("/health/ready")
            assert response.json()["checks"]["smtp"] == "ok"
            assert (await client.get("/metrics")).status_code == 200
    finally:
        mail_sink.start()


async def test_ready_is_503_while_the_schema_is_behind_the_code(
    client: httpx.AsyncClient, stores: Stores
) -> None:
    schema = migrate.schema_version()
    assert schema is not None
    earlier = sorted(schema.known - {schema.head})[-1]
    async with stores.engine.begin() as conn:
        await conn.execute(text("update alembic_version set version_num = :v"), {"v": earlier})
    try:
        response = await client.get("/health/ready")
    finally:
        async with stores.engine.begin() as conn:
            await conn.execute(
                text("update alembic_version set version_num = :v"), {"v": schema.head}
            )
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    wanted = f"behind: database at {earlier}, code needs {schema.head}"
    assert body["checks"]["migrations"] == wanted
    assert body["checks"]["postgres"] == "ok"
    assert (await client.get("/health/ready")).status_code == 200


async def test_openapi_has_title_version_and_tags(client: httpx.AsyncClient) -> None:
    spec = (await client.get("/openapi.json")).json()
    assert spec["info"]["title"] == "garderobe"
    assert spec["info"]["version"] == __version__
    assert "health" in {tag["name"] for tag in spec["tags"]}
    assert (await client.get("/docs")).status_code == 200

from __future__ import annotations

import httpx
import pytest

from garderobe import __version__
from garderobe.infra.stores import Stores


async def test_live_answers_without_touching_stores(client: httpx.AsyncClient) -> None:
    response = await client.get("/health/live")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "version": __version__}


async def test_ready_reports_every_store_ok(client: httpx.AsyncClient) -> None:
    response = await client.get("/health/ready")
    assert response.status_code == 200
    body = response.json()
    assert body["checks"] == dict.fromkeys(("postgres", "mongodb", "redis", "s3", "smtp"), "ok")


async def test_ready_is_503_naming_the_store_that_is_down(
    client: httpx.AsyncClient, stores: Stores, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Point the S3 check at a closed port: the real client fails for real.
    from garderobe.infra.devstack import free_port
    from garderobe.infra.storage import ObjectStorage

    dead = ObjectStorage(
        f"http://127.0.0.1:{free_port()}", access_key="x", secret_key="y", bucket="nope"
    )
    monkeypatch.setattr(stores, "storage", dead)
    monkeypatch.setattr(stores.settings, "store_check_timeout_seconds", 1.0)
    response = await client.get("/health/ready")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["s3"] != "ok"
    assert checks["postgres"] == "ok"


async def test_openapi_has_title_version_and_tags(client: httpx.AsyncClient) -> None:
    spec = (await client.get("/openapi.json")).json()
    assert spec["info"]["title"] == "garderobe"
    assert spec["info"]["version"]
    assert "health" in {tag["name"] for tag in spec["tags"]}
    assert (await client.get("/docs")).status_code == 200

"""Every error is RFC 9457 problem+json with a stable type and the request id."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from pydantic import BaseModel, Field

from garderobe.api.middleware import RequestContextMiddleware
from garderobe.errors import PROBLEM_BASE_URI, PROBLEM_MEDIA_TYPE, install_error_handlers

PROBLEM_KEYS = {"type", "title", "status", "detail", "instance", "request_id"}


def assert_problem(response: httpx.Response, status: int, slug: str) -> dict[str, object]:
    assert response.status_code == status
    assert response.headers["content-type"].startswith(PROBLEM_MEDIA_TYPE)
    body = response.json()
    assert body.keys() >= PROBLEM_KEYS
    assert body["type"] == PROBLEM_BASE_URI + slug
    assert body["status"] == status
    assert body["request_id"] == response.headers["x-request-id"]
    return body  # type: ignore[no-any-return]


async def test_unknown_route_is_404_problem(client: httpx.AsyncClient) -> None:
    body = assert_problem(await client.get("/no/such/thing"), 404, "not-found")
    assert body["instance"] == "/no/such/thing"


async def test_wrong_method_is_405_problem(client: httpx.AsyncClient) -> None:
    assert_problem(await client.delete("/health/live"), 405, "method-not-allowed")


class _Payload(BaseModel):
    name: str = Field(min_length=2)
    quantity: int


@pytest.fixture
async def probe() -> AsyncIterator[httpx.AsyncClient]:
    """A bare app with the same error handling and middleware, and routes that fail on purpose."""
    app = FastAPI()
    install_error_handlers(app)
    app.add_middleware(RequestContextMiddleware)

    @app.post("/validate")
    async def validate(payload: _Payload) -> dict[str, str]:
        return {"name": payload.name}

    @app.get("/crash")
    async def crash() -> None:
        raise RuntimeError("secret internals: password=hunter2")

    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://probe") as http:
        yield http


async def test_validation_error_is_422_listing_field_paths(probe: httpx.AsyncClient) -> None:
    response = await probe.post("/validate", json={"name": "x", "quantity": "many"})
    body = assert_problem(response, 422, "validation-error")
    fields = {e["field"] for e in body["errors"]}  # type: ignore[attr-defined]
    assert fields == {"body.name", "body.quantity"}


async def test_unexpected_error_is_500_without_internals(probe: httpx.AsyncClient) -> None:
    response = await probe.get("/crash")
    body = assert_problem(response, 500, "internal-error")
    assert "hunter2" not in response.text
    assert "Traceback" not in response.text
    assert "RuntimeError" not in str(body)


async def test_incoming_request_id_is_honoured(client: httpx.AsyncClient) -> None:
    response = await client.get("/nope", headers={"X-Request-ID": "abc-123"})
    assert response.headers["x-request-id"] == "abc-123"
    assert response.json()["request_id"] == "abc-123"


async def test_malformed_request_id_is_replaced(client: httpx.AsyncClient) -> None:
    response = await client.get("/health/live", headers={"X-Request-ID": "bad id\twith spaces"})
    assert response.headers["x-request-id"] != "bad id\twith spaces"
    assert len(response.headers["x-request-id"]) == 32


async def test_an_unreachable_store_is_503_not_500() -> None:
    from pymongo import AsyncMongoClient

    from garderobe.infra.devstack import free_port

    app = FastAPI()
    install_error_handlers(app)
    app.add_middleware(RequestContextMiddleware)
    dead = AsyncMongoClient(f"mongodb://127.0.0.1:{free_port()}", serverSelectionTimeoutMS=200)

    @app.get("/items")
    async def items() -> None:
        await dead.shop.items.find_one({})

    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://probe") as http:
        response = await http.get("/items")
    await dead.close()
    assert_problem(response, 503, "service-unavailable")
    assert response.headers["retry-after"] == "5"

"""CORS: browser storefronts on other origins, allowed by an explicit list."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from garderobe.main import create_app
from garderobe.settings import Settings

VITE = "http://localhost:5173"
STRONG_SECRET = "x" * 48


def _settings(**values: Any) -> Settings:
    return Settings(_env_file=None, jwt_secret=STRONG_SECRET, **values)


def _client(settings: Settings) -> httpx.AsyncClient:
    # Preflights and /health/live touch no store, so the app runs without its lifespan.
    transport = httpx.ASGITransport(app=create_app(settings))
    return httpx.AsyncClient(transport=transport, base_url="http://api.test")


@pytest.fixture
async def dev_api() -> AsyncIterator[httpx.AsyncClient]:
    async with _client(_settings(environment="development")) as client:
        yield client


def _preflight(
    origin: str, method: str = "PATCH", headers: str = "authorization, if-match"
) -> dict[str, str]:
    return {
        "Origin": origin,
        "Access-Control-Request-Method": method,
        "Access-Control-Request-Headers": headers,
    }


async def test_development_allows_the_vite_dev_server_without_credentials(
    dev_api: httpx.AsyncClient,
) -> None:
    response = await dev_api.options("/api/v1/items/abc", headers=_preflight(VITE))
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == VITE
    assert "PATCH" in response.headers["access-control-allow-methods"]
    assert response.headers["access-control-allow-headers"] == "authorization, if-match"
    assert "access-control-allow-credentials" not in response.headers


async def test_a_cross_origin_read_may_see_the_etag_and_request_id(
    dev_api: httpx.AsyncClient,
) -> None:
    response = await dev_api.get("/health/live", headers={"Origin": VITE})
    assert response.headers["access-control-allow-origin"] == VITE
    exposed = response.headers["access-control-expose-headers"].lower().split(", ")
    assert {"etag", "x-request-id", "retry-after"} <= set(exposed)


async def test_an_origin_not_on_the_list_is_refused_with_a_problem(
    dev_api: httpx.AsyncClient,
) -> None:
    response = await dev_api.options(
        "/api/v1/cart", headers={**_preflight("https://evil.example"), "X-Request-ID": "pf-1"}
    )
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert "access-control-allow-origin" not in response.headers
    body = response.json()
    assert body["type"] == "https://garderobe.dev/problems/cors-preflight-refused"
    assert body["refused"] == ["origin"]
    assert body["request_id"] == response.headers["x-request-id"] == "pf-1"


async def test_production_allows_no_origin_unless_configured() -> None:
    async with _client(_settings(environment="production")) as api:
        preflight = await api.options("/api/v1/cart", headers=_preflight(VITE))
        read = await api.get("/health/live", headers={"Origin": VITE})
    assert "access-control-allow-origin" not in preflight.headers
    assert preflight.status_code == 405  # no CORS layer: the route itself answers OPTIONS
    assert "access-control-allow-origin" not in read.headers


async def test_configured_origins_and_credentials_replace_the_defaults() -> None:
    shop = "https://shop.example"
    settings = _settings(
        environment="production", cors_allow_origins=shop, cors_allow_credentials=True
    )
    assert settings.cors_origins == [shop]
    async with _client(settings) as api:
        allowed = await api.options("/api/v1/cart", headers=_preflight(shop, "DELETE"))
        dev_origin = await api.options("/api/v1/cart", headers=_preflight(VITE))
    assert allowed.headers["access-control-allow-origin"] == shop
    assert allowed.headers["access-control-allow-credentials"] == "true"
    assert dev_origin.status_code == 400


def test_origins_are_read_as_a_json_list_or_comma_separated() -> None:
    assert _settings(cors_allow_origins='["https://a.example"]').cors_origins == [
        "https://a.example"
    ]
    assert _settings(cors_allow_origins="https://a.example, http://b.test:3000").cors_origins == [
        "https://a.example",
        "http://b.test:3000",
    ]
    assert _settings(environment="development", cors_allow_origins="").cors_origins == [
        VITE,
        "http://127.0.0.1:5173",
    ]
    assert _settings(environment="development", cors_allow_origins="[]").cors_origins == []


def test_credentials_for_any_origin_are_refused() -> None:
    with pytest.raises(ValueError, match="CORS_ALLOW_CREDENTIALS"):
        _settings(cors_allow_origins="*", cors_allow_credentials=True)


async def test_even_an_unexpected_500_is_readable_cross_origin() -> None:
    app = create_app(_settings(environment="development"))

    async def crash() -> None:
        raise RuntimeError("boom")

    app.add_api_route("/crash", crash)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://api.test") as api:
        response = await api.get("/crash", headers={"Origin": VITE})
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["access-control-allow-origin"] == VITE

"""App factory and lifespan: wires the stores, the routers, the middleware."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI

from garderobe import __version__, migrate, registry
from garderobe.admin.docs_access import fastapi_doc_urls
from garderobe.api.compression import CompressionMiddleware
from garderobe.api.cors import ProblemCORSMiddleware
from garderobe.api.docs import install_offline_docs
from garderobe.api.hygiene import InputHygieneMiddleware
from garderobe.api.middleware import RequestContextMiddleware
from garderobe.api.openapi import document_problems, operation_id
from garderobe.catalog.memory.index import MemoryIndex
from garderobe.errors import install_error_handlers
from garderobe.infra.stores import open_stores
from garderobe.observability import tracing
from garderobe.observability.health import StoreMonitor
from garderobe.observability.http import MetricsMiddleware
from garderobe.operations import install_operations, stores_opened
from garderobe.settings import Settings, get_settings
from garderobe.storefront.pages import install_storefront

DESCRIPTION = """
Catalog and shop API for clothing shops and resale marketplaces.

* **Catalog** items live in MongoDB with typed, per-category attributes.
* **Accounts, carts, orders, payments** live in PostgreSQL, transactionally.
* Errors are RFC 9457 `application/problem+json` bodies with a stable `type` URI
  and the `request_id` (also returned in the `X-Request-ID` header).
"""

TAGS = [
    {"name": "health", "description": "Liveness and readiness probes."},
    {"name": "auth", "description": "Registration, confirmation, tokens, passwords."},
    {"name": "users", "description": "Profiles, addresses and (admin) user management."},
    {"name": "catalog", "description": "Categories, brands, items, listing and facets."},
    {"name": "search", "description": "Full-text search and autocomplete."},
    {"name": "media", "description": "Item images in object storage."},
    {"name": "cart", "description": "The shopper's cart (users and guests)."},
    {"name": "orders", "description": "Checkout, payment and order status."},
    {"name": "recommendations", "description": "Similar items, bought together, for you."},
    {"name": "api-keys", "description": "Scoped keys for server-to-server clients (admin)."},
    {"name": "webhooks", "description": "Outgoing webhooks: subscriptions, deliveries (admin)."},
    {"name": "dev", "description": "Development-only helpers (not mounted in production)."},
    {"name": "pricing", "description": "Discounts and shipping zones (admin)."},
]


def settle_heap() -> None:
    """Move every object alive now out of the cyclic garbage collector's sight.

    The modules, routes, schemas and the loaded memory index are ~180,000 tracked objects
    that live as long as the process; each full collection walked them all: 110-190 ms with
    every request stalled (measured under load at 100,000 items; frozen: 3-4 ms). Frozen
    objects are still freed by reference counting; only cycles among them would stay.
    """
    gc.collect()
    gc.freeze()


def _memory_index(settings: Settings) -> MemoryIndex | None:
    if settings.catalog_index != "memory":
        return None
    budget = settings.catalog_index_memory_mb * 2**20 or None
    return MemoryIndex(on_loaded=settle_heap, budget_bytes=budget)


def _lifespan(settings: Settings) -> Any:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # At start-up, not in the factory: the contract document is built without secrets.
        settings.refuse_weak_secrets()
        stores = await open_stores(settings, registry.document_models())
        app.state.stores = stores
        app.state.schema = migrate.schema_version()
        monitor = StoreMonitor(stores, settings.store_probe_interval_seconds)
        app.state.store_monitor = monitor
        monitor.start()
        # Per process: each API worker keeps its own, in step with PostgreSQL.
        memory = _memory_index(settings)
        app.state.memory_index = memory
        if memory is not None:
            memory.start_loading(stores.sessionmaker)
        stores_opened(app, stores)
        settle_heap()
        try:
            yield
        finally:
            await monitor.close()
            if memory is not None:
                await memory.close()
            await stores.close()

    return lifespan


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(
        title="garderobe",
        version=__version__,
        description=DESCRIPTION,
        openapi_tags=TAGS,
        lifespan=_lifespan(settings),
        generate_unique_id_function=operation_id,
        **fastapi_doc_urls(settings),
    )
    if settings.docs_access == "public":  # admin-only docs: garderobe.admin.docs_access
        install_offline_docs(app)
    app.state.settings = settings
    app.state.login_hooks = registry.login_hooks()
    app.state.key_write_audit = registry.key_write_audit()
    install_error_handlers(app)
    document_problems(app)
    for router in registry.routers():
        app.include_router(router)
    install_operations(app, settings)
    if settings.is_development:
        from garderobe.api.dev import router as dev_router

        app.include_router(dev_router)
    install_storefront(app)
    add_middleware(app, settings)
    # Before the lifespan opens the stores: engines and clients made after it are traced.
    if tracing.enable("garderobe-api"):
        tracing.instrument_app(app)
    return app


def contract_document() -> dict[str, Any]:
    """The OpenAPI document of the API as production serves it, built without any store.

    Settings are the code's defaults, neither the environment nor `.env` is read (so the same
    commit always yields the same document, and a shell's settings cannot break it);
    development-only routes are left out because production does not mount them.
    """
    settings = Settings.model_construct(environment="test")
    return create_app(settings).openapi()


# Headers a browser script may read beyond the CORS-safelisted ones: what clients act on.
EXPOSED_HEADERS = ["ETag", "Location", "Retry-After", "X-Request-ID", "X-Cache"]


def add_middleware(app: FastAPI, settings: Settings) -> None:
    """The last one added runs first. CORS is outermost so that every answer, the last-resort
    500 included, carries its headers; compression sits outside the request log, which so
    records bodies as the app wrote them."""
    # Inside the request context (added first = innermost), so refusals carry the request id.
    app.add_middleware(InputHygieneMiddleware)
    app.add_middleware(
        RequestContextMiddleware,
        log_http=settings.log_http,
        body_limit=settings.log_http_body_limit,
    )
    # Outside the request context, so the last-resort 500s it writes are counted too.
    app.add_middleware(MetricsMiddleware)
    if settings.gzip_enabled:
        app.add_middleware(
            CompressionMiddleware,
            minimum_size=settings.gzip_minimum_bytes,
            compresslevel=settings.gzip_level,
        )
    if settings.cors_origins:
        app.add_middleware(
            ProblemCORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_credentials=settings.cors_allow_credentials,
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
            allow_headers=["*"],
            expose_headers=EXPOSED_HEADERS,
            max_age=settings.cors_max_age_seconds,
        )

"""What each domain contributes: SQLAlchemy models, Beanie documents, routers, outbox handlers.

Adding a domain means adding it here; main.py, worker.py and migrations/env.py read these.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # importing them costs a second: the CLI imports this module first
    from beanie import Document
    from fastapi import APIRouter

    from garderobe.accounts.apikeys.dependencies import KeyWriteAudit
    from garderobe.accounts.hooks import LoginHook


def import_models() -> None:
    """Import every SQLAlchemy model so Base.metadata knows all tables (Alembic needs this)."""
    import garderobe.accounts.apikeys.models
    import garderobe.accounts.models
    import garderobe.admin.models
    import garderobe.catalog.fit.models
    import garderobe.catalog.index.models
    import garderobe.catalog.suppliers.models
    import garderobe.commerce.models
    import garderobe.imports.models
    import garderobe.outbox.models
    import garderobe.pricing.models
    import garderobe.recommendations.models
    import garderobe.reviews.models
    import garderobe.stock.models
    import garderobe.webhooks.models  # noqa: F401


def document_models() -> list[type[Document]]:
    from garderobe.catalog.documents import Item
    from garderobe.catalog.taxonomy.documents import Brand, Category, Vocabulary

    return [Item, Category, Brand, Vocabulary]


def routers() -> list[APIRouter]:
    from garderobe.accounts.routers import api_keys, auth, users
    from garderobe.api import health
    from garderobe.catalog.routers import (
        images,
        items,
        search,
        sizes,
        stock,
        suppliers,
        taxonomy,
        variants,
    )
    from garderobe.commerce.routers import admin_orders, cart, orders, payments
    from garderobe.imports import router as imports
    from garderobe.pricing.routers import admin_discounts, admin_shipping
    from garderobe.recommendations.routers import items as recommended_items
    from garderobe.recommendations.routers import me as my_recommendations
    from garderobe.reviews.routers import admin_reviews, reviews
    from garderobe.webhooks.routers import admin_webhooks

    # The order is the OpenAPI document's order of paths (openapi.json).
    return [
        health.router,
        auth.router,
        users.router,
        taxonomy.router,
        items.router,
        variants.router,
        search.router,
        suppliers.router,
        cart.router,
        orders.router,
        admin_orders.router,
        stock.router,
        payments.router,
        images.router,
        reviews.router,
        admin_reviews.router,
        recommended_items.router,
        my_recommendations.router,
        sizes.router,
        api_keys.router,
        admin_webhooks.router,
        admin_discounts.router,
        admin_shipping.router,
        imports.router,
    ]


def login_hooks() -> list[LoginHook]:
    """What other domains do when a user logs in (accounts.hooks), in the login's transaction."""
    from garderobe.commerce.cart import adopt_guest_cart

    return [adopt_guest_cart]


def key_write_audit() -> KeyWriteAudit:
    """How a write by an API key reaches the admin audit log (accounts.apikeys.dependencies)."""
    from garderobe.admin.audit import record_key_write

    return record_key_write


def outbox_handlers() -> dict[str, Any]:
    """Outbox topic -> handler(ctx, payload), beyond mail (which the worker owns)."""
    from garderobe.catalog.images import jobs as image_jobs
    from garderobe.catalog.images.service import THUMBNAILS_TOPIC
    from garderobe.commerce import jobs as commerce_jobs
    from garderobe.commerce.notices import MARK_SOLD_TOPIC, RELIST_TOPIC
    from garderobe.imports import jobs as import_jobs
    from garderobe.imports.service import START_TOPIC as IMPORT_TOPIC
    from garderobe.media import service as media
    from garderobe.webhooks import delivery as webhook_delivery
    from garderobe.webhooks import jobs as webhook_jobs
    from garderobe.webhooks.events import EVENT_TOPIC

    return {
        MARK_SOLD_TOPIC: commerce_jobs.mark_sold,
        RELIST_TOPIC: commerce_jobs.relist,
        THUMBNAILS_TOPIC: image_jobs.make_thumbnails,
        media.DELETE_OBJECTS_TOPIC: media.delete_objects,
        media.DELETE_PREFIX_TOPIC: media.delete_prefix,
        EVENT_TOPIC: webhook_delivery.fan_out,
        webhook_jobs.REDELIVER_TOPIC: webhook_jobs.redeliver,
        IMPORT_TOPIC: import_jobs.start_job,
    }


def job_functions() -> list[Any]:
    """Extra arq job functions from the domains."""
    from garderobe.imports.jobs import run_import
    from garderobe.webhooks.jobs import deliver_webhook

    return [deliver_webhook, run_import]


def cron_jobs() -> list[Any]:
    """Scheduled arq jobs from the domains (arq.cron(...) objects)."""
    from arq import cron

    from garderobe.catalog.images.jobs import sweep_orphaned_media
    from garderobe.catalog.index.jobs import compact_facet_counts, reconcile_search
    from garderobe.commerce.jobs import cancel_unpaid_orders
    from garderobe.imports.jobs import requeue_imports
    from garderobe.recommendations.jobs import recompute_co_purchases
    from garderobe.webhooks.jobs import prune_webhook_deliveries, retry_due_webhooks

    # README.md's "Scheduled jobs" table lists these; tests/test_worker_schedule.py compares.
    return [
        cron(reconcile_search, minute={17}, second={0}),
        cron(compact_facet_counts, second={45}),
        cron(cancel_unpaid_orders, second={30}),
        cron(sweep_orphaned_media, minute={43}, second={15}),
        cron(recompute_co_purchases, minute={7}, second={20}),
        cron(retry_due_webhooks, second={5}, run_at_startup=True),
        cron(prune_webhook_deliveries, minute={53}, second={25}),
        cron(requeue_imports, second={50}, run_at_startup=True),
    ]

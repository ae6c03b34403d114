"""The operator-facing parts of the app: metrics, error reporting, docs access, admin panel.

Kept out of main.py so the app factory wires them with one call.
"""

from __future__ import annotations

from fastapi import FastAPI

from garderobe.admin.docs_access import install_guarded_docs
from garderobe.admin.panel import bind_admin, install_admin
from garderobe.commerce import metrics as order_metrics
from garderobe.infra.stores import Stores
from garderobe.observability.sentry import init_sentry
from garderobe.settings import Settings


def install_operations(app: FastAPI, settings: Settings) -> None:
    order_metrics.install()
    init_sentry(settings)
    install_guarded_docs(app, settings)
    install_admin(app, settings)
    if settings.metrics_enabled:
        from garderobe.api.metrics import router as metrics_router

        app.include_router(metrics_router)


def stores_opened(app: FastAPI, stores: Stores) -> None:
    """What the operator parts need once the lifespan has opened the stores."""
    bind_admin(app, stores)

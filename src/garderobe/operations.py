"""The operator-facing parts of the app: metrics, error reporting, docs access, admin panel.

Kept out of main.py so the app factory wires them with one call.
"""

from __future__ import annotations

from fastapi import FastAPI

from garderobe.api.docs_access import install_guarded_docs
from garderobe.observability import orders as order_metrics
from garderobe.observability.sentry import init_sentry
from garderobe.settings import Settings


def install_operations(app: FastAPI, settings: Settings) -> None:
    order_metrics.install()
    init_sentry(settings)
    install_guarded_docs(app, settings)
    if settings.metrics_enabled:
        from garderobe.observability.router import router as metrics_router

        app.include_router(metrics_router)

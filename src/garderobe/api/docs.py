"""Swagger UI and ReDoc served with their assets from the service itself.

FastAPI's default pages load Swagger UI and ReDoc from a CDN, so `/docs` renders blank on a
machine without internet (a train, a locked-down network). The `fastapi-offline` package
ships both bundles; we serve its files under /docs-assets and build the pages with
FastAPI's own HTML helpers, with Google Fonts turned off for the same reason.
"""

from __future__ import annotations

from pathlib import Path

import fastapi_offline
from fastapi import FastAPI
from fastapi.openapi.docs import (
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fastapi.staticfiles import StaticFiles
from starlette.requests import Request
from starlette.responses import HTMLResponse

ASSETS_URL = "/docs-assets"
ASSETS_DIR = Path(fastapi_offline.__file__).parent / "static"


def mount_assets(app: FastAPI) -> None:
    app.mount(ASSETS_URL, StaticFiles(directory=ASSETS_DIR), name="docs-assets")


def _assets(request: Request) -> str:
    return f"{request.scope.get('root_path', '')}{ASSETS_URL}"


def swagger_ui_page(app: FastAPI, request: Request, openapi_url: str) -> HTMLResponse:
    root = request.scope.get("root_path", "")
    oauth2_redirect_url = app.swagger_ui_oauth2_redirect_url or "/docs/oauth2-redirect"
    return get_swagger_ui_html(
        openapi_url=f"{root}{openapi_url}",
        title=f"{app.title} - Swagger UI",
        oauth2_redirect_url=f"{root}{oauth2_redirect_url}",
        swagger_js_url=f"{_assets(request)}/swagger-ui-bundle.js",
        swagger_css_url=f"{_assets(request)}/swagger-ui.css",
        swagger_favicon_url=f"{_assets(request)}/favicon.png",
        swagger_ui_parameters=app.swagger_ui_parameters,
    )


def redoc_page(app: FastAPI, request: Request, openapi_url: str) -> HTMLResponse:
    root = request.scope.get("root_path", "")
    return get_redoc_html(
        openapi_url=f"{root}{openapi_url}",
        title=f"{app.title} - ReDoc",
        redoc_js_url=f"{_assets(request)}/redoc.standalone.js",
        redoc_favicon_url=f"{_assets(request)}/favicon.png",
        with_google_fonts=False,
    )


def install_offline_docs(app: FastAPI, docs_url: str = "/docs", redoc_url: str = "/redoc") -> None:
    """Mount the bundled assets and the two public pages (the app is created with
    docs_url=None, redoc_url=None, so FastAPI's CDN pages are not there)."""
    openapi_url = app.openapi_url or "/openapi.json"
    oauth2_redirect_url = app.swagger_ui_oauth2_redirect_url or "/docs/oauth2-redirect"
    mount_assets(app)

    @app.get(docs_url, include_in_schema=False)
    async def swagger_ui(request: Request) -> HTMLResponse:
        return swagger_ui_page(app, request, openapi_url)

    @app.get(oauth2_redirect_url, include_in_schema=False)
    async def swagger_ui_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    @app.get(redoc_url, include_in_schema=False)
    async def redoc(request: Request) -> HTMLResponse:
        return redoc_page(app, request, openapi_url)

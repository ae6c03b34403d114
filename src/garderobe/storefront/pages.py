"""Serves the storefront: index.html for each page the React app routes, hashed assets
under /assets.

The page paths are listed rather than caught with a wildcard, so an unknown /api/... URL
still gets the API's problem+json 404 and not the shop's HTML. Vite names every asset after
a hash of its content, so they can be cached for a year; index.html names the current ones
and is revalidated on every load.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.responses import FileResponse, Response
from starlette.types import Scope

STATIC_DIR = Path(__file__).parent / "static"
INDEX = STATIC_DIR / "index.html"
ASSETS_URL = "/assets"
IMMUTABLE = "public, max-age=31536000, immutable"

# Every path the app in web/src/main.tsx routes; a shared or reloaded URL lands here.
PAGES = (
    "/",
    "/c/{slug}",
    "/search",
    "/items/{item_id}",
    "/register",
    "/confirm",
    "/login",
    "/forgot-password",
    "/reset-password",
    "/cart",
    "/checkout",
    "/orders",
    "/orders/{order_id}",
    "/account",
    "/account/sizes",
)


class HashedAssets(StaticFiles):
    """Static files whose names change with their content: cached for a year."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        if response.status_code == 200:
            response.headers["Cache-Control"] = IMMUTABLE
        return response


async def storefront_page() -> FileResponse:
    return FileResponse(INDEX, media_type="text/html", headers={"Cache-Control": "no-cache"})


def install_storefront(app: FastAPI) -> None:
    """Mount the built bundle; a checkout without one (never built) serves the API only."""
    if not INDEX.exists():
        return
    router = APIRouter(include_in_schema=False)
    for path in PAGES:
        router.add_api_route(path, storefront_page, methods=["GET"], response_class=FileResponse)
    app.include_router(router)
    app.mount(ASSETS_URL, HashedAssets(directory=STATIC_DIR / "assets"), name="storefront-assets")

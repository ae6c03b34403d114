"""Who may read the API's documents: `/docs`, `/redoc` and `/openapi.json`.

DOCS_VISIBILITY=public serves them to anyone (FastAPI's own routes), `off` removes them, and
`admin` serves them only to an admin: a bearer token with the admin role, which is what a
script or an API client sends.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse

from garderobe.accounts.dependencies import get_admin_user
from garderobe.settings import Settings

OPENAPI_URL = "/openapi.json"


def fastapi_doc_urls(settings: Settings) -> dict[str, Any]:
    """The FastAPI(...) arguments: its own unguarded routes only when the docs are public."""
    if settings.docs_access == "public":
        return {}
    return {"docs_url": None, "redoc_url": None, "openapi_url": None}


def install_guarded_docs(app: FastAPI, settings: Settings) -> None:
    """Serve the documents to admins only when DOCS_VISIBILITY=admin."""
    if settings.docs_access != "admin":
        return
    router = APIRouter(dependencies=[Depends(get_admin_user)], include_in_schema=False)

    @router.get(OPENAPI_URL)
    async def openapi_document() -> JSONResponse:
        return JSONResponse(app.openapi())

    @router.get("/docs")
    async def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(openapi_url=OPENAPI_URL, title=f"{app.title} - Swagger UI")

    @router.get("/redoc")
    async def redoc() -> HTMLResponse:
        return get_redoc_html(openapi_url=OPENAPI_URL, title=f"{app.title} - ReDoc")

    app.include_router(router)

"""Who may read the API's documents: `/docs`, `/redoc` and `/openapi.json`.

DOCS_VISIBILITY=public serves them to anyone (FastAPI's own routes), `off` removes them, and
`admin` serves them only to an admin: a bearer token with the admin role (what a script or an
API client sends), or the admin panel's session cookie (what a browser has after signing in
at /admin).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse

from garderobe.accounts.dependencies import AccessClaims, get_optional_user
from garderobe.accounts.models import User
from garderobe.admin.auth import admin_id_from_cookie
from garderobe.api import docs
from garderobe.api.deps import DbSession, SettingsDep
from garderobe.errors import Forbidden, Unauthorized
from garderobe.settings import Settings

OPENAPI_URL = "/openapi.json"


def fastapi_doc_urls(settings: Settings) -> dict[str, Any]:
    """The FastAPI(...) arguments: never its own CDN pages (api.docs serves them with local
    assets), and its unguarded /openapi.json only when the docs are public."""
    urls: dict[str, Any] = {"docs_url": None, "redoc_url": None}
    if settings.docs_access != "public":
        urls["openapi_url"] = None
    return urls


async def require_docs_reader(
    request: Request, claims: AccessClaims, session: DbSession, settings: SettingsDep
) -> User:
    if claims is not None:
        user = await get_optional_user(claims, session)
    else:
        admin_id = admin_id_from_cookie(request, settings)
        user = await session.get(User, admin_id) if admin_id else None
        if user is not None and not user.is_active:
            user = None
    if user is None:
        raise Unauthorized("Sign in at /admin, or send an admin bearer token, to read the docs.")
    if not user.is_admin:
        raise Forbidden("The API documents are for admins here.")
    return user


def install_guarded_docs(app: FastAPI, settings: Settings) -> None:
    """Serve the documents to admins only when DOCS_VISIBILITY=admin."""
    if settings.docs_access != "admin":
        return
    router = APIRouter(dependencies=[Depends(require_docs_reader)], include_in_schema=False)
    docs.mount_assets(app)  # Swagger UI and ReDoc themselves: public libraries, no secret

    @router.get(OPENAPI_URL)
    async def openapi_document() -> JSONResponse:
        return JSONResponse(app.openapi())

    @router.get("/docs")
    async def swagger_ui(request: Request) -> HTMLResponse:
        return docs.swagger_ui_page(app, request, OPENAPI_URL)

    @router.get("/redoc")
    async def redoc(request: Request) -> HTMLResponse:
        return docs.redoc_page(app, request, OPENAPI_URL)

    app.include_router(router)

"""Admin panel sign-in with the service's own accounts: argon2, the API's login rate limits,
and a signed session cookie (HttpOnly, SameSite=Lax, Secure outside development)."""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from base64 import b64decode
from typing import Any

import itsdangerous
from sqladmin.authentication import AuthenticationBackend
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from garderobe.accounts import service as accounts
from garderobe.accounts.models import User
from garderobe.admin.csrf import CsrfTokenMiddleware
from garderobe.errors import DomainError
from garderobe.infra.stores import Stores
from garderobe.settings import Settings
from garderobe.uow import unit_of_work

SESSION_COOKIE = "garderobe_admin"
SESSION_MAX_AGE = 8 * 3600  # a working day; the panel asks again after it


def session_secret(settings: Settings) -> str:
    """Derived from JWT_SECRET (refused in production when weak) so there is no second secret
    to manage, and separated from it so a session cookie can never pass as a token."""
    key = settings.jwt_secret.get_secret_value().encode()
    return hmac.new(key, b"garderobe-admin-session", hashlib.sha256).hexdigest()


def _refusal(status: int, message: str, headers: dict[str, str] | None = None) -> HTMLResponse:
    body = f"<!doctype html><title>Refused</title><h1>{status}</h1><p>{message}</p>"
    body += '<p><a href="login">Back to sign-in</a></p>'
    return HTMLResponse(body, status_code=status, headers=headers)


def stores_of(request: Request) -> Stores:
    stores: Stores = request.app.state.stores
    return stores


async def signed_in_admin(request: Request) -> User | None:
    """The admin behind this request's session, re-read so a demoted or deactivated account
    loses the panel at its next click."""
    raw = request.session.get("user_id") if "session" in request.scope else None
    if not raw:
        return None
    async with stores_of(request).sessionmaker() as session:
        user = await session.get(User, uuid.UUID(raw))
    if user is None or not user.is_active or not user.is_admin:
        return None
    return user


def admin_id_from_cookie(request: Request, settings: Settings) -> uuid.UUID | None:
    """The user id in a valid panel session cookie, read outside the panel (for /docs)."""
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return None
    # Starlette's SessionMiddleware format: base64 JSON, signed with a timestamp.
    signer = itsdangerous.TimestampSigner(session_secret(settings))
    try:
        data = json.loads(b64decode(signer.unsign(cookie.encode(), max_age=SESSION_MAX_AGE)))
        return uuid.UUID(str(data["user_id"]))
    except (itsdangerous.BadSignature, ValueError, KeyError, TypeError):
        return None


class AdminAuth(AuthenticationBackend):
    def __init__(self, settings: Settings) -> None:
        super().__init__(secret_key=session_secret(settings))
        self.middlewares = [
            Middleware(
                SessionMiddleware,
                secret_key=session_secret(settings),
                session_cookie=SESSION_COOKIE,
                max_age=SESSION_MAX_AGE,
                # The whole site, so an admin signed in here may read /docs when
                # DOCS_VISIBILITY=admin; the API itself never reads it (tokens only).
                path="/",
                same_site="lax",
                https_only=not settings.is_development,
            ),
            # Inside the session: the token is checked against the session's secret.
            Middleware(CsrfTokenMiddleware),
        ]

    async def login(self, request: Request) -> Response | bool:
        form = await request.form()
        email, password = str(form.get("username", "")), str(form.get("password", ""))
        ip = request.client.host if request.client else "unknown"
        stores = stores_of(request)
        try:
            async with unit_of_work(stores) as session:
                user = await accounts.authenticate(
                    session, stores.redis, email=email, password=password, ip=ip
                )
        except DomainError as refused:
            if refused.status_code == 429:
                return _refusal(429, refused.detail, refused.headers)
            return False
        if not user.is_admin:
            return _refusal(403, "This panel is for admins; your account is a customer account.")
        request.session.clear()
        request.session["user_id"] = str(user.id)
        return True

    async def logout(self, request: Request) -> Response | bool:
        request.session.clear()
        return True

    async def authenticate(self, request: Request) -> Response | bool:
        if "user_id" not in request.session:
            return False
        if await signed_in_admin(request) is None:
            request.session.clear()
            return _refusal(403, "This account may not use the admin panel.")
        return True

    async def get_user_id(self, request: Request) -> Any:
        return request.session.get("user_id")

"""Cross-site request forgery protection for the admin panel, in two layers.

1. Synchronizer tokens: each panel session holds a random secret; every form the panel
   renders carries it (masked afresh per page, so compressed pages do not leak it, as
   Django does) in a hidden `csrf_token` field, placed by `{{ csrf_field() }}` in every POST
   form of our templates and of SQLAdmin's, which we override for it (`admin/templates/`).
   Every state-changing request (any POST/PUT/PATCH/DELETE) must bring it back, in that
   field or an `X-CSRF-Token` header. SQLAdmin's row actions are GET links; here they are
   POST forms (see the overridden templates), so a GET on an action is refused.
2. Origin check, as defence in depth: the browser's `Sec-Fetch-Site: same-origin`, or else
   an `Origin`/`Referer` on this host; with neither the request is refused too.
"""

from __future__ import annotations

import base64
import hmac
import secrets
from collections.abc import MutableMapping
from typing import Any
from urllib.parse import urlsplit

import jinja2
from markupsafe import Markup
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

FIELD = "csrf_token"
HEADER = b"x-csrf-token"
_SESSION_KEY = "csrf_secret"
_SECRET_BYTES = 32
_SAFE = {"GET", "HEAD", "OPTIONS"}
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return bytes(value).decode("latin-1")
    return None


def _is_action(scope: Scope) -> bool:
    return "/action/" in scope.get("path", "")


def changes_state(scope: Scope) -> bool:
    return scope.get("method") not in _SAFE or _is_action(scope)


def same_origin(scope: Scope) -> bool:
    fetch_site = _header(scope, b"sec-fetch-site")
    if fetch_site is not None:
        return fetch_site == "same-origin"
    host = _header(scope, b"host")
    source = _header(scope, b"origin") or _header(scope, b"referer")
    if not host or not source or source == "null":
        return False
    return urlsplit(source).netloc == host


def _refusal(message: str, status: int = 403) -> HTMLResponse:
    body = f"<!doctype html><title>Refused</title><h1>{status}</h1><p>{message}</p>"
    return HTMLResponse(body, status_code=status)


# --- tokens -----------------------------------------------------------------------------


def _xor(left: bytes, right: bytes) -> bytes:
    return bytes(a ^ b for a, b in zip(left, right, strict=True))


def _secret(session: MutableMapping[str, Any]) -> bytes:
    raw = session.get(_SESSION_KEY)
    if not isinstance(raw, str):
        raw = base64.urlsafe_b64encode(secrets.token_bytes(_SECRET_BYTES)).decode()
        session[_SESSION_KEY] = raw
    return base64.urlsafe_b64decode(raw)


def new_token(session: MutableMapping[str, Any]) -> str:
    """The session's secret under a fresh one-time mask: `mask + (mask XOR secret)`."""
    secret = _secret(session)
    mask = secrets.token_bytes(len(secret))
    return base64.urlsafe_b64encode(mask + _xor(mask, secret)).decode()


def token_matches(session: MutableMapping[str, Any], token: str | None) -> bool:
    stored = session.get(_SESSION_KEY)
    if not token or not isinstance(stored, str):
        return False
    try:
        raw = base64.urlsafe_b64decode(token.encode("ascii"))
    except (ValueError, UnicodeEncodeError):
        return False
    mask, masked = raw[:_SECRET_BYTES], raw[_SECRET_BYTES:]
    if len(mask) != _SECRET_BYTES or len(masked) != _SECRET_BYTES:
        return False
    return hmac.compare_digest(_xor(mask, masked), base64.urlsafe_b64decode(stored))


# --- templates ----------------------------------------------------------------------------


@jinja2.pass_context
def csrf_token(context: Any) -> str:
    """`{{ csrf_token() }}`: a freshly masked token, for scripts (the layout's AJAX header)."""
    request: Request = context["request"]
    return new_token(request.session)


@jinja2.pass_context
def csrf_field(context: Any) -> Markup:
    """`{{ csrf_field() }}`: the hidden token field, first thing inside every POST form."""
    token = csrf_token(context)
    return Markup('<input type="hidden" name="{}" value="{}">').format(FIELD, token)


def install_templates(env: jinja2.Environment) -> None:
    env.globals["csrf_token"] = csrf_token
    env.globals["csrf_field"] = csrf_field


# --- middlewares --------------------------------------------------------------------------


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replaying(body: bytes, receive: Receive) -> Receive:
    """A `receive` that hands the already-read body on, then the real channel's messages."""
    pending = True

    async def replay() -> Message:
        nonlocal pending
        if pending:
            pending = False
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


async def _submitted_token(scope: Scope, body: bytes, receive: Receive) -> str | None:
    header = _header(scope, HEADER)
    if header:
        return header
    content_type = _header(scope, b"content-type") or ""
    if not content_type.lower().startswith(_FORM_TYPES):
        return None
    try:
        form = await Request(scope, _replaying(body, receive)).form()
    except (HTTPException, MultiPartException):  # a malformed body holds no token
        return None
    try:
        value = form.get(FIELD)
        return value if isinstance(value, str) else None
    finally:
        await form.close()


class CsrfTokenMiddleware:
    """Runs inside the session middleware: checks the token of every state-changing request.
    A verified POST on an action reaches SQLAdmin's router as the GET it registers."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not changes_state(scope):
            await self.app(scope, receive, send)
            return
        if scope["method"] == "GET":  # an action as a link: actions are POST forms here
            await _refusal("Admin actions are forms; reload the page and submit it.")(
                scope, receive, send
            )
            return
        body = await _read_body(receive)
        submitted = await _submitted_token(scope, body, receive)
        if not token_matches(scope.get("session", {}), submitted):
            refusal = _refusal(
                "Refused: this form's security token is missing or belongs to another "
                "session. Reload the page and submit it again."
            )
            await refusal(scope, receive, send)
            return
        if not _is_action(scope):
            await self.app(scope, _replaying(body, receive), send)
            return
        # SQLAdmin routes actions for GET only: its router sees the GET it expects, in the
        # scope it shares with the app's outer middlewares (metrics read the matched route
        # there, and the method as it came).
        method, scope["method"] = scope["method"], "GET"
        try:
            await self.app(scope, _replaying(body, receive), send)
        finally:
            scope["method"] = method


class SameOriginMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and changes_state(scope) and not same_origin(scope):
            refusal = _refusal(
                "Refused: this admin request did not come from the admin panel's own pages."
            )
            await refusal(scope, receive, send)
            return
        await self.app(scope, receive, send)

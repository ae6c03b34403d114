"""Cross-site request forgery protection for the admin panel.

SQLAdmin's forms carry no token, and its actions are GET links, so every state-changing
admin request (any POST/PUT/PATCH/DELETE, and GET on an action) must prove it comes from the
panel's own pages: the browser's `Sec-Fetch-Site: same-origin`, or else an `Origin`/`Referer`
on this host. A request with none of them is refused too. With the session cookie's
SameSite=Lax this is OWASP's "verify origin with standard headers" defence.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send

_SAFE = {"GET", "HEAD", "OPTIONS"}


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return bytes(value).decode("latin-1")
    return None


def changes_state(scope: Scope) -> bool:
    return scope.get("method") not in _SAFE or "/action/" in scope.get("path", "")


def same_origin(scope: Scope) -> bool:
    fetch_site = _header(scope, b"sec-fetch-site")
    if fetch_site is not None:
        return fetch_site == "same-origin"
    host = _header(scope, b"host")
    source = _header(scope, b"origin") or _header(scope, b"referer")
    if not host or not source or source == "null":
        return False
    return urlsplit(source).netloc == host


class SameOriginMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and changes_state(scope) and not same_origin(scope):
            response = PlainTextResponse(
                "Refused: this admin request did not come from the admin panel's own pages.",
                status_code=403,
            )
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)

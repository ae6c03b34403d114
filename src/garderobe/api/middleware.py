"""ASGI middleware: request ids, access log, optional raw HTTP logging, last-resort 500s.

Written as plain ASGI (not BaseHTTPMiddleware) so streamed responses stay streamed.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from typing import Any

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from garderobe.errors import problem_response
from garderobe.logs import bind_request_id, unbind_request_id

log = logging.getLogger("garderobe.http")

REQUEST_ID_HEADER = "x-request-id"
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
_SECRET_HEADERS = {b"authorization", b"cookie", b"set-cookie", b"x-cart-token", b"x-api-key"}
_SECRET_FIELD = re.compile(
    r'("?(?:password|current_password|new_password|token|access_token|refresh_token|code|secret)'
    r'"?\s*[:=]\s*)("[^"]*"|[^&\s,}]+)',
    re.IGNORECASE,
)


def mask_secrets(text: str) -> str:
    """Hide passwords, tokens and codes in a JSON or form-encoded body."""
    return _SECRET_FIELD.sub(r'\1"***"', text)


def incoming_request_id(scope: Scope) -> str:
    """The caller's X-Request-ID when it is a sane token, else a fresh one."""
    for name, value in scope.get("headers", []):
        if name == b"x-request-id":
            candidate = bytes(value).decode("latin-1")
            if _VALID_REQUEST_ID.match(candidate):
                return candidate
    return uuid.uuid4().hex


class _Capture:
    """Keeps the first `limit` bytes of a body for the raw HTTP log."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.data = bytearray()
        self.total = 0

    def add(self, chunk: bytes) -> None:
        self.total += len(chunk)
        room = self.limit - len(self.data)
        if room > 0:
            self.data.extend(chunk[:room])

    def text(self) -> str:
        body = mask_secrets(self.data.decode("utf-8", errors="replace"))
        if self.total > self.limit:
            body += f"…[{self.total - len(self.data)} more bytes]"
        return body


def _masked_headers(headers: list[tuple[bytes, bytes]]) -> dict[str, str]:
    return {
        k.decode("latin-1"): "***" if k.lower() in _SECRET_HEADERS else v.decode("latin-1")
        for k, v in headers
    }


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp, *, log_http: bool = False, body_limit: int = 2048) -> None:
        self.app = app
        self.log_http = log_http
        self.body_limit = body_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = incoming_request_id(scope)
        token = bind_request_id(request_id)
        state: dict[str, Any] = {"status": 500, "started": False, "headers": []}
        req_body, resp_body = _Capture(self.body_limit), _Capture(self.body_limit)
        started = time.perf_counter()

        async def receive_logged() -> Message:
            message = await receive()
            if self.log_http and message["type"] == "http.request":
                req_body.add(message.get("body", b""))
            return message

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                state.update(status=message["status"], started=True, headers=message["headers"])
                message["headers"] = [
                    *message["headers"],
                    (b"x-request-id", request_id.encode("latin-1")),
                ]
            elif message["type"] == "http.response.body" and self.log_http:
                resp_body.add(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive_logged, send_with_id)
        except Exception:
            if state["started"]:
                raise
            log.exception("unhandled error")
            response = problem_response(
                Request(scope),
                status=500,
                slug="internal-error",
                title="Internal server error",
                detail="An unexpected error occurred; quote the request id when reporting it.",
            )
            await response(scope, receive, send_with_id)
        finally:
            elapsed_ms = round((time.perf_counter() - started) * 1000, 2)
            self._log_request(scope, state, elapsed_ms, req_body, resp_body)
            unbind_request_id(token)

    def _log_request(
        self,
        scope: Scope,
        state: dict[str, Any],
        elapsed_ms: float,
        req_body: _Capture,
        resp_body: _Capture,
    ) -> None:
        path = scope.get("path", "")
        extra: dict[str, Any] = {
            "method": scope.get("method"),
            "path": path,
            "status": state["status"],
            "duration_ms": elapsed_ms,
        }
        # Cached reads say whether they were a hit, a miss or answered without the cache.
        cache = next((v for k, v in state["headers"] if k == b"x-cache"), None)
        if cache is not None:
            extra["cache"] = bytes(cache).decode("latin-1")
        if self.log_http:
            extra["request_headers"] = json.dumps(_masked_headers(scope.get("headers", [])))
            extra["request_body"] = req_body.text()
            extra["response_headers"] = json.dumps(_masked_headers(state["headers"]))
            extra["response_body"] = resp_body.text()
        log.info("%s %s -> %s", scope.get("method"), path, state["status"], extra=extra)

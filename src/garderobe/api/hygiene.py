"""Input hygiene at the edge: strings no store can hold are refused before any route runs.

PostgreSQL text cannot hold NUL (U+0000), and neither PostgreSQL nor BSON can encode an
unpaired UTF-16 surrogate (JSON may spell one as "\\ud800"). Either would reach a driver
and come back as a 500, so this middleware answers 422 `validation-error` naming the field
for every place a client puts a string: the path, the query string, header values, JSON
bodies and form-encoded bodies. Multipart bodies are streamed, not buffered, so their text
fields are checked where they are parsed (`media.uploads`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from garderobe.errors import problem_response

# Bodies of these types are small and parsed whole by the routes anyway, so buffering
# them here costs one more parse, not more memory than the route would use.
_JSON_TYPES = ("application/json", "application/problem+json")
_FORM_TYPE = "application/x-www-form-urlencoded"
# No JSON or form body the API takes comes near this (an item is at most ~15 kB).
MAX_BUFFERED_BODY = 1024 * 1024


def unstorable(value: str) -> str | None:
    """Why no store can hold `value` (a NUL or an unpaired surrogate), or None if it can."""
    if "\x00" in value:
        return "must not contain NUL (\\u0000) characters"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "must be valid Unicode (an unpaired surrogate was sent)"
    return None


def json_problems(value: Any, path: str = "body") -> Iterator[tuple[str, str]]:
    """(field, reason) for every unstorable string in a decoded JSON document, keys included."""
    if isinstance(value, str):
        reason = unstorable(value)
        if reason:
            yield path, reason
    elif isinstance(value, dict):
        for key, item in value.items():
            field = f"{path}.{key}"
            reason = unstorable(key)
            if reason:
                yield field, f"key {reason}"
            yield from json_problems(item, field)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from json_problems(item, f"{path}.{index}")


def pairs_problems(pairs: list[tuple[str, str]], location: str) -> Iterator[tuple[str, str]]:
    for key, value in pairs:
        reason = unstorable(key) or unstorable(value)
        if reason:
            yield f"{location}.{key}", reason


def _query_pairs(raw: bytes) -> list[tuple[str, str]]:
    # Decoded exactly as Starlette decodes them for the routes.
    return parse_qsl(raw.decode("latin-1"), keep_blank_values=True)


def request_line_problems(scope: Scope) -> Iterator[tuple[str, str]]:
    """Unstorable strings in the path, the query string and header values."""
    reason = unstorable(scope.get("path", ""))
    if reason:
        yield "path", reason
    yield from pairs_problems(_query_pairs(scope.get("query_string", b"")), "query")
    for name, value in scope.get("headers", []):
        if b"\x00" in value:
            yield f"header.{name.decode('latin-1')}", "must not contain NUL bytes"


def body_problems(content_type: str, body: bytes) -> Iterator[tuple[str, str]]:
    """Unstorable strings in a JSON or form-encoded body; other bodies are left alone."""
    if content_type.startswith(_JSON_TYPES):
        try:
            document = json.loads(body)
        except ValueError:
            return  # not JSON: the route's own parsing answers 422 json_invalid
        yield from json_problems(document)
    elif content_type.startswith(_FORM_TYPE):
        yield from pairs_problems(_query_pairs(body), "body")


def _content_type(scope: Scope) -> str:
    for name, value in scope.get("headers", []):
        if name == b"content-type":
            return bytes(value).decode("latin-1").lower().strip()
    return ""


class InputHygieneMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        found = list(request_line_problems(scope))
        if found:
            await _refuse(scope, receive, send, found)
            return
        content_type = _content_type(scope)
        if not content_type.startswith((*_JSON_TYPES, _FORM_TYPE)):
            await self.app(scope, receive, send)
            return
        body, too_large = await _read_body(receive)
        if too_large:
            await _too_large(scope, receive, send)
            return
        found = list(body_problems(content_type, body))
        if found:
            await _refuse(scope, receive, send, found)
            return
        await self.app(scope, _replay(body, receive), send)


async def _read_body(receive: Receive) -> tuple[bytes, bool]:
    """The whole body, and whether it passed MAX_BUFFERED_BODY (reading stops there)."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks), False
        chunk = message.get("body", b"")
        chunks.append(chunk)
        size += len(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks), False
        if size > MAX_BUFFERED_BODY:
            return b"".join(chunks), True


def _replay(body: bytes, receive: Receive) -> Receive:
    """The body already read, as one message; then the client's own (a disconnect)."""
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replayed


async def _too_large(scope: Scope, receive: Receive, send: Send) -> None:
    response = problem_response(
        Request(scope),
        status=413,
        slug="payload-too-large",
        title="Payload too large",
        detail=f"JSON and form bodies are limited to {MAX_BUFFERED_BODY} bytes.",
    )
    await response(scope, receive, send)


async def _refuse(scope: Scope, receive: Receive, send: Send, found: list[tuple[str, str]]) -> None:
    errors = [
        {"field": field, "message": reason, "code": "unstorable_string"} for field, reason in found
    ]
    response = problem_response(
        Request(scope),
        status=422,
        slug="validation-error",
        title="Invalid input",
        detail=f"The request did not validate: {', '.join(e['field'] for e in errors)}.",
        extensions={"errors": errors},
    )
    await response(scope, receive, send)

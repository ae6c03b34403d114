"""Conditional GETs: ETag, If-None-Match answered 304, Cache-Control on readable pages."""

from __future__ import annotations

from fastapi import Request, Response

from garderobe.infra.cache import Cached

JSON = "application/json"


def _matches(if_none_match: str, etag: str) -> bool:
    """RFC 9110 weak comparison over the header's list (or *)."""
    if if_none_match.strip() == "*":
        return True
    wanted = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == wanted for tag in if_none_match.split(","))


def cached_json(request: Request, cached: Cached) -> Response:
    """The body with its ETag, or 304 when the client already has it.

    `no-cache` lets browsers and proxies keep the page but revalidate it on every use (a
    cheap 304), so no client ever shows a page older than an acknowledged write; pages
    asked for with credentials may differ per user and are private.
    """
    visibility = "private" if "authorization" in request.headers else "public"
    headers = {
        "ETag": cached.etag,
        "Cache-Control": f"{visibility}, no-cache",
        "Vary": "Authorization",
        "X-Cache": cached.outcome,
    }
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None and _matches(if_none_match, cached.etag):
        return Response(status_code=304, headers=headers)
    return Response(cached.body, media_type=JSON, headers=headers)

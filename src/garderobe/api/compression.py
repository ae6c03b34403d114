"""gzip for response bodies above a threshold, when the client's Accept-Encoding allows it.

Starlette's GZipMiddleware does the compressing (streamed bodies chunk by chunk with a sync
flush, so NDJSON/CSV exports stay streamed; large bodies in a worker thread; images and other
compressed types skipped; `Vary: Accept-Encoding` added). What it lacks is reading the header:
it looks for the substring "gzip", so `gzip;q=0` ("never gzip") would get gzip. This reads
the header as RFC 9110 §12.5.3 says.
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.middleware.gzip import GZipMiddleware, GZipResponder, IdentityResponder
from starlette.types import ASGIApp, Receive, Scope, Send


def accepts_gzip(accept_encoding: str) -> bool:
    """Whether an Accept-Encoding value allows gzip: listed (or `*`) with a non-zero q."""
    named: float | None = None
    wildcard: float | None = None
    for part in accept_encoding.split(","):
        coding, _, params = part.partition(";")
        name = coding.strip().lower()
        q = _quality(params)
        if name in ("gzip", "x-gzip"):
            named = q if named is None else max(named, q)
        elif name == "*":
            wildcard = q
    if named is not None:
        return named > 0
    return wildcard is not None and wildcard > 0


def _quality(params: str) -> float:
    for param in params.split(";"):
        key, _, value = param.partition("=")
        if key.strip().lower() == "q":
            try:
                return max(0.0, min(1.0, float(value.strip())))
            except ValueError:
                return 0.0  # a malformed weight is no permission to compress
    return 1.0


class CompressionMiddleware(GZipMiddleware):
    def __init__(self, app: ASGIApp, *, minimum_size: int, compresslevel: int) -> None:
        super().__init__(app, minimum_size=minimum_size, compresslevel=compresslevel)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        responder: IdentityResponder
        if accepts_gzip(Headers(scope=scope).get("accept-encoding", "")):
            responder = GZipResponder(
                self.app,
                self.minimum_size,
                compresslevel=self.compresslevel,
                thread_minimum_size=self.thread_minimum_size,
                exclude_content_types=self.exclude_content_types,
            )
        else:
            responder = IdentityResponder(
                self.app, self.minimum_size, exclude_content_types=self.exclude_content_types
            )
        await responder(scope, receive, send)

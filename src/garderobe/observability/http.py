"""ASGI middleware counting and timing every HTTP answer by route template."""

from __future__ import annotations

import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from garderobe.observability.metrics import (
    CACHE_LOOKUPS,
    HTTP_IN_FLIGHT,
    HTTP_LATENCY,
    HTTP_REQUESTS,
    status_class,
)

UNMATCHED = "unmatched"


def route_template(scope: Scope) -> str:
    """The matched route's path template; the router leaves the route in the scope it shares
    with the middleware. Inside a mounted app (the admin panel) the template is prefixed with
    the mount: `/admin/{identity}/details/{pk:path}`. Unrouted requests (404s, scanners)
    share one label."""
    path = getattr(scope.get("route"), "path", None)
    if not isinstance(path, str):
        return UNMATCHED
    return str(scope.get("root_path", "")) + path


class MetricsMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state: dict[str, int | str | None] = {"status": 500, "cache": None}

        async def send_observed(message: Message) -> None:
            if message["type"] == "http.response.start":
                state["status"] = message["status"]
                for name, value in message.get("headers", []):
                    if name.lower() == b"x-cache":
                        state["cache"] = bytes(value).decode("latin-1").lower()
            await send(message)

        started = time.perf_counter()
        HTTP_IN_FLIGHT.inc()
        try:
            await self.app(scope, receive, send_observed)
        finally:
            HTTP_IN_FLIGHT.dec()
            route = route_template(scope)
            labels = (scope.get("method", "?"), route, status_class(int(state["status"] or 500)))
            HTTP_REQUESTS.labels(*labels).inc()
            HTTP_LATENCY.labels(*labels).observe(time.perf_counter() - started)
            if state["cache"] is not None:
                CACHE_LOOKUPS.labels(route, str(state["cache"])).inc()

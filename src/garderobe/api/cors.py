"""CORS for browser clients on other origins, with refusals as problem+json.

Starlette's CORSMiddleware answers a refused preflight with a plain-text 400; every error of
this API is an RFC 9457 problem, so the refusal is re-worded as one (same status, same CORS
headers, the refused parts listed in `refused`).
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.types import Receive, Scope, Send

from garderobe.api.middleware import REQUEST_ID_HEADER, incoming_request_id
from garderobe.errors import problem_response
from garderobe.logs import bind_request_id, unbind_request_id

_PREFIX = "Disallowed CORS "


class ProblemCORSMiddleware(CORSMiddleware):
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = Headers(scope=scope) if scope["type"] == "http" else None
        is_preflight = (
            headers is not None
            and scope["method"] == "OPTIONS"
            and "origin" in headers
            and "access-control-request-method" in headers
        )
        if not is_preflight or headers is None:
            await super().__call__(scope, receive, send)
            return
        answer = self.preflight_response(request_headers=headers)
        if answer.status_code < 400:
            await answer(scope, receive, send)
            return
        # Preflights never reach the request middleware (CORS runs outside it, so that every
        # other answer carries CORS headers): give the refusal its request id here.
        request_id = incoming_request_id(scope)
        token = bind_request_id(request_id)
        try:
            refused = bytes(answer.body).decode().removeprefix(_PREFIX).split(", ")
            problem = problem_response(
                Request(scope),
                status=answer.status_code,
                slug="cors-preflight-refused",
                title="Cross-origin request refused",
                detail=f"This API does not allow the requested {', '.join(refused)} "
                "from this origin (see CORS_ALLOW_ORIGINS).",
                extensions={"refused": refused},
                headers={
                    **{k: v for k, v in answer.headers.items() if k.startswith("access-control")},
                    "vary": answer.headers.get("vary", "Origin"),
                    REQUEST_ID_HEADER: request_id,
                },
            )
            await problem(scope, receive, send)
        finally:
            unbind_request_id(token)

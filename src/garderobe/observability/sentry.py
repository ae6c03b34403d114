"""Error reports to Sentry when SENTRY_DSN is set; nothing at all otherwise.

Reports carry the request (or job) id and the user id as tags so a report can be matched
with the log lines and the customer's complaint. They never carry request bodies, cookies,
Authorization headers or anything named like a secret.
"""

from __future__ import annotations

from typing import Any

import sentry_sdk
from sentry_sdk.integrations.arq import ArqIntegration
from sentry_sdk.integrations.asyncio import AsyncioIntegration
from sentry_sdk.integrations.fastapi import FastApiIntegration
from sentry_sdk.integrations.starlette import StarletteIntegration
from sentry_sdk.scrubber import DEFAULT_DENYLIST, EventScrubber

from garderobe import __version__
from garderobe.logs import current_request_id
from garderobe.settings import Settings

# Beyond Sentry's defaults: the names this API uses for secrets in bodies and job payloads.
DENYLIST = [
    *DEFAULT_DENYLIST,
    "current_password",
    "new_password",
    "password_hash",
    "access_token",
    "refresh_token",
    "code",
    "card_number",
    "x-cart-token",
    "x_cart_token",
    "jwt_secret",
]
_SECRET_HEADERS = {"authorization", "cookie", "x-cart-token", "x-api-key", "proxy-authorization"}


def scrub(event: dict[str, Any], _hint: dict[str, Any]) -> dict[str, Any]:
    """Drop what must never leave the service, and tag the report with the request id.

    Runs after the SDK's own scrubber, as the last word: bodies and cookies are removed
    outright instead of relying on field names.
    """
    request = event.get("request")
    if isinstance(request, dict):
        request.pop("data", None)
        request.pop("cookies", None)
        request.pop("query_string", None)
        headers = request.get("headers")
        if isinstance(headers, dict):
            for name in list(headers):
                if name.lower() in _SECRET_HEADERS:
                    headers[name] = "[Filtered]"
    request_id = current_request_id()
    if request_id:
        event.setdefault("tags", {})["request_id"] = request_id
    return event


def init_sentry(settings: Settings) -> bool:
    """Start the SDK for this process (API or worker); returns whether it was started."""
    if settings.sentry_dsn is None:
        return False
    sentry_sdk.init(
        dsn=settings.sentry_dsn.get_secret_value(),
        environment=settings.environment,
        release=settings.release or f"garderobe@{__version__}",
        max_request_body_size="never",
        # Frame locals hold raw request bodies (FastAPI keeps the bytes in its frames) and
        # values under innocent names; no key-based scrubber can catch those.
        include_local_variables=False,
        event_scrubber=EventScrubber(denylist=DENYLIST, recursive=True),
        before_send=scrub,  # type: ignore[arg-type]
        traces_sample_rate=settings.sentry_traces_sample_rate,
        integrations=[
            StarletteIntegration(),
            FastApiIntegration(),
            AsyncioIntegration(),
            ArqIntegration(),
        ],
    )
    return True


def identify(user_id: str) -> None:
    """Tag what is reported from here on (this request's scope) with the user's id."""
    sentry_sdk.set_user({"id": user_id})
    sentry_sdk.set_tag("user_id", user_id)

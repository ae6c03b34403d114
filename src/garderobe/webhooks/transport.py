"""Sending a delivery to where its URL points, and never to the shop's own network: the
guard is `garderobe.infra.egress`'s (resolved at delivery time, checked, pinned)."""

from __future__ import annotations

import httpx

from garderobe.infra import egress
from garderobe.settings import Settings


def private_allowed(settings: Settings) -> bool:
    """Whether deliveries may go to loopback and private addresses: in development only,
    unless WEBHOOK_ALLOW_PRIVATE_DESTINATIONS says otherwise (the test suite's receiver)."""
    return egress.private_allowed(settings.webhook_allow_private_destinations, settings)


def client(settings: Settings) -> httpx.AsyncClient:
    """The client deliveries go out through: no redirects, the delivery timeout, and the
    guard unless private destinations are allowed."""
    return egress.client(
        allow_private=private_allowed(settings), timeout=settings.webhook_timeout_seconds
    )

"""The SSRF guard: private destinations refused outside development, after DNS, pinned."""

from __future__ import annotations

import ipaddress
from collections.abc import Awaitable, Callable

import httpx
import pytest

from garderobe.infra import egress
from garderobe.settings import Settings
from garderobe.webhooks import delivery, transport
from tests.commerce.helpers import stocked_item
from tests.webhooks.helpers import Hooks

RunJobs = Callable[[], Awaitable[int]]


def _production(settings: Settings) -> Settings:
    return settings.model_copy(
        update={"environment": "production", "webhook_allow_private_destinations": None}
    )


async def test_a_private_destination_is_refused_in_production_mode(hooks: Hooks) -> None:
    await hooks.subscribe("order.created")
    ann = await hooks.shopper()
    await ann.add(await stocked_item(hooks.stores))
    assert (await ann.order()).status_code == 201
    # The fan-out as the worker runs it, then the attempt under production settings.
    pending = await hooks.fanned_out()
    sent = await delivery.deliver(
        hooks.stores, _production(hooks.settings), pending.id, manual=False
    )
    assert sent is False
    assert hooks.receiver.received == []
    (attempt,) = await hooks.attempts(pending.id)
    assert attempt["status_code"] is None
    assert "127.0.0.1" in attempt["error"]
    assert "loopback" in attempt["error"]


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.9",
        "192.168.1.1",
        "169.254.169.254",
        "224.0.0.1",
        "0.0.0.0",  # noqa: S104 - an address refused, nothing binds to it
        "240.0.0.1",
        "100.64.0.1",
        "::1",
        "fe80::1",
        "fc00::1",
        "::ffff:127.0.0.1",
    ],
)
def test_non_public_addresses_are_refused(address: str) -> None:
    assert egress.refused_reason(ipaddress.ip_address(address)) is not None


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:2800:220:1::1"])
def test_public_addresses_pass(address: str) -> None:
    assert egress.refused_reason(ipaddress.ip_address(address)) is None


def test_only_development_allows_private_destinations_when_unset(settings: Settings) -> None:
    unset = {"webhook_allow_private_destinations": None}
    for environment, allowed in (("development", True), ("test", False), ("production", False)):
        chosen = settings.model_copy(update={**unset, "environment": environment})
        assert transport.private_allowed(chosen) is allowed


class _Recorder(httpx.AsyncBaseTransport):
    """Where the guarded transport would connect: the request it hands on."""

    def __init__(self) -> None:
        self.seen: list[httpx.Request] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request)
        return httpx.Response(204)


def _resolving(*answers: list[str]) -> egress.Resolver:
    calls = iter(answers)

    async def resolve(host: str, port: int) -> list[egress.Address]:
        return [ipaddress.ip_address(a) for a in next(calls)]

    return resolve


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:2800:220:1::1"])
async def test_the_connection_goes_to_the_checked_address_with_the_host_kept(
    address: str,
) -> None:
    inner = _Recorder()
    guarded = egress.GuardedTransport(inner, resolve=_resolving([address]))
    async with httpx.AsyncClient(transport=guarded) as http:
        response = await http.post("https://hooks.example.com/in", content=b"{}")
    assert response.status_code == 204
    (request,) = inner.seen
    assert request.url.host == address
    assert request.headers["host"] == "hooks.example.com"
    assert request.extensions["sni_hostname"] == "hooks.example.com"


async def test_one_private_answer_among_public_ones_refuses_the_destination() -> None:
    inner = _Recorder()
    mixed = _resolving(["93.184.216.34", "10.0.0.5"])
    async with httpx.AsyncClient(transport=egress.GuardedTransport(inner, resolve=mixed)) as http:
        with pytest.raises(egress.DestinationRefused, match="private"):
            await http.post("https://rebind.example.com/in", content=b"{}")
    assert inner.seen == []


async def test_a_host_naming_loopback_is_refused_after_resolving() -> None:
    inner = _Recorder()
    async with httpx.AsyncClient(transport=egress.GuardedTransport(inner)) as http:
        with pytest.raises(egress.DestinationRefused, match="loopback"):
            await http.post("http://localhost:9/in", content=b"{}")
    assert inner.seen == []

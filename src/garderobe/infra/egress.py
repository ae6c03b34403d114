"""Outgoing HTTP to addresses named by outsiders (webhook destinations, image URLs of an
import), and never to the shop's own network.

Outside development the host is resolved when the request is sent, every address it
resolves to is checked, and the connection goes to the address that was checked (the URL is
rewritten to it, the Host header and the TLS server name stay the host's): a DNS answer that
changes between the check and the connection (rebinding) cannot move it.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable

import httpx

from garderobe.settings import Settings

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Awaitable[list[Address]]]


class DestinationRefused(httpx.TransportError):
    """The destination is (or resolves to) an address the shop sends nothing to."""


def refused_reason(address: Address) -> str | None:
    """Why the address is no place to send to, or None when it is a public one."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    for reason, flagged in (
        ("loopback", address.is_loopback),
        ("private", address.is_private),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("reserved", address.is_reserved),
        ("unspecified", address.is_unspecified),
        ("not globally routable", not address.is_global),
    ):
        if flagged:
            return reason
    return None


async def resolve_host(host: str, port: int) -> list[Address]:
    """Every address the host stands for (an address literal stands for itself)."""
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise httpx.ConnectError(f"cannot resolve {host}: {exc}") from exc
    return list(dict.fromkeys(ipaddress.ip_address(info[4][0]) for info in infos))


class GuardedTransport(httpx.AsyncBaseTransport):
    """An httpx transport that connects only to checked public addresses (pinned)."""

    def __init__(self, inner: httpx.AsyncBaseTransport, resolve: Resolver | None = None) -> None:
        self._inner = inner
        self._resolve = resolve or resolve_host

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        host = request.url.host
        addresses = await self._resolve(host, request.url.port or _default_port(request.url))
        for address in addresses:
            reason = refused_reason(address)
            if reason is not None:
                raise DestinationRefused(f"{host} resolves to {address}, a {reason} address")
        # The Host header was set from the URL when the request was built and stays;
        # the TLS handshake names (and verifies the certificate of) the host, not the IP.
        request.url = request.url.copy_with(host=str(addresses[0]))
        if request.url.scheme == "https":
            request.extensions = {**request.extensions, "sni_hostname": host}
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


def _default_port(url: httpx.URL) -> int:
    return 443 if url.scheme == "https" else 80


def private_allowed(choice: bool | None, settings: Settings) -> bool:
    """Whether loopback and private addresses may be sent to: the setting's `choice`, and
    when it is unset, in development only."""
    return choice if choice is not None else settings.is_development


def client(*, allow_private: bool, timeout: float) -> httpx.AsyncClient:
    """A client for outsiders' URLs: no redirects followed (a redirect could point
    anywhere), the timeout, and the guard unless private destinations are allowed."""
    inner = httpx.AsyncHTTPTransport()
    transport = inner if allow_private else GuardedTransport(inner)
    return httpx.AsyncClient(
        transport=transport, follow_redirects=False, timeout=httpx.Timeout(timeout)
    )

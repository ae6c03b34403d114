"""gzip on the wire: large JSON bodies and streamed exports, when the client accepts it."""

from __future__ import annotations

import gzip
import json

import httpx
import pytest

from garderobe import __version__
from garderobe.accounts.models import Role
from garderobe.api.compression import accepts_gzip
from garderobe.infra.stores import Stores
from garderobe.settings import Settings
from tests.commerce.helpers import shopper, stocked_item
from tests.factories import auth_headers, create_listed_item, create_user

LISTING = {"colour": "black", "facets": "true", "limit": "24"}


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("gzip", True),
        ("gzip, deflate, br", True),
        ("br;q=1.0, gzip;q=0.5", True),
        ("*", True),
        ("", False),
        ("identity", False),
        ("deflate, br", False),
        ("gzip;q=0", False),
        ("gzip;q=0.000, identity", False),
        ("*;q=0", False),
        ("*, gzip;q=0", False),
        ("gzip;q=oops", False),
    ],
)
def test_accept_encoding_is_read_with_its_weights(header: str, expected: bool) -> None:
    assert accepts_gzip(header) is expected


async def _listed(stores: Stores, count: int) -> None:
    for n in range(count):
        await create_listed_item(stores, title=f"Black shirt number {n}", colours=["black"])


async def test_a_listing_is_gzipped_for_clients_that_accept_it(
    client: httpx.AsyncClient, stores: Stores
) -> None:
    await _listed(stores, 24)
    async with client.stream(
        "GET", "/api/v1/items", params=LISTING, headers={"Accept-Encoding": "gzip"}
    ) as response:
        raw = b"".join([chunk async for chunk in response.aiter_raw()])
    assert response.status_code == 200
    assert response.headers["content-encoding"] == "gzip"
    assert "accept-encoding" in response.headers["vary"].lower()
    assert int(response.headers["content-length"]) == len(raw)
    page = json.loads(gzip.decompress(raw))
    assert len(page["items"]) == 24
    assert page["facets"]["fields"]["colour"] == [{"value": "black", "count": 24}]
    plain = await client.get(
        "/api/v1/items", params=LISTING, headers={"Accept-Encoding": "identity"}
    )
    assert "content-encoding" not in plain.headers
    assert plain.json() == page
    assert len(raw) * 3 < len(plain.content)


async def test_gzip_refused_with_a_zero_weight_is_not_sent(
    client: httpx.AsyncClient, stores: Stores
) -> None:
    await _listed(stores, 24)
    response = await client.get(
        "/api/v1/items", params=LISTING, headers={"Accept-Encoding": "gzip;q=0, identity"}
    )
    assert response.status_code == 200
    assert "content-encoding" not in response.headers


async def test_small_bodies_go_out_as_they_are(client: httpx.AsyncClient, stores: Stores) -> None:
    response = await client.get("/health/live", headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in response.headers
    assert response.json() == {"status": "ok", "version": __version__}


async def test_a_cached_listing_still_answers_304_to_its_etag_when_gzipped(
    client: httpx.AsyncClient, stores: Stores
) -> None:
    await _listed(stores, 24)
    gz = {"Accept-Encoding": "gzip"}
    first = await client.get("/api/v1/items", params=LISTING, headers=gz)
    assert first.headers["content-encoding"] == "gzip"
    again = await client.get(
        "/api/v1/items", params=LISTING, headers={**gz, "If-None-Match": first.headers["etag"]}
    )
    assert again.status_code == 304
    assert again.content == b""


async def test_an_export_streams_gzipped(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    ann = await shopper(client, stores, settings)
    for _ in range(2):
        await ann.add(await stocked_item(stores, on_hand=1))
        assert (await ann.order()).status_code == 201
    admin = auth_headers(settings, await create_user(stores.sessionmaker, role=Role.ADMIN))
    async with client.stream(
        "GET",
        "/api/v1/admin/orders",
        params={"format": "ndjson"},
        headers={**admin, "Accept-Encoding": "gzip"},
    ) as response:
        raw = b"".join([chunk async for chunk in response.aiter_raw()])
    assert response.headers["content-encoding"] == "gzip"
    assert "content-length" not in response.headers  # streamed, length unknown up front
    rows = [json.loads(line) for line in gzip.decompress(raw).splitlines()]
    assert len(rows) == 2

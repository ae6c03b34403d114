"""One keyset-cursor format and one problem type for every paged endpoint."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import UTC, datetime

import httpx
import pytest

from garderobe.accounts.models import Role
from garderobe.catalog.browse.listing import decode_cursor as listing_cursor
from garderobe.catalog.browse.listing import encode_cursor as listing_encode
from garderobe.infra.stores import Stores
from garderobe.pagination import (
    InvalidCursor,
    decode_cursor,
    decode_newest_first,
    encode_newest_first,
)
from garderobe.settings import Settings
from tests.factories import auth_headers, create_user

WHEN = datetime(2026, 3, 1, 12, 30, 5, 123456, tzinfo=UTC)
ROW = uuid.UUID("12345678-1234-5678-1234-567812345678")
NOT_CURSORS = ["garbage", "", "e30=", base64.urlsafe_b64encode(b"[1]").decode(), "%%%", "W10"]


def _b64(value: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode()


@pytest.mark.unit
def test_cursors_are_the_base64_of_a_json_array() -> None:
    # The format clients already hold: these literals are what the earlier copies produced.
    assert encode_newest_first(WHEN, ROW) == _b64([WHEN.isoformat(), str(ROW)])
    assert listing_encode("newest", WHEN, "0" * 24) == _b64(["newest", WHEN.isoformat(), "0" * 24])
    assert listing_encode("price_asc", 1999, "a" * 24) == (
        "WyJwcmljZV9hc2MiLCAxOTk5LCAiYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhIl0="
    )


@pytest.mark.unit
def test_cursors_round_trip() -> None:
    assert decode_newest_first(encode_newest_first(WHEN, ROW)) == (WHEN, ROW)
    assert listing_cursor(listing_encode("newest", WHEN, "b" * 24), "newest") == (WHEN, "b" * 24)


@pytest.mark.unit
@pytest.mark.parametrize("cursor", [*NOT_CURSORS, _b64([1, 2]), _b64(["x", "y"]), _b64({"a": 1})])
def test_anything_else_is_invalid_cursor(cursor: str) -> None:
    with pytest.raises(InvalidCursor):
        decode_newest_first(cursor)
    with pytest.raises(InvalidCursor):
        listing_cursor(cursor, "newest")
    with pytest.raises(InvalidCursor):
        decode_cursor(cursor, 3)


@pytest.mark.integration
@pytest.mark.parametrize(
    "path", ["/api/v1/items", "/api/v1/users", "/api/v1/orders", "/api/v1/admin/orders"]
)
async def test_every_paged_endpoint_answers_a_bad_cursor_with_invalid_cursor(
    client: httpx.AsyncClient, stores: Stores, settings: Settings, path: str
) -> None:
    admin = auth_headers(settings, await create_user(stores.sessionmaker, role=Role.ADMIN))
    for cursor in ["garbage", _b64([1, 2])]:
        response = await client.get(path, headers=admin, params={"cursor": cursor})
        assert response.status_code == 422, (path, response.text)
        problem = response.json()
        assert problem["type"] == "https://garderobe.dev/problems/invalid-cursor"
        assert response.headers["content-type"].startswith("application/problem+json")

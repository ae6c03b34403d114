"""Input hygiene at the edge: strings no store can hold are a 422 naming the field.

Properties of the checks themselves (hypothesis), then what clients see through the app.
"""

from __future__ import annotations

from typing import Any

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from garderobe.api.hygiene import body_problems, json_problems, request_line_problems, unstorable
from garderobe.infra.stores import Stores

# Text as clients send it: every code point, NUL and lone surrogates included.
ANY_TEXT = st.text(st.characters(codec=None, categories=None), max_size=30)
# Text every store holds: no NUL, no surrogates.
CLEAN_TEXT = st.text(
    st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=30
)
JSON_DOCUMENTS = st.recursive(
    st.none() | st.booleans() | st.integers() | ANY_TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(ANY_TEXT, inner, max_size=4),
    max_leaves=20,
)


def _bad(value: str) -> bool:
    return "\x00" in value or any(0xD800 <= ord(c) <= 0xDFFF for c in value)


def _bad_paths(value: Any, path: str = "body") -> set[str]:
    """Reference: every path holding (or keyed by) a bad string, by plain recursion."""
    if isinstance(value, str):
        return {path} if _bad(value) else set()
    found: set[str] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            if _bad(key):
                found.add(f"{path}.{key}")
            found |= _bad_paths(item, f"{path}.{key}")
    if isinstance(value, list):
        for index, item in enumerate(value):
            found |= _bad_paths(item, f"{path}.{index}")
    return found


@given(ANY_TEXT)
def test_unstorable_is_exactly_nul_or_lone_surrogates(value: str) -> None:
    assert (unstorable(value) is not None) == _bad(value)


@given(CLEAN_TEXT, CLEAN_TEXT)
def test_a_nul_anywhere_is_found(before: str, after: str) -> None:
    assert unstorable(before + "\x00" + after) is not None


@given(JSON_DOCUMENTS)
def test_every_bad_string_in_a_json_document_is_named_by_its_path(document: Any) -> None:
    assert {field for field, _ in json_problems(document)} == _bad_paths(document)


@given(st.dictionaries(CLEAN_TEXT.filter(bool), CLEAN_TEXT, max_size=5), CLEAN_TEXT)
def test_a_nul_in_a_query_or_form_value_names_that_parameter(
    params: dict[str, str], poisoned: str
) -> None:
    encoded = httpx.QueryParams({**params, "poisoned": poisoned + "\x00"})
    scope = {"path": "/x", "query_string": str(encoded).encode(), "headers": []}
    assert [f for f, _ in request_line_problems(scope)] == ["query.poisoned"]
    form = list(body_problems("application/x-www-form-urlencoded", str(encoded).encode()))
    assert [f for f, _ in form] == ["body.poisoned"]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(CLEAN_TEXT)
async def test_text_the_hygiene_layer_lets_through_postgresql_stores(
    stores: Stores, value: str
) -> None:
    async with stores.engine.connect() as conn:
        stored = await conn.scalar(text("SELECT CAST(:v AS text)"), {"v": value})
    assert stored == value


async def test_nul_in_a_json_field_is_a_422_naming_it(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/v1/auth/register",
        content=b'{"email": "a@example.org", "password": "long enough", "full_name": "A\\u0000"}',
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 422
    problem = response.json()
    assert problem["type"].endswith("/validation-error")
    assert [e["field"] for e in problem["errors"]] == ["body.full_name"]
    assert problem["request_id"] == response.headers["x-request-id"]


async def test_a_lone_surrogate_in_json_is_a_422(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/v1/auth/password/forgot",
        content=b'{"email": "\\ud800@example.org"}',
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["body.email"]


async def test_nul_in_the_login_form_is_a_422(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/v1/auth/login", data={"username": "a\x00@example.org", "password": "whatever"}
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["body.username"]


async def test_nul_in_the_query_string_is_a_422(client: httpx.AsyncClient) -> None:
    for path in ("/api/v1/search?q=jeans%00", "/api/v1/search/suggest?q=%00"):
        response = await client.get(path)
        assert response.status_code == 422, path
        assert [e["field"] for e in response.json()["errors"]] == ["query.q"]


async def test_nul_in_the_path_is_a_422(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/categories/jeans%00")
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["path"]


async def test_a_json_body_over_a_megabyte_is_a_413(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/v1/auth/password/forgot",
        content=b'{"email": "' + b"a" * 1_100_000 + b'"}',
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json()["type"].endswith("/payload-too-large")

"""The OpenAPI contract: names clients can use, and a committed snapshot to review changes."""

from __future__ import annotations

import difflib
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from garderobe.api.openapi import render
from garderobe.main import contract_document

SNAPSHOT = Path(__file__).resolve().parents[2] / "openapi.json"
KEBAB = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return contract_document()


def _operations(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [op for path in document["paths"].values() for op in path.values()]


def test_schema_names_are_plain_class_names(document: dict[str, Any]) -> None:
    # Two models of one name make FastAPI fall back to module paths
    # (`garderobe__media__router__ImageOut`), and generators then drop endpoints.
    names = list(document["components"]["schemas"])
    assert [n for n in names if not re.fullmatch(r"[A-Z][A-Za-z0-9]*", n)] == []


def test_operation_ids_are_tag_and_function_in_kebab_case(document: dict[str, Any]) -> None:
    ids = [op["operationId"] for op in _operations(document)]
    assert [i for i, n in Counter(ids).items() if n > 1] == []
    assert [i for i in ids if not KEBAB.match(i)] == []
    assert "catalog-list-items" in ids
    assert "orders-place-order" in ids
    for op in _operations(document):
        assert op["operationId"].startswith(op["tags"][0] + "-")


def test_development_routes_are_not_in_the_contract(document: dict[str, Any]) -> None:
    assert [p for p in document["paths"] if p.startswith("/dev")] == []


def test_the_contract_ignores_the_environment(
    document: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    # `make openapi` runs in whatever shell the reviewer has: neither a development setting
    # nor a setting that would stop the service may change or break the document.
    monkeypatch.setenv("ENVIRONMENT", "development")
    monkeypatch.setenv("CORS_ALLOW_ORIGINS", "*")
    monkeypatch.setenv("CORS_ALLOW_CREDENTIALS", "true")
    assert render(contract_document()) == render(document)


def test_committed_snapshot_matches_the_code(document: dict[str, Any]) -> None:
    live = render(document)
    committed = SNAPSHOT.read_text(encoding="utf-8") if SNAPSHOT.exists() else ""
    if committed != live:
        diff = "".join(
            difflib.unified_diff(
                committed.splitlines(keepends=True),
                live.splitlines(keepends=True),
                "openapi.json (committed)",
                "openapi.json (from the code)",
                n=2,
            )
        )
        pytest.fail(
            "The API contract changed: review the diff, then run `make openapi` and commit "
            f"openapi.json.\n{diff[:6000]}",
            pytrace=False,
        )


def test_error_responses_are_documented_as_problems(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    assert "HTTPValidationError" not in schemas  # FastAPI's 422 shape, never sent here
    assert {"type", "title", "status", "detail", "instance"} <= set(schemas["Problem"]["required"])
    undocumented = [
        (path, method, code)
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        for code, response in operation["responses"].items()
        if code[0] in "45"
        and path != "/health/ready"  # its 503 is the readiness report, not a problem
        and response.get("content")
        != {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    ]
    assert undocumented == []


# The contract as it was before items had variants: every operation, parameter and field of
# it must still be there, and no request may require what it did not.
BEFORE_VARIANTS = Path(__file__).resolve().parent / "contracts" / "before-variants.json"
_WORDING = {"description", "title", "summary", "examples", "example"}


def _shape(schema: Any) -> Any:
    """A schema without its wording: what a client's code depends on."""
    if isinstance(schema, dict):
        return {k: _shape(v) for k, v in schema.items() if k not in _WORDING}
    if isinstance(schema, list):
        return [_shape(v) for v in schema]
    return schema


def _parameters(operation: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(p["in"], p["name"]): p for p in operation.get("parameters", [])}


def _request_schemas(document: dict[str, Any]) -> set[str]:
    found: set[str] = set()
    for operation in _operations(document):
        for media in operation.get("requestBody", {}).get("content", {}).values():
            ref = media.get("schema", {}).get("$ref", "")
            found.add(ref.rsplit("/", 1)[-1])
    return found


def test_the_contract_only_grew_since_variants_came(document: dict[str, Any]) -> None:
    before = json.loads(BEFORE_VARIANTS.read_text(encoding="utf-8"))
    for path, methods in before["paths"].items():
        for method, old in methods.items():
            new = document["paths"].get(path, {}).get(method)
            assert new is not None, f"{method} {path} is gone"
            added = _parameters(new).keys() - _parameters(old).keys()
            assert not [k for k in added if _parameters(new)[k].get("required")], (path, added)
            for key, parameter in _parameters(old).items():
                assert key in _parameters(new), (method, path, key)
                assert _shape(_parameters(new)[key]) == _shape(parameter), (method, path, key)
    requests = _request_schemas(before)
    for name, old in before["components"]["schemas"].items():
        new = document["components"]["schemas"].get(name)
        assert new is not None, f"schema {name} is gone"
        for field, spec in old.get("properties", {}).items():
            assert field in new.get("properties", {}), (name, field)
            assert _shape(new["properties"][field]) == _shape(spec), (name, field)
        if name in requests:  # a request may not require more than it did
            assert set(new.get("required", [])) <= set(old.get("required", [])), name

"""The OpenAPI contract: operation ids, and the document committed as `openapi.json`.

Generated clients turn operation ids into method names and component names into classes, so
both must be readable and stable: a rename here is a breaking change for every client.
"""

from __future__ import annotations

import json
import re
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute

from garderobe.errors import PROBLEM_BASE_URI, PROBLEM_MEDIA_TYPE

_NOT_ID = re.compile(r"[^a-z0-9]+")
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "description": "RFC 9457 problem details. `type` is stable (`"
    + PROBLEM_BASE_URI
    + "<slug>`); some problems add members, e.g. `errors` (validation), `available` (stock).",
    "type": "object",
    "required": ["type", "title", "status", "detail", "instance"],
    "properties": {
        "type": {"type": "string", "format": "uri"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "request_id": {"anyOf": [{"type": "string"}, {"type": "null"}]},
    },
    "additionalProperties": True,
}


def operation_id(route: APIRoute) -> str:
    """`<first tag>-<route function>` in kebab case: `catalog-list-items`, `orders-place-order`.

    The same scheme as the FastAPI full-stack template, minus the path and method FastAPI
    appends by default (`list_items_api_v1_items_get`), which every client would carry.
    """
    tag = str(route.tags[0]) if route.tags else "default"
    return _NOT_ID.sub("-", f"{tag}-{route.name}".lower()).strip("-")


def document_problems(app: FastAPI) -> None:
    """Make the app's document say what error responses really are: problem+json bodies.

    FastAPI documents its own 422 shape (`HTTPValidationError`, application/json), which this
    API never sends, and the routes' `Problem: …` responses carry no body schema, so
    generated clients could not read a single error.
    """
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = with_problems(build())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def with_problems(document: dict[str, Any]) -> dict[str, Any]:
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for operation in (op for path in document["paths"].values() for op in path.values()):
        for code, response in operation.get("responses", {}).items():
            if not code.startswith(("4", "5")):
                continue
            description = response.get("description", "")
            if code == "422" and not description.startswith("Problem"):
                response["description"] = "Problem: the request did not validate (see `errors`)"
            elif not description.startswith("Problem"):
                continue  # a documented non-problem body (readiness' 503)
            response["content"] = {PROBLEM_MEDIA_TYPE: {"schema": PROBLEM_REF}}
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    schemas["Problem"] = PROBLEM_SCHEMA
    document["components"]["schemas"] = dict(sorted(schemas.items()))
    return document


def render(document: dict[str, Any]) -> str:
    """The snapshot's text: stable key order (FastAPI's, i.e. route order), one newline."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"

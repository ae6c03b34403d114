"""The OpenAPI contract: operation ids, and the document committed as `openapi.json`.

Generated clients turn operation ids into method names and component names into classes, so
both must be readable and stable: a rename here is a breaking change for every client.
"""

from __future__ import annotations

import json
import re
from typing import Any

from fastapi.routing import APIRoute

_NOT_ID = re.compile(r"[^a-z0-9]+")


def operation_id(route: APIRoute) -> str:
    """`<first tag>-<route function>` in kebab case: `catalog-list-items`, `orders-place-order`.

    The same scheme as the FastAPI full-stack template, minus the path and method FastAPI
    appends by default (`list_items_api_v1_items_get`), which every client would carry.
    """
    tag = str(route.tags[0]) if route.tags else "default"
    return _NOT_ID.sub("-", f"{tag}-{route.name}".lower()).strip("-")


def contract_document() -> dict[str, Any]:
    """The OpenAPI document of the API as production serves it, built without any store.

    Settings come from the code alone (no `.env`), so the same commit always yields the same
    document; development-only routes are left out because production does not mount them.
    """
    from garderobe.main import create_app
    from garderobe.settings import Settings

    settings = Settings(_env_file=None, environment="test")
    return create_app(settings).openapi()


def render(document: dict[str, Any]) -> str:
    """The snapshot's text: stable key order (FastAPI's, i.e. route order), one newline."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"

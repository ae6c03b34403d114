"""Posting import files and reading their outcome through the API."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx

from garderobe.catalog.images.imported import ImageSources
from garderobe.imports.lines import AttributeTypes
from garderobe.imports.reading import Record
from garderobe.imports.upsert import apply_batch
from garderobe.infra.stores import Stores
from garderobe.media import fetch
from garderobe.uow import unit_of_work

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
CONTENT_TYPES = {"csv": "text/csv", "ndjson": "application/x-ndjson"}


def ndjson(*lines: dict[str, Any] | str) -> bytes:
    return "".join((ln if isinstance(ln, str) else json.dumps(ln)) + "\n" for ln in lines).encode()


def tee(sku: str = "TEE-1", **changes: Any) -> dict[str, Any]:
    """An import line: a T-shirt in S and M."""
    line: dict[str, Any] = {
        "title": "Plain tee",
        "category": "t-shirts",
        "brand": "uniqlo",
        "colours": ["white"],
        "price": {"amount": 1500},
        "attributes": {"fit": "slim"},
        "status": "active",
        "variants": [
            {"sku": f"{sku}-S", "size": "S", "stock": 2},
            {"sku": f"{sku}-M", "size": "M", "stock": 3},
        ],
    }
    return {**line, **changes}


async def start(
    client: httpx.AsyncClient, admin: dict[str, str], body: bytes, fmt: str = "ndjson"
) -> dict[str, Any]:
    headers = {**admin, "Content-Type": CONTENT_TYPES[fmt]}
    response = await client.post("/api/v1/imports", content=body, headers=headers)
    assert response.status_code == 202, response.text
    started: dict[str, Any] = response.json()
    return started


async def run_import(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    run_jobs: Callable[[], Awaitable[int]],
    body: bytes,
    fmt: str = "ndjson",
) -> dict[str, Any]:
    """Upload, let the worker run it, and return its final progress."""
    started = await start(client, admin, body, fmt)
    await run_jobs()
    response = await client.get(f"/api/v1/imports/{started['id']}", headers=admin)
    assert response.status_code == 200, response.text
    done: dict[str, Any] = response.json()
    assert done["state"] == "done", done
    return done


async def report(
    client: httpx.AsyncClient, admin: dict[str, str], import_id: str, fmt: str = "ndjson"
) -> httpx.Response:
    response = await client.get(
        f"/api/v1/imports/{import_id}/report", params={"format": fmt}, headers=admin
    )
    assert response.status_code == 200, response.text
    return response


async def refusals(
    client: httpx.AsyncClient, admin: dict[str, str], import_id: str
) -> dict[int, dict[str, Any]]:
    lines = (await report(client, admin, import_id)).text.splitlines()
    return {entry["line"]: entry["problem"] for entry in map(json.loads, lines)}


async def catalogue(client: httpx.AsyncClient, admin: dict[str, str]) -> list[dict[str, Any]]:
    """Every item as an admin reads it (variants with stock), by title."""
    listing = await client.get("/api/v1/items", params={"limit": 100}, headers=admin)
    assert listing.status_code == 200, listing.text
    items = []
    for card in listing.json()["items"]:
        detail = await client.get(f"/api/v1/items/{card['id']}", headers=admin)
        items.append(detail.json())
    return sorted(items, key=lambda item: item["title"])


async def die_before_commit(stores: Stores, records: list[Record]) -> None:
    """A batch as the worker writes it, up to MongoDB; then the worker dies before the commit."""
    async with unit_of_work(stores) as session, fetch.client(stores.settings) as http:
        sources = ImageSources(http, stores.storage, stores.settings)
        await apply_batch(session, records, AttributeTypes(), sources)
        raise RuntimeError("worker killed")

"""Imports through the API: the example files, upserts by SKU, the report's problems."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import httpx

from tests.imports.helpers import EXAMPLES, catalogue, ndjson, refusals, run_import, tee

Jobs = Callable[[], Awaitable[int]]


async def test_example_ndjson_creates_its_items_with_variants_and_stock(
    client: httpx.AsyncClient, admin: dict[str, str], run_jobs: Jobs
) -> None:
    done = await run_import(client, admin, run_jobs, (EXAMPLES / "import.ndjson").read_bytes())
    assert (done["lines_read"], done["created"], done["refused"]) == (2, 2, 0)
    polo, tee_ = await catalogue(client, admin)
    assert [v["sku"] for v in tee_["variants"]] == ["UQ-TEE-WHT-S", "UQ-TEE-WHT-M", "UQ-TEE-WHT-L"]
    assert [v["stock"]["on_hand"] for v in tee_["variants"]] == [4, 7, 0]
    assert tee_["variants"][2]["price"]["amount"] == 2199
    assert tee_["attributes"]["chest_flat"] == 52
    assert [v["colour"] for v in polo["variants"]] == ["black", "navy"]

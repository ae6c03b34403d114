"""Lines upsert by SKU: re-importing changes nothing, a corrected file updates in place."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import httpx

from tests.imports.helpers import catalogue, ndjson, run_import, tee

Jobs = Callable[[], Awaitable[int]]


async def test_reimporting_the_same_file_changes_nothing(
    client: httpx.AsyncClient, admin: dict[str, str], run_jobs: Jobs
) -> None:
    body = ndjson(tee("A"), tee("B", title="Other tee"))
    await run_import(client, admin, run_jobs, body)
    before = await catalogue(client, admin)
    again = await run_import(client, admin, run_jobs, body)
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 2)
    after = await catalogue(client, admin)
    assert after == before  # same revisions, same updated_at: nothing was written
    assert {item["revision"] for item in after} == {1}


async def test_corrected_file_updates_items_without_duplicating(
    client: httpx.AsyncClient, admin: dict[str, str], run_jobs: Jobs
) -> None:
    await run_import(client, admin, run_jobs, ndjson(tee("A"), tee("B", title="Other tee")))
    (first,) = [i for i in await catalogue(client, admin) if i["title"] == "Plain tee"]
    corrected = tee(
        "A",
        title="Plain tee, corrected",
        variants=[
            {"sku": "A-M", "size": "M", "stock": 9},
            {"sku": "A-L", "size": "L", "stock": 1},
        ],
    )
    again = await run_import(
        client, admin, run_jobs, ndjson(corrected, tee("B", title="Other tee"))
    )
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 1, 1)
    items = await catalogue(client, admin)
    assert len(items) == 2
    (item,) = [i for i in items if i["id"] == first["id"]]
    assert item["title"] == "Plain tee, corrected"
    assert item["revision"] == 2
    # The line's variants first, in its order; the one it leaves out is kept (never removed).
    assert [(v["sku"], v["stock"]["on_hand"]) for v in item["variants"]] == [
        ("A-M", 9),
        ("A-L", 1),
        ("A-S", 2),
    ]
    assert [v["id"] for v in item["variants"] if v["sku"] == "A-M"] == [
        v["id"] for v in first["variants"] if v["sku"] == "A-M"
    ]


async def test_a_stock_only_change_keeps_the_items_revision(
    client: httpx.AsyncClient, admin: dict[str, str], run_jobs: Jobs
) -> None:
    await run_import(client, admin, run_jobs, ndjson(tee("A")))
    restocked = tee("A")
    restocked["variants"][0]["stock"] = 12
    again = await run_import(client, admin, run_jobs, ndjson(restocked))
    assert again["updated"] == 1
    (item,) = await catalogue(client, admin)
    assert item["revision"] == 1
    assert item["variants"][0]["stock"]["on_hand"] == 12


async def test_a_line_whose_skus_belong_to_two_items_is_refused(
    client: httpx.AsyncClient, admin: dict[str, str], run_jobs: Jobs
) -> None:
    await run_import(client, admin, run_jobs, ndjson(tee("A"), tee("B")))
    mixed = tee("A", variants=[{"sku": "A-S", "size": "S"}, {"sku": "B-M", "size": "M"}])
    done = await run_import(client, admin, run_jobs, ndjson(mixed))
    assert done["refused"] == 1
    assert len(await catalogue(client, admin)) == 2

"""A worker that dies mid-import: the import resumes at its checkpoint, without duplicates."""

from __future__ import annotations

import io
import uuid
from collections.abc import Awaitable, Callable
from datetime import timedelta
from itertools import islice

import httpx
import pytest

from garderobe.imports import jobs
from garderobe.imports.reading import ndjson_records
from garderobe.infra.stores import Stores
from garderobe.settings import Settings
from tests.imports.helpers import EXAMPLES, catalogue, die_before_commit, ndjson, start, tee

Jobs = Callable[[], Awaitable[int]]
LIVE = timedelta(minutes=3)


async def _progress(client: httpx.AsyncClient, admin: dict[str, str], run_id: str) -> dict:  # type: ignore[type-arg]
    return (await client.get(f"/api/v1/imports/{run_id}", headers=admin)).json()  # type: ignore[no-any-return]


async def test_killed_mid_batch_then_resumed_gives_each_item_once(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    stores: Stores,
    settings: Settings,
    run_jobs: Jobs,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    body = ndjson(*(tee(f"K{n}", title=f"Tee {n:02d}") for n in range(10)))
    started = await start(client, admin, body)
    run_id = uuid.UUID(started["id"])
    small = settings.model_copy(update={"import_batch_lines": 4})
    run = await jobs.run_slice(stores, small, run_id, stale_after=LIVE, max_batches=1)
    assert run is not None
    # The second batch gets as far as MongoDB, then the worker dies before its commit.
    records = list(islice(ndjson_records(io.BytesIO(body), run.byte_offset, 5, 10**6), 4))
    with pytest.raises(RuntimeError):
        await die_before_commit(stores, records)
    progress = await _progress(client, admin, started["id"])
    assert (progress["state"], progress["lines_read"]) == ("running", 4)
    assert progress["rate"] > 0
    assert progress["eta_seconds"] is not None  # tenths of a second: 0.0 on a fast machine
    assert await jobs.run_slice(stores, small, run_id, stale_after=LIVE) is None  # still held
    # The claim's heartbeat is now old: the worker's requeue at start hands it to a new job.
    monkeypatch.setattr(settings, "import_stale_seconds", 0.001)
    await run_jobs()
    done = await _progress(client, admin, started["id"])
    assert (done["state"], done["lines_read"], done["refused"]) == ("done", 10, 0)
    assert done["created"] + done["updated"] == 10
    items = await catalogue(client, admin)
    assert [i["title"] for i in items] == [f"Tee {n:02d}" for n in range(10)]
    for item in items:
        assert [(v["sku"], v["stock"]["on_hand"]) for v in item["variants"]] == [
            (item["variants"][0]["sku"], 2),
            (item["variants"][1]["sku"], 3),
        ]
        assert item["availability"] == "in_stock"


async def test_csv_resumed_at_its_checkpoint_reads_each_item_once(
    client: httpx.AsyncClient, admin: dict[str, str], stores: Stores, settings: Settings
) -> None:
    started = await start(client, admin, (EXAMPLES / "import.csv").read_bytes(), fmt="csv")
    run_id = uuid.UUID(started["id"])
    small = settings.model_copy(update={"import_batch_lines": 1})
    first = await jobs.run_slice(stores, small, run_id, stale_after=LIVE, max_batches=1)
    assert first is not None
    resumed = await jobs.run_slice(stores, small, run_id, stale_after=timedelta(0))
    assert resumed is not None
    assert (resumed.state, resumed.lines_read, resumed.created) == ("done", 2, 2)
    assert resumed.next_line == 7  # the header and five rows read
    assert len(await catalogue(client, admin)) == 2


async def test_requeue_leaves_alone_an_import_a_live_job_holds(
    client: httpx.AsyncClient, admin: dict[str, str], stores: Stores, settings: Settings
) -> None:
    started = await start(client, admin, ndjson(tee("A"), tee("B")))
    small = settings.model_copy(update={"import_batch_lines": 1})
    await jobs.run_slice(stores, small, uuid.UUID(started["id"]), stale_after=LIVE, max_batches=1)
    assert await jobs.requeue_stale(stores, LIVE) == 0
    assert await jobs.requeue_stale(stores, timedelta(0)) == 1

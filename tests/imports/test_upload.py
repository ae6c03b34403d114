"""The upload: streamed with a size limit, admins only, CSV or NDJSON; the file is read
line by line, never whole."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator, Awaitable, Callable

import httpx
import pytest

from garderobe.imports.reading import csv_header, csv_records, ndjson_records
from garderobe.infra.stores import Stores
from garderobe.settings import Settings
from tests.apikeys.helpers import bearer, issue
from tests.imports.helpers import EXAMPLES, ndjson, tee


async def test_an_upload_over_the_limit_is_refused_as_it_streams(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    stores: Stores,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(settings, "import_max_bytes", 10_000)
    sent = 0

    async def body() -> AsyncIterator[bytes]:
        nonlocal sent
        for _ in range(1000):  # 1 MB in all, if it were all read
            sent += 1
            yield b"x" * 1000

    headers = {**admin, "Content-Type": "application/x-ndjson"}
    response = await client.post("/api/v1/imports", content=body(), headers=headers)
    assert response.status_code == 413
    assert response.json()["type"].endswith("/payload-too-large")
    assert sent <= 12  # stopped at the limit, not after reading the whole body
    assert await stores.storage.list("imports/") == []


async def test_only_admins_import(client: httpx.AsyncClient, customer: dict[str, str]) -> None:
    body = ndjson(tee())
    anonymous = await client.post("/api/v1/imports", content=body)
    assert anonymous.status_code == 401
    headers = {**customer, "Content-Type": "application/x-ndjson"}
    assert (await client.post("/api/v1/imports", content=body, headers=headers)).status_code == 403


async def test_a_file_neither_csv_nor_ndjson_is_refused(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    headers = {**admin, "Content-Type": "text/plain"}
    response = await client.post("/api/v1/imports", content=b"hello", headers=headers)
    assert response.status_code == 415
    assert response.json()["type"].endswith("/unsupported-import-format")
    chosen = await client.post(
        "/api/v1/imports", params={"format": "ndjson"}, content=ndjson(tee()), headers=headers
    )
    assert chosen.status_code == 202


async def test_an_unknown_import_is_not_found(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    for path in ("/api/v1/imports/nope", "/api/v1/imports/6f1c2b7e-0000-4000-8000-000000000000"):
        response = await client.get(path, headers=admin)
        assert response.status_code == 404
        assert response.json()["type"].endswith("/import-not-found")


class _Counted(io.BytesIO):
    """A file that counts the bytes read from it."""

    read_bytes = 0

    def readline(self, size: int | None = -1) -> bytes:
        line = super().readline(size)
        self.read_bytes += len(line)
        return line


def test_reading_is_incremental_and_a_huge_line_refuses_only_itself() -> None:
    line = ndjson(tee())
    huge = b'{"title": "' + b"x" * 5000 + b'"}\n'
    file = _Counted(line + huge + line * 10_000)
    records = ndjson_records(file, 0, 1, max_bytes=4096)
    first, second, third = next(records), next(records), next(records)
    assert first.data is not None
    assert third.data == first.data
    assert second.problem is not None
    assert second.problem.slug == "malformed-line"
    assert (third.line, third.end) == (3, 2 * len(line) + len(huge))
    assert file.read_bytes < 3 * len(line) + len(huge) + 4096  # not the other 10,000 lines


def test_csv_rows_may_hold_quoted_newlines_and_resume_at_an_offset() -> None:
    text = (
        (EXAMPLES / "import.csv")
        .read_text()
        .replace("Uniqlo polo in black and navy", '"Uniqlo\npolo"', 1)
    )
    file = io.BytesIO(text.encode())
    header, offset, line = csv_header(file, 4096)
    items = list(csv_records(file, header, offset, line, 4096))
    assert [i.line for i in items] == [2, 5]
    assert items[1].data is not None
    assert items[1].data["title"] == "Uniqlo\npolo"
    resumed = list(csv_records(file, header, items[0].end, items[0].next_line, 4096))
    assert [(i.line, i.data) for i in resumed] == [(5, items[1].data)]


async def test_an_api_key_imports_with_catalog_write_and_follows_with_catalog_read(
    client: httpx.AsyncClient, admin: dict[str, str], run_jobs: Callable[[], Awaitable[int]]
) -> None:
    writer = bearer((await issue(client, admin, "catalog:write", "catalog:read"))["key"])
    reader = bearer((await issue(client, admin, "catalog:read", name="dashboard"))["key"])
    body, kind = ndjson(tee()), {"Content-Type": "application/x-ndjson"}
    refused = await client.post("/api/v1/imports", content=body, headers=reader | kind)
    assert refused.status_code == 403
    assert refused.json()["type"].endswith("/insufficient-scope")
    started = await client.post("/api/v1/imports", content=body, headers=writer | kind)
    assert started.status_code == 202, started.text
    await run_jobs()
    progress = await client.get(started.headers["Location"], headers=reader)
    assert (progress.json()["state"], progress.json()["created"]) == ("done", 1)

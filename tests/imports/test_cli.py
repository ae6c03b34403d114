"""`garderobe import FILE`: the same import from the command line, its summary and report."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import httpx

from garderobe.infra.stores import Stores
from garderobe.settings import Settings, store_environment
from tests.imports.helpers import EXAMPLES, catalogue, ndjson, tee

GARDEROBE = str(Path(sys.executable).parent / "garderobe")


async def _garderobe(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    inherited = {k: v for k, v in os.environ.items() if not k.endswith("_URL")}
    return await asyncio.to_thread(
        subprocess.run,
        [GARDEROBE, *args],
        env=inherited | store_environment(settings),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


async def test_import_command_prints_the_counts_and_writes_the_report(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    shop: Stores,
    settings: Settings,
    tmp_path: Path,
) -> None:
    source = tmp_path / "items.ndjson"
    source.write_bytes((EXAMPLES / "import.ndjson").read_bytes() + ndjson("not json", tee("Z")))
    report = tmp_path / "report.ndjson"
    done = await _garderobe(settings, "import", str(source), "--report", str(report))
    assert done.returncode == 0, done.stderr
    assert "done: 4 lines read, 3 created, 0 updated, 0 unchanged, 1 refused" in done.stdout
    assert "lines/s" in done.stdout
    assert f"report: {report} (1 refused lines)" in done.stdout
    (entry,) = [json.loads(line) for line in report.read_text().splitlines()]
    assert entry["line"] == 3
    assert entry["problem"]["type"].endswith("/malformed-line")
    assert len(await catalogue(client, admin)) == 3


async def test_import_command_reads_csv_by_its_extension(
    client: httpx.AsyncClient, admin: dict[str, str], shop: Stores, settings: Settings
) -> None:
    done = await _garderobe(settings, "import", str(EXAMPLES / "import.csv"))
    assert done.returncode == 0, done.stderr
    assert "of csv" in done.stdout
    assert "2 created" in done.stdout
    assert "report: GET /api/v1/imports/" in done.stdout

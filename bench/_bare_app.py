"""The baseline for bench/catalog.py: one FastAPI route returning a fixed JSON document.

It answers with the very body the catalog listing returned (read from BENCH_PAYLOAD_FILE),
serialised on every request like any JSON route, so the ratio between the two runs is the
cost of the catalog's own work (query, facets, validation), not of payload size or of HTTP.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from fastapi import FastAPI

PAYLOAD: dict[str, Any] = json.loads(Path(os.environ["BENCH_PAYLOAD_FILE"]).read_text())

app = FastAPI()


@app.get("/bare")
async def bare() -> dict[str, Any]:
    return PAYLOAD

"""The floor for bench/catalog.py: FastAPI routes returning fixed JSON documents.

`/bare/<name>` answers with the very body the API returned for that kind of request (read
from BENCH_PAYLOAD_DIR/<name>.json), serialised on every request like any JSON route, so the
ratio between the two is the cost of the catalog's own work (queries, facets, caching,
validation), not of payload size or of HTTP.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException

PAYLOADS: dict[str, Any] = {
    path.stem: json.loads(path.read_text())
    for path in Path(os.environ["BENCH_PAYLOAD_DIR"]).glob("*.json")
}

app = FastAPI()


@app.get("/bare/{name}")
async def bare(name: str) -> Any:
    if name not in PAYLOADS:
        raise HTTPException(404)
    return PAYLOADS[name]

"""Development-only routes: mounted when ENVIRONMENT=development, never in production."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Query

from garderobe.api.deps import SettingsDep

router = APIRouter(prefix="/dev", tags=["dev"])

MAILS_FILE = "mails.jsonl"


@router.get("/mails", summary="Recent mails caught by the dev SMTP sink")
async def recent_mails(
    settings: SettingsDep, limit: int = Query(default=20, ge=1, le=200)
) -> list[dict[str, Any]]:
    path = settings.dev_data_dir / "mail" / MAILS_FILE
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()[-limit:]
    return [json.loads(line) for line in reversed(lines)]

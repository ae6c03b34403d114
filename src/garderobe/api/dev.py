"""Development-only routes: mounted when ENVIRONMENT=development, never in production."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query

from garderobe.api.deps import SettingsDep
from garderobe.infra.mailsink import recent_mails

router = APIRouter(prefix="/dev", tags=["dev"])


@router.get("/mails", summary="Recent mails caught by the dev SMTP sink (newest first)")
async def list_recent_mails(
    settings: SettingsDep, limit: int = Query(default=20, ge=1, le=200)
) -> list[dict[str, Any]]:
    return recent_mails(settings.dev_data_dir.resolve() / "mail", limit)

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from garderobe import __version__
from garderobe.api.deps import StoresDep
from garderobe.infra.stores import check_readiness

router = APIRouter(prefix="/health", tags=["health"])


@router.get("/live", summary="The process is up, and which version it runs")
async def live() -> dict[str, str]:
    return {"status": "ok", "version": __version__}


@router.get(
    "/ready",
    summary="Every store answers",
    description="Checks PostgreSQL, MongoDB, Redis, S3 and SMTP concurrently, each with a short "
    "timeout. 200 when all answer, 503 with the status of each store otherwise.",
    responses={503: {"description": "At least one store is down"}},
)
async def ready(stores: StoresDep) -> JSONResponse:
    checks = await check_readiness(stores)
    healthy = all(status == "ok" for status in checks.values())
    return JSONResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks},
        status_code=200 if healthy else 503,
    )

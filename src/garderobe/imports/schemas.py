"""Bodies of the imports' answers."""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel, Field

from garderobe.api.fields import UtcDatetime
from garderobe.imports.models import ImportRun, ImportState


class ImportOut(BaseModel):
    id: str
    state: ImportState = Field(description="queued, running, done or failed")
    format: str = Field(description="csv or ndjson")
    size_bytes: int
    bytes_read: int = Field(description="Up to the last checkpoint (a batch committed)")
    lines_read: int = Field(description="Items read: an NDJSON line, or a CSV item's rows")
    created: int
    updated: int
    unchanged: int
    refused: int = Field(description="Lines in the report")
    rate: float | None = Field(description="Lines per second of work so far")
    eta_seconds: float | None = Field(description="Time left at that rate (by bytes)")
    created_at: UtcDatetime
    started_at: UtcDatetime | None
    finished_at: UtcDatetime | None
    error: str | None = Field(description="Why a failed import stopped")
    report_url: str

    @classmethod
    def of(cls, run: ImportRun) -> ImportOut:
        busy = run.busy_ms / 1000
        rate = run.lines_read / busy if busy > 0 else None
        eta = None
        if run.state == ImportState.DONE.value:
            eta = 0.0
        elif busy > 0 and run.byte_offset > 0:
            eta = (run.size_bytes - run.byte_offset) * busy / run.byte_offset
        return cls(
            id=str(run.id),
            state=ImportState(run.state),
            format=run.format,
            size_bytes=run.size_bytes,
            bytes_read=run.byte_offset,
            lines_read=run.lines_read,
            created=run.created,
            updated=run.updated,
            unchanged=run.unchanged,
            refused=run.refused,
            rate=round(rate, 1) if rate is not None else None,
            eta_seconds=round(eta, 1) if eta is not None else None,
            created_at=run.created_at or datetime.now(UTC),
            started_at=run.started_at,
            finished_at=run.finished_at,
            error=run.error,
            report_url=f"/api/v1/imports/{run.id}/report",
        )

"""An import's progress (its checkpoint) and its refused lines, in PostgreSQL."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from garderobe.infra.postgres import Base, TimestampMixin


class ImportState(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


def _count() -> Mapped[int]:
    return mapped_column(Integer, default=0, server_default="0")


class ImportRun(TimestampMixin, Base):
    """One uploaded file and how far its import got. `byte_offset` and `next_line` are the
    checkpoint: a batch's writes, its counts and the checkpoint commit together, so a worker
    that dies resumes at the first line of the batch it did not finish."""

    __tablename__ = "imports"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    format: Mapped[str] = mapped_column(String(8))
    source_key: Mapped[str] = mapped_column(String(200))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    state: Mapped[str] = mapped_column(String(16), default=ImportState.QUEUED.value)
    byte_offset: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    next_line: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    lines_read: Mapped[int] = _count()
    created: Mapped[int] = _count()
    updated: Mapped[int] = _count()
    unchanged: Mapped[int] = _count()
    refused: Mapped[int] = _count()
    # The job holding the import, and when it last committed a batch: a claim whose
    # heartbeat is older than IMPORT_STALE_SECONDS belongs to a dead worker.
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Milliseconds spent working on it (summed over the jobs that ran it): rate and ETA.
    busy_ms: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    created_by: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    error: Mapped[str | None] = mapped_column(Text)


class ImportRefusal(Base):
    """A refused line: its number (the first line of a CSV item's rows) and the problem, as
    the API would have answered it (type, title, status, detail, errors)."""

    __tablename__ = "import_refusals"

    import_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("imports.id", ondelete="CASCADE"), primary_key=True
    )
    line: Mapped[int] = mapped_column(Integer, primary_key=True)
    problem: Mapped[dict[str, Any]] = mapped_column(JSONB)

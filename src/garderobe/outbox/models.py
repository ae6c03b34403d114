from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, Index, Integer, String, Text, text
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from garderobe.infra.postgres import Base, utcnow


class OutboxMessage(Base):
    """One side effect to carry out after its transaction commits (a mail, an S3 cleanup …).

    `enqueued_at` says a job was handed to arq; `processed_at` says the handler finished.
    Rows enqueued long ago but never processed are enqueued again by a scheduled job.
    """

    __tablename__ = "outbox_messages"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    topic: Mapped[str] = mapped_column(String(100))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONB)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, server_default=text("now()")
    )
    enqueued_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    processed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    last_error: Mapped[str | None] = mapped_column(Text)
    # The W3C traceparent of the span that wrote the row (tracing on): the job that carries
    # the row out links its span to that trace, however late a requeue runs it.
    traceparent: Mapped[str | None] = mapped_column(String(55))

    __table_args__ = (
        Index(
            "ix_outbox_messages_pending",
            "created_at",
            postgresql_where=text("processed_at IS NULL"),
        ),
    )

"""outbox_traceparent: the W3C traceparent of the span that wrote each outbox row

With tracing on, the job that carries a row out links its span to the trace of the request
(or job) that wrote it, however long after a requeue runs it. Null when tracing is off and
for every row written before.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 08:30:00.000000+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Nullable without a default: PostgreSQL adds the column without rewriting the table.
    op.add_column("outbox_messages", sa.Column("traceparent", sa.String(length=55), nullable=True))


def downgrade() -> None:
    op.drop_column("outbox_messages", "traceparent")

"""imports: bulk imports of items and their refused lines

`imports` holds an uploaded file's checkpoint (byte offset, next line), counts and claim;
`import_refusals` the problem of each refused line, for the report.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-04 01:30:00.000000+00:00

Both tables are new and start empty.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _counts() -> list[sa.Column[object]]:
    return [
        sa.Column(name, sa.Integer(), server_default="0", nullable=False)
        for name in ("lines_read", "created", "updated", "unchanged", "refused")
    ]


def _moments() -> list[sa.Column[object]]:
    return [
        sa.Column(name, sa.DateTime(timezone=True), nullable=True)
        for name in ("heartbeat_at", "started_at", "finished_at")
    ]


def upgrade() -> None:
    op.create_table(
        "imports",
        sa.Column("id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("format", sa.String(length=8), nullable=False),
        sa.Column("source_key", sa.String(length=200), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("byte_offset", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("next_line", sa.Integer(), server_default="1", nullable=False),
        *_counts(),
        sa.Column("claimed_by", sa.String(length=64), nullable=True),
        *_moments(),
        sa.Column("busy_ms", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("created_by", postgresql.UUID(as_uuid=True), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_imports")),
    )
    op.create_table(
        "import_refusals",
        sa.Column("import_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("problem", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["imports.id"],
            name=op.f("fk_import_refusals_import_id_imports"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("import_id", "line", name=op.f("pk_import_refusals")),
    )


def downgrade() -> None:
    op.drop_table("import_refusals")
    op.drop_table("imports")

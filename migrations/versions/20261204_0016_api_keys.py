"""api keys: named, scoped keys for server-to-server clients, stored as SHA-256 hashes

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04 01:00:00.000000+00:00

A new table, empty at first. A key is looked up by its public id (unique index).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _moments(nullable: bool, *names: str) -> list[sa.Column[object]]:
    # Stamped by the database (created, updated), or optional moments in a key's life.
    default = None if nullable else sa.text("now()")
    return [
        sa.Column(name, sa.DateTime(timezone=True), server_default=default, nullable=nullable)
        for name in names
    ]


def upgrade() -> None:
    op.create_table(
        "api_keys",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("public_id", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("scopes", postgresql.ARRAY(sa.String(length=40)), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("previous_secret_hash", sa.String(length=64), nullable=True),
        *_moments(True, "previous_valid_until", "expires_at", "revoked_at", "last_used_at"),
        sa.Column("created_by", sa.UUID(), nullable=False),
        *_moments(False, "created_at", "updated_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_keys")),
        sa.UniqueConstraint("public_id", name=op.f("uq_api_keys_public_id")),
    )


def downgrade() -> None:
    op.drop_table("api_keys")

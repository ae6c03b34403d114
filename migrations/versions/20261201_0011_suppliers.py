"""suppliers: who catalog items were bought from (admin-only)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 03:00:00.000000+00:00

Items name their supplier in MongoDB and carry a `supplier=<slug>` token in their read-index
rows (`facet_values`); existing items have none, so no index row needs rewriting.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "suppliers",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("contact_email", sa.String(length=320), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("notes", sa.Text(), server_default="", nullable=False),
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
        sa.CheckConstraint("country ~ '^[A-Z]{2}$'", name=op.f("ck_suppliers_country_iso_alpha2")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suppliers")),
        sa.UniqueConstraint("slug", name=op.f("uq_suppliers_slug")),
    )
    op.create_index("ix_suppliers_name_slug", "suppliers", ["name", "slug"])


def downgrade() -> None:
    op.drop_index("ix_suppliers_name_slug", table_name="suppliers")
    op.drop_table("suppliers")

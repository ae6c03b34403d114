"""sizes: brand size charts per garment kind, shoppers' saved sizes, fit verdicts

Reviews may carry a fit verdict and the size bought; the catalog keeps their counts per item
and per brand and garment (`item_fit_verdicts`, `brand_fit_verdicts`), as it keeps ratings.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 15:00:00.000000+00:00

The tables are new and start empty; the reviews' new columns are nullable (no rewrite).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _timestamps() -> list[sa.Column[object]]:
    return [
        sa.Column(name, sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False)
        for name in ("created_at", "updated_at")
    ]


def _counts() -> list[sa.Column[object]]:
    return [
        sa.Column(name, sa.Integer(), server_default="0", nullable=False)
        for name in ("runs_small", "true_to_size", "runs_large", "version")
    ]


def upgrade() -> None:
    op.add_column("reviews", sa.Column("fit_verdict", sa.String(length=16), nullable=True))
    op.add_column("reviews", sa.Column("fit_size", sa.String(length=60), nullable=True))
    op.create_check_constraint(
        op.f("ck_reviews_fit_verdict_known"),
        "reviews",
        "fit_verdict IN ('runs_small', 'true_to_size', 'runs_large')",
    )
    op.create_table(
        "item_fit_verdicts",
        sa.Column("item_id", sa.String(length=24), nullable=False),
        sa.Column("brand", sa.String(length=100), nullable=True),
        sa.Column("garment", sa.String(length=40), nullable=True),
        *_counts(),
        sa.PrimaryKeyConstraint("item_id", name=op.f("pk_item_fit_verdicts")),
    )
    op.create_table(
        "brand_fit_verdicts",
        sa.Column("brand", sa.String(length=100), nullable=False),
        sa.Column("garment", sa.String(length=40), nullable=False),
        *_counts(),
        sa.PrimaryKeyConstraint("brand", "garment", name=op.f("pk_brand_fit_verdicts")),
    )
    op.create_table(
        "brand_size_charts",
        sa.Column("brand", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=60), nullable=False),
        sa.Column("data", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        *_timestamps(),
        sa.PrimaryKeyConstraint("brand", "kind", name=op.f("pk_brand_size_charts")),
    )
    op.create_table(
        "saved_sizes",
        sa.Column("user_id", sa.UUID(), nullable=False),
        sa.Column("data", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        *_timestamps(),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_saved_sizes_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_saved_sizes")),
    )


def downgrade() -> None:
    op.drop_table("brand_fit_verdicts")
    op.drop_table("item_fit_verdicts")
    op.drop_constraint(op.f("ck_reviews_fit_verdict_known"), "reviews", type_="check")
    op.drop_column("reviews", "fit_size")
    op.drop_column("reviews", "fit_verdict")
    op.drop_table("saved_sizes")
    op.drop_table("brand_size_charts")

"""facet counts: per category path and facet token, for listings with at most one filter

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 01:00:00.000000+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "facet_counts",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("category_path", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.Column("token", sa.Text(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_facet_counts")),
    )
    # The items already indexed, counted as catalog.index.rebuild_facet_counts does (the
    # price buckets' lower bounds as of this revision).
    op.execute("""
        INSERT INTO facet_counts (category_path, token, n)
        SELECT category_path, token, count(*) FROM (
            SELECT category_path, unnest(array_append(
                facet_values,
                '#price=' || (ARRAY[0, 1000, 2500, 5000, 10000, 25000, 50000, 100000])[
                    width_bucket(price_amount, ARRAY[0, 1000, 2500, 5000, 10000, 25000, 50000,
                                                     100000])])) AS token
            FROM item_search WHERE status = 'active'
        ) AS tokens
        WHERE NOT starts_with(token, 'status=')
        GROUP BY category_path, token
    """)


def downgrade() -> None:
    op.drop_table("facet_counts")

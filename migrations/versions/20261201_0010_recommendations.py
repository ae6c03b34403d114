"""co_purchases and item_popularity (counted from paid orders), the similar-items index

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 03:30:00.000000+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "co_purchases",
        sa.Column("item_id", sa.String(24), nullable=False),
        sa.Column("other_item_id", sa.String(24), nullable=False),
        sa.Column("orders", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("item_id", "other_item_id", name=op.f("pk_co_purchases")),
    )
    op.create_table(
        "item_popularity",
        sa.Column("item_id", sa.String(24), nullable=False),
        sa.Column("orders", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("item_id", name=op.f("pk_item_popularity")),
    )
    op.create_index(
        "ix_item_popularity_ranked",
        "item_popularity",
        [sa.text("orders DESC"), sa.text("item_id")],
    )
    op.create_index(
        "ix_item_search_similar",
        "item_search",
        ["category", "price_amount"],
        postgresql_where=sa.text("status = 'active'"),
    )
    # The first counts come from the worker's next run of recompute_co_purchases.


def downgrade() -> None:
    op.drop_index("ix_item_search_similar", table_name="item_search")
    op.drop_table("item_popularity")
    op.drop_table("co_purchases")

"""item_facets: the narrow table listings read; item_search keeps search and the documents

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 01:10:00.000000+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "item_facets",
        sa.Column("item_id", sa.String(24), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("price_amount", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("facet_values", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.PrimaryKeyConstraint("item_id", name=op.f("pk_item_facets")),
    )
    op.execute("""
        INSERT INTO item_facets (item_id, status, price_amount, created_at, facet_values)
        SELECT item_id, status, price_amount, created_at, facet_values FROM item_search
    """)
    op.create_index(
        "ix_item_facets_facet_values", "item_facets", ["facet_values"], postgresql_using="gin"
    )
    op.create_index(
        "ix_item_facets_newest",
        "item_facets",
        [sa.text("created_at DESC"), sa.text("item_id DESC")],
    )
    op.create_index("ix_item_facets_price", "item_facets", ["price_amount", "item_id"])
    for name in ("facet_values", "attributes", "newest", "price"):
        op.drop_index(f"ix_item_search_{name}", table_name="item_search")


def downgrade() -> None:
    op.create_index("ix_item_search_price", "item_search", ["price_amount", "item_id"])
    op.create_index(
        "ix_item_search_newest",
        "item_search",
        [sa.text("created_at DESC"), sa.text("item_id DESC")],
    )
    op.create_index(
        "ix_item_search_attributes",
        "item_search",
        ["attributes"],
        postgresql_using="gin",
        postgresql_ops={"attributes": "jsonb_path_ops"},
    )
    op.create_index(
        "ix_item_search_facet_values", "item_search", ["facet_values"], postgresql_using="gin"
    )
    op.drop_table("item_facets")

"""catalog read index: item_search holds every item with its filterable fields

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 13:10:00.000000+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TEXT_ARRAY = postgresql.ARRAY(sa.Text())


def upgrade() -> None:
    add = op.add_column
    add("item_search", sa.Column("status", sa.String(16), server_default="active", nullable=False))
    add("item_search", sa.Column("category", sa.Text(), server_default="", nullable=False))
    add("item_search", sa.Column("category_path", _TEXT_ARRAY, server_default="{}", nullable=False))
    for name in ("brand", "size", "condition", "material", "pattern"):
        add("item_search", sa.Column(name, sa.Text(), nullable=True))
    add("item_search", sa.Column("colours", _TEXT_ARRAY, server_default="{}", nullable=False))
    add(
        "item_search",
        sa.Column("attributes", postgresql.JSONB(), server_default="{}", nullable=False),
    )
    add("item_search", sa.Column("facet_values", _TEXT_ARRAY, server_default="{}", nullable=False))
    add(
        "item_search",
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
    )
    op.alter_column("item_search", "created_at", server_default=None)
    # The new columns cannot be derived from the old ones: revision 0 marks every existing row
    # stale, so the next reconciliation (`garderobe search reindex`, or the worker at start)
    # rewrites them all from MongoDB.
    op.execute("UPDATE item_search SET revision = 0")
    op.create_index(
        "ix_item_search_facet_values", "item_search", ["facet_values"], postgresql_using="gin"
    )
    op.create_index(
        "ix_item_search_attributes",
        "item_search",
        ["attributes"],
        postgresql_using="gin",
        postgresql_ops={"attributes": "jsonb_path_ops"},
    )
    op.create_index(
        "ix_item_search_newest",
        "item_search",
        [sa.text("created_at DESC"), sa.text("item_id DESC")],
    )
    op.create_index("ix_item_search_price", "item_search", ["price_amount", "item_id"])


def downgrade() -> None:
    for index in (
        "ix_item_search_price",
        "ix_item_search_newest",
        "ix_item_search_attributes",
        "ix_item_search_facet_values",
    ):
        op.drop_index(index, table_name="item_search")
    # Rows of items that are not active never were in the older projection.
    op.execute("DELETE FROM item_search WHERE status <> 'active'")
    for name in (
        "created_at",
        "facet_values",
        "attributes",
        "colours",
        "pattern",
        "material",
        "condition",
        "size",
        "brand",
        "category_path",
        "category",
        "status",
    ):
        op.drop_column("item_search", name)

"""catalog search

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 01:32:03.730816+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # unaccent folds accents, pg_trgm and fuzzystrmatch make search typo tolerant.
    for extension in ("unaccent", "pg_trgm", "fuzzystrmatch"):
        op.execute(f"CREATE EXTENSION IF NOT EXISTS {extension}")
    op.create_table(
        "item_search",
        sa.Column("item_id", sa.String(length=24), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("brand_name", sa.Text(), nullable=False),
        sa.Column("category_names", sa.Text(), nullable=False),
        sa.Column("attributes_text", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("price_amount", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("document", postgresql.TSVECTOR(), nullable=False),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("item_id", name=op.f("pk_item_search")),
    )
    op.create_index(
        "ix_item_search_document", "item_search", ["document"], unique=False, postgresql_using="gin"
    )
    op.create_table(
        "search_terms",
        sa.Column("term", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("label", sa.Text(), server_default="", nullable=False),
        sa.PrimaryKeyConstraint("term", "kind", name=op.f("pk_search_terms")),
    )
    op.create_index(
        "ix_search_terms_trgm",
        "search_terms",
        ["term"],
        unique=False,
        postgresql_using="gin",
        postgresql_ops={"term": "gin_trgm_ops"},
    )


def downgrade() -> None:
    op.drop_index(
        "ix_search_terms_trgm",
        table_name="search_terms",
        postgresql_using="gin",
        postgresql_ops={"term": "gin_trgm_ops"},
    )
    op.drop_table("search_terms")
    op.drop_index("ix_item_search_document", table_name="item_search", postgresql_using="gin")
    op.drop_table("item_search")
    # Extensions stay: other databases objects (or a later revision) may rely on them.

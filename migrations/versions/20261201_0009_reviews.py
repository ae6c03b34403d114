"""reviews: buyers' reviews, items' rating summaries, rating columns on the listing index

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 03:00:00.000000+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REVIEW_STATUS = postgresql.ENUM("visible", "hidden", name="review_status", create_type=False)
STAR_COLUMNS = ("count", "total", "star_1", "star_2", "star_3", "star_4", "star_5", "version")


def upgrade() -> None:
    op.create_table(
        "item_ratings",
        sa.Column("item_id", sa.String(24), nullable=False),
        *(
            sa.Column(name, sa.Integer(), server_default="0", nullable=False)
            for name in STAR_COLUMNS
        ),
        sa.CheckConstraint(
            "count >= 0 AND star_1 >= 0 AND star_2 >= 0 AND star_3 >= 0 AND star_4 >= 0 "
            "AND star_5 >= 0 AND count = star_1 + star_2 + star_3 + star_4 + star_5",
            name=op.f("ck_item_ratings_counts_add_up"),
        ),
        sa.PrimaryKeyConstraint("item_id", name=op.f("pk_item_ratings")),
    )
    op.add_column(
        "item_facets", sa.Column("rating_avg", sa.Double(), server_default="0", nullable=False)
    )
    op.add_column(
        "item_facets", sa.Column("rating_count", sa.Integer(), server_default="0", nullable=False)
    )
    op.create_index(
        "ix_item_facets_rating",
        "item_facets",
        [sa.text("rating_avg DESC"), sa.text("item_id DESC")],
    )
    REVIEW_STATUS.create(op.get_bind(), checkfirst=False)
    op.create_table(
        "reviews",
        sa.Column("id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("item_id", sa.String(24), nullable=False),
        sa.Column("user_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("order_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("rating", sa.SmallInteger(), nullable=False),
        sa.Column("title", sa.String(120), nullable=True),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("status", REVIEW_STATUS, nullable=False),
        sa.Column("moderation_reason", sa.Text(), nullable=True),
        sa.Column("moderated_by", postgresql.UUID(as_uuid=True), nullable=True),
        sa.Column("moderated_at", sa.DateTime(timezone=True), nullable=True),
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
        sa.CheckConstraint("rating BETWEEN 1 AND 5", name=op.f("ck_reviews_rating_in_range")),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_reviews_user_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_reviews_order_id_orders")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reviews")),
        sa.UniqueConstraint("user_id", "item_id", name=op.f("uq_reviews_user_id_item_id")),
    )
    op.create_index("ix_reviews_item_newest", "reviews", ["item_id", "created_at", "id"])
    op.create_index("ix_reviews_item_rating", "reviews", ["item_id", "rating", "created_at", "id"])
    op.create_index("ix_reviews_status", "reviews", ["status", "created_at", "id"])


def downgrade() -> None:
    op.drop_table("reviews")
    REVIEW_STATUS.drop(op.get_bind(), checkfirst=False)
    op.drop_index("ix_item_facets_rating", table_name="item_facets")
    op.drop_column("item_facets", "rating_count")
    op.drop_column("item_facets", "rating_avg")
    op.drop_table("item_ratings")

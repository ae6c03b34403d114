"""item_facet_changes: which index rows each transaction touched, for in-process facet indexes

Every insert, update, delete or truncate of `item_facets` appends the item ids it touched
(a truncate appends '*') with the writing transaction's id, from statement-level triggers,
so no writer can forget it. An API process that keeps the facet tokens in memory
(catalog.facet_index) reads the rows of transactions it has not seen yet.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 03:30:00.000000+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_EVENTS = {"insert": "new_rows", "update": "new_rows", "delete": "old_rows"}


def upgrade() -> None:
    op.create_table(
        "item_facet_changes",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column(
            "xid",
            sa.BigInteger(),
            server_default=sa.text("(pg_current_xact_id())::text::bigint"),
            nullable=False,
        ),
        sa.Column("item_id", sa.String(24), nullable=False),
        sa.Column(
            "changed_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_item_facet_changes")),
    )
    op.create_index("ix_item_facet_changes_xid", "item_facet_changes", ["xid"])
    op.create_index("ix_item_facet_changes_changed_at", "item_facet_changes", ["changed_at"])
    for event, rows in _EVENTS.items():
        op.execute(f"""
            CREATE FUNCTION item_facets_{event}_logged() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                INSERT INTO item_facet_changes (item_id) SELECT item_id FROM {rows};
                RETURN NULL;
            END $$
        """)  # noqa: S608 - fixed names from _EVENTS only
        side = "NEW" if rows == "new_rows" else "OLD"
        op.execute(f"""
            CREATE TRIGGER item_facets_{event}_logged AFTER {event.upper()} ON item_facets
            REFERENCING {side} TABLE AS {rows}
            FOR EACH STATEMENT EXECUTE FUNCTION item_facets_{event}_logged()
        """)
    op.execute("""
        CREATE FUNCTION item_facets_truncate_logged() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO item_facet_changes (item_id) VALUES ('*');
            RETURN NULL;
        END $$
    """)
    op.execute("""
        CREATE TRIGGER item_facets_truncate_logged AFTER TRUNCATE ON item_facets
        FOR EACH STATEMENT EXECUTE FUNCTION item_facets_truncate_logged()
    """)


def downgrade() -> None:
    for event in (*_EVENTS, "truncate"):
        op.execute(f"DROP TRIGGER item_facets_{event}_logged ON item_facets")
        op.execute(f"DROP FUNCTION item_facets_{event}_logged()")
    op.drop_table("item_facet_changes")

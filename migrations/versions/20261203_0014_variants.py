"""variants: stock, cart lines and order lines per variant; the index's offers

Items are sold in variants (a size and/or a colour, a SKU of their own). Every item until
now is one variant whose id is the item's own: its stock row takes that id and a SKU made
from it, and so do the cart and order lines that name it. `item_facets` gains the lowest
and highest price an item sells for and its offers (`catalog.index.offers`); every index row
is marked stale (revision 0), so the reconciliation rewrites it from MongoDB with them.
`garderobe catalog migrate-variants` then writes the variants into the item documents.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 10:00:00.000000+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _stock() -> None:
    op.add_column("stock", sa.Column("variant_id", sa.String(length=24), nullable=True))
    op.add_column("stock", sa.Column("sku", sa.String(length=64), nullable=True))
    op.execute("UPDATE stock SET variant_id = item_id, sku = 'GD-' || upper(item_id)")
    op.alter_column("stock", "variant_id", nullable=False)
    op.alter_column("stock", "sku", nullable=False)
    op.drop_constraint("pk_stock", "stock", type_="primary")
    op.create_primary_key("pk_stock", "stock", ["variant_id"])
    op.create_unique_constraint("uq_stock_sku", "stock", ["sku"])
    op.create_index("ix_stock_item_id", "stock", ["item_id"])


def _lines() -> None:
    op.add_column("cart_items", sa.Column("variant_id", sa.String(length=24), nullable=True))
    op.execute("UPDATE cart_items SET variant_id = item_id")
    op.alter_column("cart_items", "variant_id", nullable=False)
    op.drop_constraint("uq_cart_items_cart_id_item_id", "cart_items", type_="unique")
    op.create_unique_constraint(
        "uq_cart_items_cart_id_variant_id", "cart_items", ["cart_id", "variant_id"]
    )
    op.add_column("order_items", sa.Column("variant_id", sa.String(length=24), nullable=True))
    op.add_column("order_items", sa.Column("sku", sa.String(length=64), nullable=True))
    op.add_column("order_items", sa.Column("colour", sa.String(length=40), nullable=True))
    op.execute("UPDATE order_items SET variant_id = item_id, sku = 'GD-' || upper(item_id)")


def _index() -> None:
    op.add_column("item_facets", sa.Column("price_top", sa.Integer(), nullable=True))
    op.add_column(
        "item_facets",
        sa.Column("offers", postgresql.ARRAY(sa.Text()), server_default="{}", nullable=False),
    )
    op.execute("UPDATE item_facets SET price_top = price_amount")
    op.alter_column("item_facets", "price_top", nullable=False)
    op.execute("UPDATE item_search SET revision = 0")


def upgrade() -> None:
    _stock()
    _lines()
    _index()


def downgrade() -> None:
    op.drop_column("item_facets", "offers")
    op.drop_column("item_facets", "price_top")
    op.drop_column("order_items", "colour")
    op.drop_column("order_items", "sku")
    op.drop_column("order_items", "variant_id")
    op.drop_constraint("uq_cart_items_cart_id_variant_id", "cart_items", type_="unique")
    # A cart with two variants of one item keeps the first (the old key is one line a item).
    op.execute(
        "DELETE FROM cart_items AS c USING cart_items AS d WHERE c.cart_id = d.cart_id "
        "AND c.item_id = d.item_id AND c.added_at > d.added_at"
    )
    op.create_unique_constraint(
        "uq_cart_items_cart_id_item_id", "cart_items", ["cart_id", "item_id"]
    )
    op.drop_column("cart_items", "variant_id")
    op.drop_index("ix_stock_item_id", table_name="stock")
    op.drop_constraint("uq_stock_sku", "stock", type_="unique")
    op.drop_constraint("pk_stock", "stock", type_="primary")
    # Summed per item: the old table has one row a item.
    op.execute(
        "CREATE TEMP TABLE stock_items AS SELECT item_id, sum(on_hand) AS on_hand, "
        "sum(reserved) AS reserved, max(updated_at) AS updated_at FROM stock GROUP BY item_id"
    )
    op.execute("DELETE FROM stock")
    op.drop_column("stock", "sku")
    op.drop_column("stock", "variant_id")
    op.execute(
        "INSERT INTO stock (item_id, on_hand, reserved, updated_at) "
        "SELECT item_id, on_hand, reserved, updated_at FROM stock_items"
    )
    op.create_primary_key("pk_stock", "stock", ["item_id"])

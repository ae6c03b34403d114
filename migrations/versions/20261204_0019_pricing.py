"""pricing: discounts and their redemptions, shipping zones and methods, taxed orders

Orders and their lines gain discount, net, tax (and lines gross, rate, class); the orders'
CHECK constraints become subtotal - discount + shipping = total and net + tax = total.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-04 01:00:00.000000+00:00

Existing orders had neither discounts nor taxes: their net is their total, their lines' net
and gross are unit price times quantity (one UPDATE each; orders are few next to items).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _timestamps() -> list[sa.Column[object]]:
    return [
        sa.Column(name, sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False)
        for name in ("created_at", "updated_at")
    ]


def _uuid(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.UUID(), nullable=nullable)


def _discounts() -> None:
    op.create_table(
        "discounts",
        _uuid("id"),
        sa.Column("code", sa.String(length=64), nullable=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("value", sa.Integer(), server_default="0", nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.Column("targets", postgresql.ARRAY(sa.Text()), server_default="{}", nullable=False),
        sa.Column("min_subtotal", sa.Integer(), nullable=True),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("usage_limit", sa.Integer(), nullable=True),
        sa.Column("per_customer_limit", sa.Integer(), nullable=True),
        sa.Column("used", sa.Integer(), server_default="0", nullable=False),
        sa.Column("combinable", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("active", sa.Boolean(), server_default="true", nullable=False),
        *_timestamps(),
        sa.CheckConstraint(
            "kind IN ('percentage', 'fixed', 'free_shipping')", name=op.f("ck_discounts_kind_known")
        ),
        sa.CheckConstraint(
            "scope IN ('shop', 'categories', 'brands', 'items')",
            name=op.f("ck_discounts_scope_known"),
        ),
        sa.CheckConstraint(
            "value >= 0 AND (kind <> 'percentage' OR value BETWEEN 1 AND 100)",
            name=op.f("ck_discounts_value_in_range"),
        ),
        sa.CheckConstraint(
            "used >= 0 AND (usage_limit IS NULL OR used <= usage_limit)",
            name=op.f("ck_discounts_used_within_limit"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discounts")),
        sa.UniqueConstraint("code", name=op.f("uq_discounts_code")),
    )
    op.create_table(
        "discount_redemptions",
        _uuid("id"),
        _uuid("discount_id", nullable=True),
        _uuid("order_id"),
        _uuid("user_id"),
        sa.Column("code", sa.String(length=64), nullable=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint("amount >= 0", name=op.f("ck_discount_redemptions_amount_not_negative")),
        sa.ForeignKeyConstraint(
            ["discount_id"],
            ["discounts.id"],
            name=op.f("fk_discount_redemptions_discount_id_discounts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.id"],
            name=op.f("fk_discount_redemptions_order_id_orders"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_discount_redemptions_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discount_redemptions")),
    )
    for column in ("discount_id", "order_id"):
        op.create_index(op.f(f"ix_discount_redemptions_{column}"), "discount_redemptions", [column])


def _shipping() -> None:
    op.create_table(
        "shipping_zones",
        _uuid("id"),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("countries", postgresql.ARRAY(sa.String(length=2)), nullable=False),
        *_timestamps(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shipping_zones")),
        sa.UniqueConstraint("name", name=op.f("uq_shipping_zones_name")),
    )
    op.create_table(
        "shipping_methods",
        _uuid("id"),
        _uuid("zone_id"),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("basis", sa.String(length=16), nullable=False),
        sa.Column("bands", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("free_over", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), server_default="true", nullable=False),
        *_timestamps(),
        sa.CheckConstraint(
            "basis IN ('subtotal', 'weight')", name=op.f("ck_shipping_methods_basis_known")
        ),
        sa.CheckConstraint(
            "free_over IS NULL OR free_over >= 0",
            name=op.f("ck_shipping_methods_free_over_not_negative"),
        ),
        sa.ForeignKeyConstraint(
            ["zone_id"],
            ["shipping_zones.id"],
            name=op.f("fk_shipping_methods_zone_id_shipping_zones"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shipping_methods")),
    )
    op.create_index(op.f("ix_shipping_methods_zone_id"), "shipping_methods", ["zone_id"])


def _zero(name: str) -> sa.Column[object]:
    return sa.Column(name, sa.Integer(), server_default="0", nullable=False)


def _orders() -> None:
    op.add_column("orders", _zero("discount"))
    op.add_column("orders", sa.Column("net", sa.Integer(), nullable=True))
    op.add_column("orders", _zero("tax"))
    op.add_column("orders", sa.Column("shipping_method_id", sa.String(length=64), nullable=True))
    op.add_column("orders", sa.Column("shipping_method", sa.Text(), nullable=True))
    op.add_column(
        "orders",
        sa.Column("prices_include_tax", sa.Boolean(), server_default="true", nullable=False),
    )
    op.execute("UPDATE orders SET net = total")
    op.alter_column("orders", "net", nullable=False)
    op.drop_constraint(op.f("ck_orders_total_adds_up"), "orders", type_="check")
    op.create_check_constraint(
        op.f("ck_orders_total_adds_up"), "orders", "total = subtotal - discount + shipping"
    )
    op.create_check_constraint(op.f("ck_orders_tax_adds_up"), "orders", "net + tax = total")
    op.create_check_constraint(
        op.f("ck_orders_amounts_in_range"),
        "orders",
        "discount >= 0 AND discount <= subtotal + shipping AND tax >= 0",
    )


def _order_items() -> None:
    op.add_column("order_items", _zero("discount"))
    op.add_column("order_items", sa.Column("net", sa.Integer(), nullable=True))
    op.add_column("order_items", _zero("tax"))
    op.add_column("order_items", sa.Column("gross", sa.Integer(), nullable=True))
    op.add_column("order_items", _zero("tax_rate"))
    op.add_column(
        "order_items",
        sa.Column("tax_class", sa.String(length=16), server_default="standard", nullable=False),
    )
    op.execute("UPDATE order_items SET net = unit_price * quantity, gross = unit_price * quantity")
    op.alter_column("order_items", "net", nullable=False)
    op.alter_column("order_items", "gross", nullable=False)
    op.create_check_constraint(
        op.f("ck_order_items_line_tax_adds_up"), "order_items", "net + tax = gross"
    )
    op.create_check_constraint(
        op.f("ck_order_items_line_amounts_in_range"),
        "order_items",
        "discount >= 0 AND tax >= 0 AND gross >= 0",
    )


def upgrade() -> None:
    _discounts()
    _shipping()
    _orders()
    _order_items()


def downgrade() -> None:
    for name in ("line_amounts_in_range", "line_tax_adds_up"):
        op.drop_constraint(op.f(f"ck_order_items_{name}"), "order_items", type_="check")
    for column in ("tax_class", "tax_rate", "gross", "tax", "net", "discount"):
        op.drop_column("order_items", column)
    for name in ("amounts_in_range", "tax_adds_up", "total_adds_up"):
        op.drop_constraint(op.f(f"ck_orders_{name}"), "orders", type_="check")
    # Orders with a discount cannot keep the old rule: their discount joins their subtotal.
    op.execute("UPDATE orders SET subtotal = subtotal - discount")
    op.create_check_constraint(
        op.f("ck_orders_total_adds_up"), "orders", "total = subtotal + shipping"
    )
    for column in (
        "prices_include_tax",
        "shipping_method",
        "shipping_method_id",
        "tax",
        "net",
        "discount",
    ):
        op.drop_column("orders", column)
    op.drop_table("shipping_methods")
    op.drop_table("shipping_zones")
    op.drop_table("discount_redemptions")
    op.drop_table("discounts")

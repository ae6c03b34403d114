"""Suppliers: who an item was bought from. A catalog table in PostgreSQL, beside the read
index, because the rules about them (the delete guard, the admin filter) are questions about
the items in that index."""

from __future__ import annotations

import uuid

from sqlalchemy import CheckConstraint, Index, String, Text
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from garderobe.infra.postgres import Base, TimestampMixin


class Supplier(TimestampMixin, Base):
    """One supplier. Items name it by `slug` (MongoDB documents and the `supplier=<slug>`
    token of their index rows), so the slug never changes once created."""

    __tablename__ = "suppliers"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    contact_email: Mapped[str | None] = mapped_column(String(320))
    country: Mapped[str | None] = mapped_column(String(2))
    notes: Mapped[str] = mapped_column(Text, default="", server_default="")

    __table_args__ = (
        CheckConstraint("country ~ '^[A-Z]{2}$'", name="country_iso_alpha2"),
        # The admin list pages by (name, slug). Search by name scans the table: a shop has
        # tens or hundreds of suppliers, not the items' hundreds of thousands.
        Index("ix_suppliers_name_slug", "name", "slug"),
    )

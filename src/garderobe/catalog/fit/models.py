"""Brand size charts: a brand's own chart for a garment kind, overriding the default."""

from __future__ import annotations

from typing import Any

from sqlalchemy import String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from garderobe.infra.postgres import Base, TimestampMixin


class BrandSizeChart(TimestampMixin, Base):
    """One brand's chart for one garment kind, kept as the data it was given in (checked by
    `sizing.charts.chart_from_data` before it is written, and again when read)."""

    __tablename__ = "brand_size_charts"

    brand: Mapped[str] = mapped_column(String(100), primary_key=True)
    kind: Mapped[str] = mapped_column(String(60), primary_key=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSONB)

"""Brand size charts (a brand's own chart for a garment kind, overriding the default) and
the counts of buyers' fit verdicts per item and per brand and garment."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Integer, String
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


class FitCounts:
    """Verdicts counted: kept exact by the reviews domain through
    `fit.feedback.apply_fit_change`, in the transaction of each review change."""

    runs_small: Mapped[int] = mapped_column(Integer, server_default="0")
    true_to_size: Mapped[int] = mapped_column(Integer, server_default="0")
    runs_large: Mapped[int] = mapped_column(Integer, server_default="0")
    # Bumped by every change: the item detail's ETag names it, so a 304 is never stale.
    version: Mapped[int] = mapped_column(Integer, server_default="0")


class ItemFitVerdicts(FitCounts, Base):
    __tablename__ = "item_fit_verdicts"

    item_id: Mapped[str] = mapped_column(String(24), primary_key=True)
    brand: Mapped[str | None] = mapped_column(String(100))
    garment: Mapped[str | None] = mapped_column(String(40))


class BrandFitVerdicts(FitCounts, Base):
    """A brand's verdicts over all its items of one garment (tops, bottoms, jeans, shoes)."""

    __tablename__ = "brand_fit_verdicts"

    brand: Mapped[str] = mapped_column(String(100), primary_key=True)
    garment: Mapped[str] = mapped_column(String(40), primary_key=True)

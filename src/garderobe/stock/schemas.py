"""Request and response bodies of the admin stock routes."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class StockIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    on_hand: int = Field(ge=0, le=1_000_000)


class VariantStockOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    variant_id: str
    sku: str
    on_hand: int
    reserved: int


class StockOut(BaseModel):
    """An item's units: summed over its variants, and each variant's."""

    model_config = ConfigDict(from_attributes=True)

    item_id: str
    on_hand: int
    reserved: int
    variants: list[VariantStockOut] = []

"""Request and response bodies of sizes, size charts, conversion and saved sizes."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from garderobe.api.fields import Request


class RangeOut(BaseModel):
    """Body dimension values [low, high): low included, high excluded."""

    low: float
    high: float
    unit: str


class KindSystemOut(BaseModel):
    code: str
    label: str
    values: list[str] = Field(
        description="The values the kind's default chart covers, in scale order"
    )


class GarmentKindOut(BaseModel):
    kind: str
    primary: str = Field(description="The body dimension sizes of this kind are decided on")
    unit: str
    systems: list[KindSystemOut]


class SizesOut(BaseModel):
    kinds: list[GarmentKindOut]


class ChartSizeOut(BaseModel):
    system: str
    value: str
    label: str
    ranges: dict[str, RangeOut]


class EquivalentOut(ChartSizeOut):
    match: Literal["exact", "approximate"]
    overlap: float = Field(description="Share of the given size's primary range this one covers")


class ConversionOut(BaseModel):
    kind: str
    brand: str | None
    chart: Literal["brand", "default"]
    primary: str
    size: ChartSizeOut
    equivalents: list[EquivalentOut]


class ReferenceOut(BaseModel):
    title: str
    url: str | None
    read: str
    took: str


class SourceOut(BaseModel):
    kind: str
    title: str
    references: list[ReferenceOut]
    derivation: str | None
    notes: str | None


class ChartOut(BaseModel):
    kind: str
    brand: str | None
    primary: str
    systems: list[str]
    rows: list[ChartSizeOut]
    source: SourceOut


class BrandChartOut(BaseModel):
    brand: str
    kind: str
    primary: str
    systems: list[str]
    rows: int


class SavedSizeIn(Request):
    system: str = Field(max_length=40)
    value: str = Field(max_length=40)


class BodyIn(Request):
    """Body dimensions: girths, height and inseam in cm, foot length in mm."""

    bust: float | None = Field(default=None, ge=40, le=250)
    chest: float | None = Field(default=None, ge=40, le=250)
    waist: float | None = Field(default=None, ge=30, le=250)
    hips: float | None = Field(default=None, ge=40, le=250)
    height: float | None = Field(default=None, ge=40, le=250)
    inseam: float | None = Field(default=None, ge=20, le=130)
    foot_length: float | None = Field(default=None, ge=80, le=400, description="mm")


class SavedSizesIn(Request):
    sizes: dict[str, SavedSizeIn] = Field(
        default_factory=dict, description="Per garment kind, your size in any of its systems"
    )
    body: BodyIn = Field(default_factory=BodyIn)


class SavedSizeOut(BaseModel):
    system: str
    value: str
    label: str


class SavedSizesOut(BaseModel):
    sizes: dict[str, SavedSizeOut]
    body: dict[str, float]


class FitAdviceOut(BaseModel):
    verdict: Literal["runs_small", "true_to_size", "runs_large"]
    text: str
    steps: int = Field(description="Sizes up (+1) or down (-1) from the size the chart gives")
    based_on: Literal["item", "brand"] = Field(
        description="The item's own verdicts, or (too few of those) its brand's for the garment"
    )
    verdicts: int = Field(description="How many verdicts the advice rests on")


class FitSummaryOut(BaseModel):
    """Buyers' fit verdicts in their reviews; advice only past the thresholds (docs)."""

    verdicts: dict[str, int] = Field(description="runs_small, true_to_size, runs_large")
    count: int
    advice: FitAdviceOut | None


class ItemFitOut(FitSummaryOut):
    suggested_size: SavedSizeOut | None = Field(
        description="Signed in with saved sizes and past the threshold: the item's size to "
        "choose (the one the chart fits, moved by the advice); else null"
    )
    suggested_sizes: list[SavedSizeOut] = Field(
        default_factory=list,
        description="The sizes to consider, the best (`suggested_size`) first, and for a "
        "shopper between two sizes the one step beyond the edge their measure is near (the "
        "advice's text then says so); at most two, never two steps apart; empty when "
        "`suggested_size` is null",
    )

"""Request and response bodies of the pricing API: discounts, shipping, and the cart's quote."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from garderobe.accounts.schemas import Country
from garderobe.pricing.discounts.rules import DiscountScope, Kind, Reason
from garderobe.pricing.shipping.rates import Basis

Currency = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
Code = Annotated[
    str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{3,64}$", to_upper=True, strip_whitespace=True)
]
Amount = Annotated[int, Field(ge=0, le=100_000_000)]


class Request(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class DiscountIn(Request):
    """A discount (POST creates, PUT replaces). Without `code` it is an automatic promotion."""

    code: Code | None = Field(default=None, description="Entered by shoppers; case-insensitive")
    name: str = Field(min_length=1, max_length=200)
    kind: Kind
    value: Amount = Field(
        default=0, description="percentage: 1-100; fixed: minor units; free_shipping: unused"
    )
    currency: Currency = "EUR"
    scope: DiscountScope = DiscountScope.SHOP
    targets: list[Annotated[str, StringConstraints(min_length=1, max_length=100)]] = Field(
        default_factory=list,
        max_length=500,
        description="Category slugs (with their subtrees), brand slugs or item ids",
    )
    min_subtotal: Amount | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    usage_limit: int | None = Field(default=None, ge=1, le=100_000_000)
    per_customer_limit: int | None = Field(default=None, ge=1, le=1_000_000)
    combinable: bool = False
    active: bool = True

    @model_validator(mode="after")
    def _consistent(self) -> DiscountIn:
        if self.kind is Kind.PERCENTAGE and not 1 <= self.value <= 100:
            raise ValueError("a percentage is 1 to 100")
        if self.kind is Kind.FIXED and self.value < 1:
            raise ValueError("a fixed amount is at least 1 minor unit")
        if (self.scope is DiscountScope.SHOP) != (not self.targets):
            raise ValueError("`targets` names what a scope other than `shop` covers, only then")
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValueError("`ends_at` comes after `starts_at`")
        for moment in (self.starts_at, self.ends_at):
            if moment is not None and moment.tzinfo is None:
                raise ValueError("give times with their UTC offset")
        return self


class DiscountOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    code: str | None
    name: str
    kind: Kind
    value: int
    currency: str
    scope: DiscountScope
    targets: list[str]
    min_subtotal: int | None
    starts_at: datetime | None
    ends_at: datetime | None
    usage_limit: int | None
    per_customer_limit: int | None
    combinable: bool
    active: bool
    used: int = Field(description="Redemptions so far (orders placed with it)")
    created_at: datetime


class BandIn(Request):
    up_to: int | None = Field(
        default=None, ge=0, description="Subtotal (minor units) or weight (grams), inclusive"
    )
    price: Amount


class ShippingMethodIn(Request):
    name: str = Field(min_length=1, max_length=200)
    currency: Currency = "EUR"
    basis: Basis = Basis.SUBTOTAL
    bands: list[BandIn] = Field(min_length=1, max_length=50)
    free_over: Amount | None = Field(
        default=None, description="Subtotal (after item discounts) from which it is free"
    )
    active: bool = True

    @model_validator(mode="after")
    def _bands_ascend(self) -> ShippingMethodIn:
        bounds = [band.up_to for band in self.bands]
        if None in bounds[:-1]:
            raise ValueError("only the last band may be open-ended (no `up_to`)")
        closed = [b for b in bounds if b is not None]
        if closed != sorted(set(closed)):
            raise ValueError("bands' `up_to` must strictly increase")
        return self


class ShippingMethodOut(BaseModel):
    id: uuid.UUID
    zone_id: uuid.UUID
    name: str
    currency: str
    basis: Basis
    bands: list[BandIn]
    free_over: int | None
    active: bool


class ShippingZoneIn(Request):
    name: str = Field(min_length=1, max_length=200)
    countries: list[Country] = Field(min_length=1, max_length=250)


class ShippingZoneOut(BaseModel):
    id: uuid.UUID
    name: str
    countries: list[str]
    methods: list[ShippingMethodOut]


class AppliedDiscountOut(BaseModel):
    id: uuid.UUID | None = Field(description="None once the discount was deleted (orders)")
    code: str | None = Field(description="None for an automatic promotion")
    name: str
    kind: Kind
    amount: int = Field(description="What it takes off, in the shop's price terms")


class RefusedCodeOut(BaseModel):
    code: str
    reason: Reason = Field(description="Stable reason code")
    message: str = Field(description='For people: "expired", "minimum 50.00 EUR" …')


class ShippingOptionOut(BaseModel):
    id: str
    name: str
    price: int


class QuotedLineOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)  # an order line has these fields too

    variant_id: str | None = Field(description="None only for lines ordered before variants")
    tax_class: str
    tax_rate: int = Field(description="Basis points: 1900 = 19%")
    discount: int
    net: int
    tax: int
    gross: int


class PricingOut(BaseModel):
    """The cart priced for a destination: subtotal - discount + shipping = total, and
    net + tax = total (all gross; per-line tax rounded half up)."""

    country: str | None
    currency: str
    prices_include_tax: bool
    discounts: list[AppliedDiscountOut]
    refused_codes: list[RefusedCodeOut]
    shipping_methods: list[ShippingOptionOut] = Field(description="Cheapest first")
    shipping_method: ShippingOptionOut | None = Field(
        description="The one asked for, else the cheapest; None when none serves"
    )
    lines: list[QuotedLineOut]
    subtotal: int
    discount: int
    shipping: int
    net: int
    tax: int
    total: int

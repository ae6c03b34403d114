"""Request and response bodies of the cart, order and payment API."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from garderobe.commerce.models import OrderStatus, TransactionKind, TransactionStatus
from garderobe.pricing.schemas import AppliedDiscountOut, PricingOut, QuotedLineOut


class Request(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class CartItemIn(Request):
    item_id: str = Field(min_length=24, max_length=24)
    variant_id: str | None = Field(
        default=None,
        min_length=24,
        max_length=24,
        description="The variant (size, colour) to buy; may be left out for an item of one "
        "variant, else 422 `variant-required` lists the item's variant ids",
    )
    quantity: int = Field(default=1, ge=1, le=100)


class CartItemUpdate(Request):
    quantity: int = Field(ge=1, le=100)


class CartLineOut(BaseModel):
    id: uuid.UUID
    item_id: str
    variant_id: str
    sku: str | None = Field(description="None when the variant was removed from the item")
    title: str
    size: str | None = Field(description='The size\'s label ("EU 38"), if the variant has one')
    colour: str | None
    unit_price: int
    currency: str
    quantity: int
    line_total: int
    available: int
    purchasable: bool = Field(description="Still active and in stock for this quantity")


class CartOut(BaseModel):
    lines: list[CartLineOut]
    subtotal: int
    currency: str | None
    cart_token: str | None = Field(
        description="Guests: send back as X-Cart-Token (and at login, to merge the cart)"
    )
    pricing: PricingOut | None = Field(
        default=None,
        description="With `code`, `country` or `address_id` asked: discounts, shipping "
        "methods and taxes for that destination, and the totals an order would have",
    )


class CheckoutIn(Request):
    address_id: uuid.UUID
    discount_codes: list[Annotated[str, StringConstraints(min_length=1, max_length=64)]] = Field(
        default_factory=list,
        max_length=10,
        description="Codes entered; one that does not apply is 409 `discount-refused` "
        "(`reason`). Automatic promotions apply without one",
    )
    shipping_method_id: str | None = Field(
        default=None,
        max_length=64,
        description="One of the cart's `pricing.shipping_methods`; left out: the cheapest "
        "serving the address (with no zones configured, `standard` at SHIPPING_FEE)",
    )


class OrderItemOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    item_id: str
    variant_id: str | None = Field(description="None only for lines ordered before variants")
    sku: str | None
    title: str
    brand: str | None
    size: str | None = Field(description="The size's label when ordered")
    colour: str | None
    image: str | None
    unit_price: int
    quantity: int


class OrderEventOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    from_status: OrderStatus | None
    to_status: OrderStatus
    actor: str
    note: str
    created_at: datetime


class OrderOut(BaseModel):
    id: uuid.UUID
    number: str
    user_id: uuid.UUID
    status: OrderStatus
    currency: str
    subtotal: int
    shipping: int
    total: int
    shipping_address: dict[str, Any]
    created_at: datetime
    items: list[OrderItemOut]
    history: list[OrderEventOut]
    discount: int = Field(
        default=0, description="subtotal - discount + shipping = total; net + tax = total"
    )
    net: int = 0
    tax: int = 0
    prices_include_tax: bool = True
    shipping_method_id: str | None = Field(default=None, description="None before pricing")
    shipping_method: str | None = Field(default=None, description="Its name when ordered")
    discounts: list[AppliedDiscountOut] = Field(default_factory=list)
    item_amounts: list[QuotedLineOut] = Field(
        default_factory=list,
        description="Per line of `items`, in the same order: its share of the discounts, "
        "net, tax and gross (net + tax = gross; tax rounded half up per line)",
    )


class OrderSummary(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    number: str
    user_id: uuid.UUID
    status: OrderStatus
    currency: str
    total: int
    created_at: datetime


class OrderPage(BaseModel):
    items: list[OrderSummary]
    next_cursor: str | None


class StatusIn(Request):
    status: OrderStatus
    note: str = Field(default="", max_length=500)


class PayIn(Request):
    card_number: str = Field(
        pattern=r"^\d{12,19}$",
        description="Test cards: 4242424242424242 is approved, 4000000000000002 declined",
    )


class TransactionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    kind: TransactionKind
    status: TransactionStatus
    amount: int
    currency: str
    provider: str
    provider_reference: str


class PaymentOut(BaseModel):
    approved: bool
    order: OrderOut


class WebhookEvent(BaseModel):
    event_id: str = Field(min_length=1, max_length=128)
    order_id: uuid.UUID
    status: str = Field(pattern=r"^(succeeded|failed)$")
    amount: int = Field(ge=0)

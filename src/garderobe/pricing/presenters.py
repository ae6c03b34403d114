"""The API's bodies of a quote and of an order's discount lines."""

from __future__ import annotations

from collections.abc import Sequence

from garderobe.pricing.discounts.rules import Kind
from garderobe.pricing.models import DiscountRedemption
from garderobe.pricing.quote import Quote
from garderobe.pricing.schemas import (
    AppliedDiscountOut,
    PricingOut,
    QuotedLineOut,
    RefusedCodeOut,
    ShippingOptionOut,
)


def pricing_out(quote: Quote, country: str | None) -> PricingOut:
    chosen = quote.method
    options = [ShippingOptionOut(id=m.id, name=m.name, price=price) for m, price in quote.methods]
    return PricingOut(
        country=country,
        currency=quote.currency,
        prices_include_tax=quote.prices_include_tax,
        discounts=[
            AppliedDiscountOut(id=rule.id, code=rule.code, name=rule.name, kind=rule.kind, amount=n)
            for rule, n in quote.discounts
        ],
        refused_codes=[
            RefusedCodeOut(code=r.code, reason=r.reason, message=r.message) for r in quote.refusals
        ],
        shipping_methods=options,
        shipping_method=next((o for o in options if chosen and o.id == chosen.id), None),
        lines=[
            QuotedLineOut(
                variant_id=line.key,
                tax_class=line.tax_class,
                tax_rate=line.tax_rate,
                discount=line.discount,
                net=line.net,
                tax=line.tax,
                gross=line.gross,
            )
            for line in quote.lines
        ],
        subtotal=quote.subtotal,
        discount=quote.discount,
        shipping=quote.shipping,
        net=quote.net,
        tax=quote.tax,
        total=quote.total,
    )


def order_discounts_out(rows: Sequence[DiscountRedemption]) -> list[AppliedDiscountOut]:
    return [
        AppliedDiscountOut(
            id=row.discount_id, code=row.code, name=row.name, kind=Kind(row.kind), amount=row.amount
        )
        for row in rows
    ]

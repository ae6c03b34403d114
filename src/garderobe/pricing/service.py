"""Pricing for checkout and the cart: a basket from the catalog's offers, and its quote
from the shop's discounts, shipping methods and tax settings."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from garderobe.catalog import service as catalog
from garderobe.errors import Conflict
from garderobe.pricing.basket import Basket, BasketLine
from garderobe.pricing.discounts import service as discounts
from garderobe.pricing.quote import Quote, QuotedLine, Request, TaxTerms, quote
from garderobe.pricing.shipping import service as shipping
from garderobe.pricing.taxes.rates import CHILDREN, STANDARD, vat_table
from garderobe.settings import Settings

__all__ = ["Quote", "QuotedLine", "basket_of", "quote_for", "redeem", "require_method"]

log = logging.getLogger(__name__)


class ShippingUnavailable(Conflict):
    slug = "shipping-unavailable"
    title = "No shipping method serves this address"


class ShippingMethodUnavailable(Conflict):
    slug = "shipping-method-unavailable"
    title = "This shipping method does not serve this address or cart"


def basket_of(
    settings: Settings, lines: Sequence[tuple[catalog.VariantOffer, int]], currency: str
) -> Basket:
    """The cart's lines as pricing sees them; a line in a children's category (with its
    subtree, TAX_CHILDREN_CATEGORIES) is of tax class "children"."""
    children = frozenset(settings.tax_children_categories)
    return Basket(
        tuple(
            BasketLine(
                key=offer.variant_id,
                item_id=offer.item_id,
                brand=offer.brand,
                category_path=offer.category_path,
                unit_price=offer.price,
                quantity=quantity,
                weight_grams=offer.weight_grams,
                tax_class=CHILDREN if children.intersection(offer.category_path) else STANDARD,
            )
            for offer, quantity in lines
        ),
        currency,
    )


def tax_terms(settings: Settings) -> TaxTerms:
    """The shop's tax settings; a TAX_AREA country the rate table lacks is left out (and
    logged): charging it a made-up rate would be worse."""
    known = vat_table()
    unknown = [code for code in settings.tax_area if code not in known]
    if unknown:
        log.warning("TAX_AREA names countries without VAT rates: %s", ", ".join(unknown))
    area = frozenset(code for code in settings.tax_area if code in known)
    return TaxTerms(settings.prices_include_tax, area)


async def quote_for(
    session: AsyncSession,
    settings: Settings,
    basket: Basket,
    *,
    country: str | None,
    codes: Sequence[str] = (),
    method_id: str | None = None,
    user_id: uuid.UUID | None = None,
) -> Quote:
    """The basket priced for the destination with the entered codes and chosen method."""
    entered = tuple(code.strip().upper() for code in codes if code.strip())
    rules = await discounts.rules_for(session, entered, user_id)
    methods = await shipping.methods(session, settings.shipping_fee, basket.currency)
    request = Request(country, entered, method_id, datetime.now(UTC))
    return quote(basket, request, rules, methods, tax_terms(settings))


def require_method(priced: Quote, method_id: str | None) -> None:
    """Checkout ships only with a method serving the address: 409 otherwise."""
    if priced.method is not None:
        return
    if method_id is not None:
        raise ShippingMethodUnavailable(
            f"Shipping method {method_id} does not serve this address or cart.",
            extensions={"available": [method.id for method, _ in priced.methods]},
        )
    raise ShippingUnavailable("No shipping method serves this address; nothing was ordered.")


async def redeem(
    session: AsyncSession, priced: Quote, *, user_id: uuid.UUID, order_id: uuid.UUID
) -> None:
    """Count the quote's discounts as used by this order (409 if one ran out meanwhile)."""
    await discounts.redeem(
        session, priced.discounts, user_id=user_id, order_id=order_id, now=datetime.now(UTC)
    )

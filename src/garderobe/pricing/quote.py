"""A basket priced for a destination: discounts chosen, shipping chosen, taxes split, and
the totals that the order stores (and its CHECK constraints hold it to):

    subtotal - discount + shipping = total        net + tax = total

All amounts of the quote's totals are gross (what the shopper pays). With tax-exclusive
prices the tax is added per line, so a line's gross is its net plus its rounded tax.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from garderobe.pricing.basket import Basket, BasketLine
from garderobe.pricing.discounts import rules as promo
from garderobe.pricing.shipping import rates as shipping
from garderobe.pricing.taxes import rates as taxes


@dataclass(frozen=True)
class TaxTerms:
    prices_include_tax: bool
    tax_area: frozenset[str]


@dataclass(frozen=True)
class Request:
    """What the shopper chose: a destination (None: not yet), codes, a method (None: the
    cheapest serving the destination)."""

    country: str | None
    codes: tuple[str, ...]
    method_id: str | None
    now: datetime


@dataclass(frozen=True)
class QuotedLine:
    key: str
    tax_class: str
    tax_rate: int  # basis points
    discount: int  # gross
    net: int
    tax: int
    gross: int  # after its discount


@dataclass(frozen=True)
class Quote:
    currency: str
    prices_include_tax: bool
    lines: tuple[QuotedLine, ...]
    discounts: tuple[tuple[promo.Rule, int], ...]  # applied, with amount in price terms
    refusals: tuple[promo.Refusal, ...]
    methods: tuple[tuple[shipping.Method, int], ...]  # offered, with their prices
    method: shipping.Method | None  # chosen; None when none serves (or the one asked not)
    subtotal: int
    discount: int
    shipping: int
    net: int
    tax: int

    @property
    def total(self) -> int:
        return self.net + self.tax


def _entered(
    codes: Sequence[str], found: dict[str, promo.Rule], basket: Basket, now: datetime
) -> tuple[list[promo.Rule], list[promo.Refusal]]:
    usable, refused = [], []
    for code in dict.fromkeys(codes):
        rule = found.get(code)
        if rule is None:
            reason = promo.Reason.UNKNOWN_CODE
            refused.append(promo.Refusal(code, reason, "no such code"))
        elif (why := promo.refusal(rule, basket, now)) is not None:
            refused.append(why)
        else:
            usable.append(rule)
    return usable, refused


def quote(
    basket: Basket,
    request: Request,
    rules: Sequence[promo.Rule],
    methods: Sequence[shipping.Method],
    terms: TaxTerms,
) -> Quote:
    """Price the basket: `rules` are the automatic promotions and the rules of the entered
    codes, `methods` every configured method."""
    by_code = {r.code: r for r in rules if r.code is not None}
    automatic = [
        r for r in rules if r.code is None and promo.refusal(r, basket, request.now) is None
    ]
    usable, refused = _entered(request.codes, by_code, basket, request.now)

    def offered(subtotal: int) -> list[tuple[shipping.Method, int]]:
        # No destination yet: only the default method, which serves everywhere.
        country, weight = request.country or "", basket.weight_grams
        return shipping.offered(methods, country, basket.currency, subtotal, weight)

    def pick(subtotal: int) -> tuple[shipping.Method, int] | None:
        options = offered(subtotal)
        if request.method_id is not None:
            options = [(m, p) for m, p in options if m.id == request.method_id]
        return options[0] if options else None

    def shipping_of(subtotal: int) -> int:
        picked = pick(subtotal)
        return picked[1] if picked else 0

    chosen = promo.choose([*automatic, *usable], basket, shipping_of)
    refused += [
        promo.Refusal(r.code or r.name, promo.Reason.NOT_COMBINABLE, "not combinable")
        for r in usable
        if r not in chosen.rules
    ]
    after = basket.subtotal - chosen.items_discount
    offer = (tuple(offered(after)), pick(after))
    return _totals(basket, request.country, terms, chosen, offer, tuple(refused))


def _line(
    line: BasketLine, discount: int, country: str | None, terms: TaxTerms
) -> tuple[QuotedLine, int]:
    """The line after its discount, split into net and tax; and its gross before it."""
    rate = taxes.rate(country or "", line.tax_class, terms.tax_area)
    before = taxes.split(line.amount, rate, prices_include_tax=terms.prices_include_tax)
    after = taxes.split(line.amount - discount, rate, prices_include_tax=terms.prices_include_tax)
    quoted = QuotedLine(
        line.key,
        line.tax_class,
        rate,
        before.gross - after.gross,
        after.net,
        after.tax,
        after.gross,
    )
    return quoted, before.gross


def _totals(
    basket: Basket,
    country: str | None,
    terms: TaxTerms,
    chosen: promo.Applied,
    offer: tuple[tuple[tuple[shipping.Method, int], ...], tuple[shipping.Method, int] | None],
    refused: tuple[promo.Refusal, ...],
) -> Quote:
    offered, picked = offer
    pairs = [_line(ln, chosen.by_line.get(ln.key, 0), country, terms) for ln in basket.lines]
    lines = tuple(quoted for quoted, _ in pairs)
    # Shipping is taxed at the destination's standard rate (module docs: docs/pricing.md).
    fee = picked[1] if picked else 0
    ship_discount = min(chosen.shipping_discount, fee)
    rate = taxes.rate(country or "", taxes.STANDARD, terms.tax_area)
    inclusive = terms.prices_include_tax
    ship_before = taxes.split(fee, rate, prices_include_tax=inclusive)
    ship_after = taxes.split(fee - ship_discount, rate, prices_include_tax=inclusive)
    return Quote(
        currency=basket.currency,
        prices_include_tax=terms.prices_include_tax,
        lines=lines,
        discounts=tuple((rule, chosen.by_rule.get(rule.id, 0)) for rule in chosen.rules),
        refusals=refused,
        methods=offered,
        method=picked[0] if picked else None,
        subtotal=sum(before for _, before in pairs),
        discount=sum(ln.discount for ln in lines) + ship_before.gross - ship_after.gross,
        shipping=ship_before.gross,
        net=sum(ln.net for ln in lines) + ship_after.net,
        tax=sum(ln.tax for ln in lines) + ship_after.tax,
    )

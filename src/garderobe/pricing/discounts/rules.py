"""Which discounts apply to a basket, why one does not, and how much each takes off.

Combination rule: every applicable discount marked combinable applies together; one that is
not combinable applies alone. The shopper gets whichever of these choices saves the most
(the combinable set, or the best single non-combinable discount); on a tie, the combinable
set. Within a choice, percentages go first (each on what is left of a line), then fixed
amounts (shared over their lines in proportion, never below zero), then free shipping.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from garderobe.pricing.basket import Basket, BasketLine
from garderobe.pricing.money import half_up, shown


class Kind(enum.StrEnum):
    PERCENTAGE = "percentage"
    FIXED = "fixed"
    FREE_SHIPPING = "free_shipping"


class DiscountScope(enum.StrEnum):
    SHOP = "shop"
    CATEGORIES = "categories"  # a category and its whole subtree
    BRANDS = "brands"
    ITEMS = "items"


class Reason(enum.StrEnum):
    """Why an entered code does not apply: stable codes clients may switch on."""

    UNKNOWN_CODE = "unknown_code"
    NOT_STARTED = "not_started"
    EXPIRED = "expired"
    USAGE_LIMIT_REACHED = "usage_limit_reached"
    CUSTOMER_LIMIT_REACHED = "customer_limit_reached"
    MINIMUM_NOT_REACHED = "minimum_not_reached"
    NOT_VALID_FOR_ITEMS = "not_valid_for_items"
    NOT_COMBINABLE = "not_combinable"


@dataclass(frozen=True)
class Rule:
    """A discount as the engine sees it, with its redemptions so far."""

    id: uuid.UUID
    code: str | None  # None: an automatic promotion
    name: str
    kind: Kind
    value: int  # percent (1-100) or minor units; unused for free shipping
    currency: str
    scope: DiscountScope
    targets: frozenset[str]
    min_subtotal: int | None
    starts_at: datetime | None
    ends_at: datetime | None
    usage_limit: int | None
    per_customer_limit: int | None
    used: int
    used_by_customer: int
    combinable: bool

    def covers(self, line: BasketLine) -> bool:
        if self.scope is DiscountScope.SHOP:
            return True
        if self.scope is DiscountScope.CATEGORIES:
            return not self.targets.isdisjoint(line.category_path)
        if self.scope is DiscountScope.BRANDS:
            return line.brand in self.targets
        return line.item_id in self.targets


@dataclass(frozen=True)
class Refusal:
    code: str
    reason: Reason
    message: str


def refusal(rule: Rule, basket: Basket, now: datetime) -> Refusal | None:
    """Why the rule does not apply to the basket now, or None when it does."""
    found = _refusal_reason(rule, basket, now)
    if found is None:
        return None
    reason, message = found
    return Refusal(rule.code or rule.name, reason, message)


def _refusal_reason(rule: Rule, basket: Basket, now: datetime) -> tuple[Reason, str] | None:
    if rule.starts_at is not None and now < rule.starts_at:
        return Reason.NOT_STARTED, "not valid yet"
    if rule.ends_at is not None and now >= rule.ends_at:
        return Reason.EXPIRED, "expired"
    if rule.usage_limit is not None and rule.used >= rule.usage_limit:
        return Reason.USAGE_LIMIT_REACHED, "usage limit reached"
    if rule.per_customer_limit is not None and rule.used_by_customer >= rule.per_customer_limit:
        return Reason.CUSTOMER_LIMIT_REACHED, "already used as often as allowed"
    money_rule = rule.kind is Kind.FIXED or rule.min_subtotal is not None
    if money_rule and rule.currency != basket.currency:
        return Reason.NOT_VALID_FOR_ITEMS, "not valid for these items"
    if rule.min_subtotal is not None and basket.subtotal < rule.min_subtotal:
        return Reason.MINIMUM_NOT_REACHED, f"minimum {shown(rule.min_subtotal, rule.currency)}"
    if not any(rule.covers(line) for line in basket.lines):
        return Reason.NOT_VALID_FOR_ITEMS, "not valid for these items"
    return None


@dataclass
class Applied:
    """What one choice of discounts takes off: per line (by key), and off shipping."""

    rules: list[Rule]
    by_line: dict[str, int] = field(default_factory=dict)
    by_rule: dict[uuid.UUID, int] = field(default_factory=dict)
    free_shipping: bool = False
    shipping_discount: int = 0

    @property
    def items_discount(self) -> int:
        return sum(self.by_line.values())

    @property
    def saving(self) -> int:
        return self.items_discount + self.shipping_discount


def apply(rules: Sequence[Rule], basket: Basket, shipping_of: Callable[[int], int]) -> Applied:
    """The discounts `rules` take off the basket together; `shipping_of` prices shipping
    for the subtotal left after the items' discounts."""
    applied = Applied(list(rules))
    left = {line.key: line.amount for line in basket.lines}
    order = {Kind.PERCENTAGE: 0, Kind.FIXED: 1, Kind.FREE_SHIPPING: 2}
    for rule in sorted(rules, key=lambda r: order[r.kind]):
        lines = [line for line in basket.lines if rule.covers(line)]
        if rule.kind is Kind.PERCENTAGE:
            taken = {ln.key: half_up(left[ln.key] * rule.value, 100) for ln in lines}
        elif rule.kind is Kind.FIXED:
            taken = _share(rule.value, {ln.key: left[ln.key] for ln in lines})
        else:
            applied.free_shipping, taken = True, {}
        for key, amount in taken.items():
            left[key] -= amount
            applied.by_line[key] = applied.by_line.get(key, 0) + amount
        applied.by_rule[rule.id] = sum(taken.values())
    if applied.free_shipping:
        applied.shipping_discount = shipping_of(sum(left.values()))
        free = next(r for r in rules if r.kind is Kind.FREE_SHIPPING)
        applied.by_rule[free.id] += applied.shipping_discount
    return applied


def _share(amount: int, left: dict[str, int]) -> dict[str, int]:
    """`amount` (capped by what is left) over the lines in proportion to what is left of
    each, to the cent: floors first, then the remaining cents to the largest remainders."""
    total = sum(left.values())
    amount = min(amount, total)
    if total == 0:
        return {}
    shares = {key: amount * value // total for key, value in left.items()}
    rest = amount - sum(shares.values())
    by_remainder = sorted(left, key=lambda key: (-(amount * left[key] % total), key))
    for key in by_remainder[:rest]:
        shares[key] += 1
    return shares


def choose(rules: Sequence[Rule], basket: Basket, shipping_of: Callable[[int], int]) -> Applied:
    """The combination rule (module docstring) over rules that each apply on their own."""
    together = apply([r for r in rules if r.combinable], basket, shipping_of)
    best = together
    for rule in sorted((r for r in rules if not r.combinable), key=lambda r: str(r.id)):
        alone = apply([rule], basket, shipping_of)
        if alone.saving > best.saving:
            best = alone
    return best

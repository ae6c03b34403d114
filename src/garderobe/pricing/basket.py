"""What pricing sees of a cart: its lines with what discounts, shipping and taxes need."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BasketLine:
    key: str  # the variant id: one line per variant
    item_id: str
    brand: str | None
    category_path: tuple[str, ...]  # department down to the item's category
    unit_price: int  # minor units, in the shop's price terms (tax-inclusive or not)
    quantity: int
    weight_grams: int  # per unit; 0 when the item has none
    tax_class: str

    @property
    def amount(self) -> int:
        return self.unit_price * self.quantity


@dataclass(frozen=True)
class Basket:
    lines: tuple[BasketLine, ...]
    currency: str

    @property
    def subtotal(self) -> int:
        return sum(line.amount for line in self.lines)

    @property
    def weight_grams(self) -> int:
        return sum(line.weight_grams * line.quantity for line in self.lines)

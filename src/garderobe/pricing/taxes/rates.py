"""VAT rates per destination country and tax class, read from vat_rates.json (its sources
and the date it was compiled are in the file), and the split of an amount into net and tax.

Rounding rule: per line (each order line and the shipping line on its own), the tax is
rounded half up to the minor unit; the order's net and tax are the sums of its lines'.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from garderobe.pricing.money import half_up

DATA = Path(__file__).with_name("vat_rates.json")
STANDARD = "standard"
CHILDREN = "children"
TAX_CLASSES = (STANDARD, CHILDREN)


@dataclass(frozen=True)
class Split:
    net: int
    tax: int

    @property
    def gross(self) -> int:
        return self.net + self.tax


@cache
def vat_table() -> dict[str, dict[str, int]]:
    """Country -> tax class -> rate in basis points."""
    rates: dict[str, dict[str, int]] = json.loads(DATA.read_text())["rates"]
    return rates


def rate(country: str, tax_class: str, tax_area: frozenset[str]) -> int:
    """The rate (basis points) charged on goods of `tax_class` sent to `country`: 0 outside
    the shop's tax area (exports are zero-rated); a class the country has no own rate for
    pays its standard rate."""
    if country not in tax_area:
        return 0
    country_rates = vat_table()[country]
    return country_rates.get(tax_class, country_rates[STANDARD])


def split(amount: int, rate_bp: int, *, prices_include_tax: bool) -> Split:
    """An amount in the shop's price terms as net + tax: a tax-inclusive price holds its
    tax (net = amount - tax), a tax-exclusive one has it added (net = amount)."""
    if prices_include_tax:
        tax = half_up(amount * rate_bp, 10_000 + rate_bp)
        return Split(amount - tax, tax)
    return Split(amount, half_up(amount * rate_bp, 10_000))

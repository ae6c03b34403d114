"""What a shipping method charges for a basket, and which methods serve a destination.

A method's price comes from bands over the basket's subtotal (after item discounts) or its
weight: the first band whose `up_to` is at least the value (or has none) sets the price; a
basket above every band is not served by the method. At or above `free_over` (subtotal after
item discounts) shipping costs nothing.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

# The method old clients get when the shop has configured no shipping zones: the flat fee
# of SHIPPING_FEE, to every destination.
DEFAULT_METHOD_ID = "standard"


class Basis(enum.StrEnum):
    SUBTOTAL = "subtotal"
    WEIGHT = "weight"


@dataclass(frozen=True)
class Band:
    up_to: int | None  # minor units or grams, inclusive; None: no upper bound
    price: int


@dataclass(frozen=True)
class Method:
    id: str
    name: str
    zone: str
    countries: frozenset[str]
    currency: str
    basis: Basis
    bands: tuple[Band, ...]
    free_over: int | None

    def price(self, subtotal: int, weight_grams: int) -> int | None:
        """The price for a basket of this subtotal and weight; None when not served."""
        if self.free_over is not None and subtotal >= self.free_over:
            return 0
        value = subtotal if self.basis is Basis.SUBTOTAL else weight_grams
        for band in self.bands:
            if band.up_to is None or value <= band.up_to:
                return band.price
        return None


def flat_method(fee: int, currency: str) -> Method:
    """The default method: SHIPPING_FEE everywhere (shops that configured no zones)."""
    return Method(
        DEFAULT_METHOD_ID,
        "Standard",
        "everywhere",
        frozenset(),
        currency,
        Basis.SUBTOTAL,
        (Band(None, fee),),
        None,
    )


def serves(method: Method, country: str, currency: str) -> bool:
    everywhere = method.id == DEFAULT_METHOD_ID
    return method.currency == currency and (everywhere or country in method.countries)


def offered(
    methods: Sequence[Method], country: str, currency: str, subtotal: int, weight: int
) -> list[tuple[Method, int]]:
    """The methods serving the destination and basket with their prices, cheapest first."""
    found = []
    for method in methods:
        price = method.price(subtotal, weight) if serves(method, country, currency) else None
        if price is not None:
            found.append((method, price))
    return sorted(found, key=lambda pair: (pair[1], pair[0].name, pair[0].id))

"""What an item offers for sale, as the read index keeps it: one offer per available variant
and colour it comes in, with the variant's price.

Listings match an item when one of its available variants matches every variant filter
(size, colour, price): the same variant, never a size of one and the colour of another. The
index row carries, derived from the offers:

* tokens: "size=letter:M", "colour=black" and "variant=letter:M|black" (the pair, for the
  same-variant match of a size and a colour), "stock=in" when anything is available;
* `price_amount`, the lowest price it sells for (the lowest of all variants when none is
  available: a sold-out item is listed with it), and `price_top`, the highest;
* `offers`, "<size>|<colour>|<price>" for each offer: items whose offers differ in price
  ("priced variants") need them to know which price a filtered variant sells for.

A variant without a colour comes in the item's colours (none: an offer without a colour).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from garderobe.catalog.documents import OTHER_SIZE, Item, VariantSize
from garderobe.sizing.systems import all_systems

SEPARATOR = "|"
SIZE_FACET = "size"
COLOUR_FACET = "colour"
VARIANT_FACET = "variant"  # a size and a colour of one variant, "letter:M|black"
STOCK_FACET = "stock"  # "stock=in": something to sell


@dataclass(frozen=True, slots=True)
class Offer:
    size: str  # the size's token value ("letter:M"), "" without a size
    colour: str  # colour slug, "" without a colour
    price: int  # minor units

    def encoded(self) -> str:
        return f"{self.size}{SEPARATOR}{self.colour}{SEPARATOR}{self.price}"


def decoded(entry: str) -> Offer:
    size, colour, price = entry.rsplit(SEPARATOR, 2)
    return Offer(size, colour, int(price))


def offers_of(item: Item, units: Mapping[str, int]) -> list[Offer]:
    """The item's offers: its variants with units available, once per colour."""
    found: list[Offer] = []
    for variant in item.sellable_variants():
        if units.get(variant.id, 0) <= 0:
            continue
        size = variant.size.token if variant.size else ""
        price = item.price_of(variant).amount
        colours = [variant.colour] if variant.colour else item.colours or [""]
        found += [Offer(size, colour, price) for colour in colours]
    return found


def price_bounds(item: Item, offers: Sequence[Offer]) -> tuple[int, int]:
    """(lowest, highest) price it sells for; a sold-out item's are its variants' prices."""
    prices = [o.price for o in offers]
    if not prices:
        prices = [item.price_of(variant).amount for variant in item.sellable_variants()]
    return min(prices), max(prices)


def offer_pairs(offers: Iterable[Offer]) -> list[tuple[str, str]]:
    """The (facet, value) pairs the offers contribute to the row's tokens."""
    pairs: set[tuple[str, str]] = set()
    for offer in offers:
        pairs.add((STOCK_FACET, "in"))
        if offer.size:
            pairs.add((SIZE_FACET, offer.size))
        if offer.colour:
            pairs.add((COLOUR_FACET, offer.colour))
        if offer.size and offer.colour:
            pairs.add((VARIANT_FACET, f"{offer.size}{SEPARATOR}{offer.colour}"))
    return sorted(pairs)


def size_of_token(value: str) -> VariantSize | None:
    """The size a token value names ("letter:M"), or None for one no system has."""
    system, colon, rest = value.partition(":")
    if not colon or not rest:
        return None
    if system == OTHER_SIZE:
        return VariantSize(system=system, value=rest)
    scale = next((s for s in all_systems() if s.code == system), None)
    if scale is None or rest not in scale.values:
        return None
    return VariantSize(system=system, value=rest)

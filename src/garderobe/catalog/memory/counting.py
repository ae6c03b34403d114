"""Disjunctive facet counts from the in-memory bitmaps (`memory.bitmaps`).

A facet's counts apply every filter but its own, and count items. Filters on the item are a
bitmap each. The variant filter (sizes, colours, price, availability; `index.selection`) is
met by one offer of an item: its tokens answer it ("variant=letter:M|black" is the same
variant in M and black), and where a price is filtered, the price bins answer it for items
whose offers all sell at one price ("even" items, by far the most). Items whose offers
differ in price ("uneven") are asked their offers, one by one: a few per listing.

The size facet counts, per size, the items with an offer of that size that meets the
colour and price filters; the colour facet likewise; the price facet, per bucket, the items
with an offer in it that meets the size and colour filters.
"""

from __future__ import annotations

import bisect
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from pyroaring import BitMap

from garderobe.catalog.index.offers import COLOUR_FACET, SIZE_FACET, Offer
from garderobe.catalog.index.selection import (
    IN_STOCK,
    Selection,
    VariantFilter,
    category_token,
    filter_tokens,
    group_rows,
    status_tokens,
    variant_filter,
)
from garderobe.catalog.index.tokens import PRICE_BOUNDARIES, TOKEN_SEPARATOR
from garderobe.catalog.memory.bitmaps import ItemBitmaps


@dataclass
class Tally:
    """Raw facet results before they are shaped: token counts, bucket counts, price range."""

    tokens: dict[str, int]
    buckets: dict[int, int]  # lower bound -> count
    price_min: int | None = None
    price_max: int | None = None


class Counting:
    """One listing's counts over one state of the bitmaps."""

    def __init__(self, state: ItemBitmaps, selection: Selection) -> None:
        self.state = state
        self.vf = variant_filter(selection)
        rows = state.union(status_tokens(selection))
        if (category := category_token(selection)) is not None:
            rows &= state.tokens.get(category, BitMap())
        self.rows = rows
        self.passing = {f: state.union(t) for f, t in filter_tokens(selection).items()}
        for name, groups in selection.size_groups.items():  # fits=me, sizes across systems
            self.passing[name] = group_rows(state.union, self.vf, groups)
        self.in_price: BitMap | None = None
        if self.vf.priced:  # one range for every facet (a range reads its end bins' items)
            self.in_price = state.price_range(self.vf.price_min, self.vf.price_max)
        self.offered = self._offered() if self.vf else None

    def tally(self, names: Sequence[str]) -> Tally:
        tally = Tally({}, {})
        every = self._counted(None)
        # The size and colour facets count the same rows: their uneven ones are sorted
        # against the price range once.
        split = None
        if self.in_price is not None and {SIZE_FACET, COLOUR_FACET} & set(names):
            split = self._against_price(every & self.state.uneven)
        for facet in names:
            if facet in (SIZE_FACET, COLOUR_FACET):
                self._count_offers(tally, every, facet, split)
            else:
                self._count_tokens(tally, facet)
        self._count_prices(tally, every)
        return tally

    def _counted(self, skip: str | None) -> BitMap:
        """The rows passing every filter on the item but `skip`."""
        counted = self.rows.copy()
        for facet, bitmap in self.passing.items():
            if facet != skip:
                counted &= bitmap
        return counted

    def _count_tokens(self, tally: Tally, facet: str) -> None:
        counted = self._counted(facet)
        if self.offered is not None:
            counted &= self.offered
        state = self.state
        for token in state.by_facet.get(facet, ()):
            if n := counted.intersection_cardinality(state.tokens[token]):
                tally.tokens[token] = n

    def _offered(self) -> BitMap:
        """The rows with an offer that meets the whole variant filter."""
        vf, state = self.vf, self.state
        matching = state.union(vf.tokens()) & self.rows
        if not vf.priced:
            return matching
        assert self.in_price is not None
        even = (matching - state.uneven) & self.in_price
        inside, straddling = self._against_price(matching & state.uneven)
        odd = BitMap(p for p in straddling if _any_meets(state.offers[p], vf))
        return even | inside | odd

    def _against_price(self, uneven: BitMap) -> tuple[BitMap, list[int]]:
        """The uneven rows with every offer in the price range (their tokens answer for
        them, as for an even row) and those with only some (asked offer by offer); the rows
        with none are left out. An uneven row's offers are sorted by price."""
        vf, offers = self.vf, self.state.offers
        low = vf.price_min if vf.price_min is not None else -sys.maxsize
        high = vf.price_max if vf.price_max is not None else sys.maxsize
        inside: list[int] = []
        straddling: list[int] = []
        for position in uneven:
            found = offers[position]
            lowest, highest = found[0].price, found[-1].price
            if highest < low or lowest > high:
                continue
            (inside if low <= lowest and highest <= high else straddling).append(position)
        return BitMap(inside), straddling

    def _count_offers(
        self, tally: Tally, every: BitMap, facet: str, split: tuple[BitMap, list[int]] | None
    ) -> None:
        """Per size (or colour) token, the rows with an offer of it that meets the rest of
        the variant filter; `split`, under a price filter, `every`'s uneven rows sorted
        against it (`_against_price`)."""
        vf, state = self.vf, self.state
        odd_counts: Counter[str] = Counter()
        rows = every
        if self.in_price is not None and split is not None:
            inside, straddling = split
            odd_counts = _odd_values(state, straddling, vf, facet)
            rows = ((every - state.uneven) & self.in_price) | inside
        prefix = facet + TOKEN_SEPARATOR
        for token in state.by_facet.get(facet, ()):
            value = token[len(prefix) :]
            wanted = vf.tokens(sizes=[value]) if facet == SIZE_FACET else vf.colour_tokens(value)
            n = rows.intersection_cardinality(state.union(wanted)) + odd_counts[value]
            if n:
                tally.tokens[token] = n

    def _count_prices(self, tally: Tally, every: BitMap) -> None:
        """Buckets and range of the prices of the offers that meet the size and colour
        filters: an even row's one price, an uneven row's offers one by one."""
        vf, state = self.vf, self.state
        unpriced = VariantFilter(sizes=vf.sizes, colours=vf.colours)
        offering = every & state.union(unpriced.tokens() if unpriced else [IN_STOCK])
        even = offering - state.uneven
        for lower, bucket in zip(PRICE_BOUNDARIES, state.buckets, strict=True):
            if n := even.intersection_cardinality(bucket):
                tally.buckets[lower] = n
        low, high = state.price_span(even)
        for position in offering & state.uneven:
            prices = {o.price for o in state.offers[position] if unpriced.met_by(o)}
            for lower in {_bucket(p) for p in prices}:
                tally.buckets[lower] = tally.buckets.get(lower, 0) + 1
            if prices:
                low = min(prices) if low is None else min(low, *prices)
                high = max(prices) if high is None else max(high, *prices)
        tally.price_min, tally.price_max = low, high


def matching(state: ItemBitmaps, selection: Selection) -> BitMap:
    """The rows the listing lists: every filter on the item, and an offer that meets the
    whole variant filter."""
    counting = Counting(state, selection)
    rows = counting._counted(None)
    return rows & counting.offered if counting.offered is not None else rows


def count(state: ItemBitmaps, selection: Selection, names: Sequence[str]) -> Tally:
    """Disjunctive counts of the tokens of the facets `names`, price buckets and range."""
    return Counting(state, selection).tally(names)


def _any_meets(offers: Sequence[Offer], vf: VariantFilter) -> bool:
    return any(vf.met_by(o) for o in offers)


def _odd_values(
    state: ItemBitmaps, positions: Sequence[int], vf: VariantFilter, facet: str
) -> Counter[str]:
    """Per size (colour) value, the uneven rows with an offer of it meeting the rest.

    The hot loop of a priced listing (the uneven rows of the category whose offers the price
    range cuts through, each offer): the filter's checks are inlined, and the values counted
    once at the end."""
    low = vf.price_min if vf.price_min is not None else -sys.maxsize
    high = vf.price_max if vf.price_max is not None else sys.maxsize
    offers = state.offers
    seen: list[str] = []
    if facet == SIZE_FACET:
        colours = vf.colours
        for position in positions:
            seen.extend(
                {
                    o.size
                    for o in offers[position]
                    if o.size and low <= o.price <= high and (not colours or o.colour in colours)
                }
            )
    else:
        sizes = vf.sizes
        for position in positions:
            seen.extend(
                {
                    o.colour
                    for o in offers[position]
                    if o.colour and low <= o.price <= high and (not sizes or o.size in sizes)
                }
            )
    return Counter(seen)


def _bucket(price: int) -> int:
    return PRICE_BOUNDARIES[max(bisect.bisect_right(PRICE_BOUNDARIES, price) - 1, 0)]

"""One consistent state of the catalog's in-memory index (`memory.index`).

Every item has a bit position. Per facet token ("colour=black") one bitmap of the items that
carry it; per price bin and price bucket one bitmap (of the item's lowest price); per search
word (a lexeme of the item's weighted `tsvector` in `item_search`) four bitmaps, one per
weight A-D (title, brand and category, attributes, description): the items in which the
word occurs with that weight. Items whose offers differ in price (`index.offers`) are
`uneven`, and keep their offers, cheapest first.
"""

from __future__ import annotations

import bisect
import heapq
import sys
from array import array
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from pyroaring import BitMap

from garderobe.catalog.index.offers import Offer, decoded
from garderobe.catalog.index.tokens import PRICE_BOUNDARIES, split_token
from garderobe.catalog.memory.ids import ItemIds

# A range filter reads the items of its two end bins one by one: with 1,024 bins that is
# ~200 items at 100,000 (256 bins: ~800, 1.5 ms of a listing's time, profiled).
PRICE_BINS = 1024
WEIGHTS = "ABCD"  # tsvector weights, best first

# Python's share of the footprint (`footprint`): a BitMap object, a dict entry with its key
# (a token, a word), an uneven item's tuple of offers and each offer (slotted dataclass).
_BITMAP_OBJECT, _ENTRY, _OFFERS, _OFFER = 48, 120, 100, 64

WordRows = tuple[Sequence[str], Sequence[str], Sequence[str], Sequence[str]]


@dataclass
class ItemBitmaps:
    """Rebuilt whole on a full load (`add_rows`, then `bin_prices`), patched by syncs
    (`forget`, then `put`)."""

    ids: ItemIds = field(default_factory=ItemIds)  # the item id of each bit position
    # By position (removed: kept, unset); 8 bytes an item where a list of ints takes 36.
    prices: array[int] = field(default_factory=lambda: array("q"))
    tokens: dict[str, BitMap] = field(default_factory=dict)
    by_facet: dict[str, set[str]] = field(default_factory=dict)  # facet -> its tokens
    buckets: list[BitMap] = field(default_factory=list)  # one per PRICE_BOUNDARIES entry
    bin_edges: list[int] = field(default_factory=lambda: [0])  # lower bound of each bin
    bins: list[BitMap] = field(default_factory=lambda: [BitMap()])
    # The lowest and highest price each bin has held (never narrowed by `forget`: bounds that
    # may be too wide only cost a look at the bin's items).
    bin_bounds: list[list[int]] = field(default_factory=lambda: [[2**62, -1]])
    words: dict[str, tuple[BitMap, ...]] = field(default_factory=dict)  # four per word
    vocabulary: list[str] = field(default_factory=list)  # the words, sorted (prefix search)
    uneven: BitMap = field(default_factory=BitMap)  # items whose offers differ in price
    offers: dict[int, tuple[Offer, ...]] = field(default_factory=dict)  # of uneven items

    def add_rows(self, rows: Iterable[Any]) -> None:
        """Item rows of a full load (item_id, price_amount, facet_values and the words of
        each weight a, b, c, d), a chunk at a time: prices are binned once all are in."""
        # ~30 words and tokens per item, millions per load: this loop is the load's cost,
        # so it is written for speed (defaultdicts, one bound method per weight).
        members: defaultdict[str, list[int]] = defaultdict(list)
        word_members: list[defaultdict[str, list[int]]] = [defaultdict(list) for _ in WEIGHTS]
        a, b, c, d = word_members
        for row in rows:
            position = self._position(row.item_id, row.price_amount)
            if row.offers:
                self._keep_offers(position, row.offers)
            for token in row.facet_values:
                members[token].append(position)
            for word in row.words_a or ():
                a[word].append(position)
            for word in row.words_b or ():
                b[word].append(position)
            for word in row.words_c or ():
                c[word].append(position)
            for word in row.words_d or ():
                d[word].append(position)
        for token, positions in members.items():
            self._bitmap(token).update(positions)
        for weight, by_word in enumerate(word_members):
            for word, positions in by_word.items():
                self._word(word, keep_sorted=False)[weight].update(positions)

    def finish_load(self) -> None:
        self.vocabulary.sort()
        self.bin_prices()
        for bitmap in self.bitmaps():
            bitmap.run_optimize()  # runs where they are smaller (category, status, stock)
            bitmap.shrink_to_fit()

    def bitmaps(self) -> Iterator[BitMap]:
        yield from self.tokens.values()
        yield from self.buckets
        yield from self.bins
        yield from self._word_maps()
        yield self.uneven

    def footprint(self) -> int:
        """About how many bytes this state holds (the bitmaps' containers, the Python
        objects around them); what `CATALOG_INDEX_MEMORY_MB` is compared with."""
        bitmaps = sum(sys.getsizeof(b) for b in self.bitmaps()) + _BITMAP_OBJECT * (
            len(self.tokens) + 4 * len(self.words) + len(self.bins) + len(self.buckets)
        )
        entries = _ENTRY * (len(self.tokens) + 2 * len(self.words))
        offers = sum(_OFFERS + _OFFER * len(o) for o in self.offers.values())
        ids = self.ids.nbytes() + self.prices.itemsize * len(self.prices)
        return bitmaps + entries + offers + ids

    def smallest_ids(self, rows: BitMap, count: int) -> list[str]:
        """The `count` smallest item ids among `rows`."""
        # Positions below `ids.in_order` are in item id order (a full load reads the rows
        # so): the smallest ids of a large set are then its first positions, with no sort.
        ordered = self.ids.in_order
        candidates = rows[:count]  # the smallest ids of those in id order …
        if len(rows) > count and rows.max() >= ordered:
            tail = rows.copy()  # … and every position after those, in no order
            tail.remove_range(0, ordered)
            candidates |= tail
        return heapq.nsmallest(count, (self.ids[p] for p in candidates))

    def bin_prices(self) -> None:
        distinct = sorted(set(self.prices))
        step = max(len(distinct) // PRICE_BINS, 1)
        edges = self.bin_edges = [distinct[0], *distinct[step::step]] if distinct else [0]
        self.bin_bounds = [[2**62, -1] for _ in edges]
        # Each distinct price's bin and bucket once (a few thousand), then each item's by a
        # lookup: a million items in well under a second, the event loop held meanwhile.
        bin_of = {price: _bin(edges, price) for price in distinct}
        bucket_of = {price: _bucket(price) for price in distinct}
        for price in distinct:  # ascending: a bin's first price is its lowest
            bounds = self.bin_bounds[bin_of[price]]
            bounds[0], bounds[1] = min(bounds[0], price), price
        in_bins: list[list[int]] = [[] for _ in edges]
        in_buckets: list[list[int]] = [[] for _ in PRICE_BOUNDARIES]
        for position, price in enumerate(self.prices):
            in_bins[bin_of[price]].append(position)
            in_buckets[bucket_of[price]].append(position)
        self.bins = [BitMap(positions) for positions in in_bins]
        self.buckets = [BitMap(positions) for positions in in_buckets]

    def _bin_add(self, position: int, price: int) -> None:
        index = _bin(self.bin_edges, price)
        self.bins[index].add(position)
        bounds = self.bin_bounds[index]
        bounds[0], bounds[1] = min(bounds[0], price), max(bounds[1], price)

    def _bitmap(self, token: str) -> BitMap:
        found = self.tokens.get(token)
        if found is None:
            found = self.tokens[token] = BitMap()
            self.by_facet.setdefault(split_token(token)[0], set()).add(token)
        return found

    def _word(self, word: str, *, keep_sorted: bool = True) -> tuple[BitMap, ...]:
        found = self.words.get(word)
        if found is None:
            found = self.words[word] = (BitMap(), BitMap(), BitMap(), BitMap())
            if keep_sorted:
                bisect.insort(self.vocabulary, word)
            else:  # a full load sorts once at the end (`finish_load`)
                self.vocabulary.append(word)
        return found

    def _position(self, item_id: str, price: int) -> int:
        """The item's bit position (a new one for a new item), its price recorded."""
        position = self.ids.get(item_id)
        if position is None:
            position = self.ids.append(item_id)
            self.prices.append(price)
        self.prices[position] = price
        return position

    def _keep_offers(self, position: int, encoded: Sequence[str]) -> None:
        # Cheapest first: an item's lowest and highest prices are its first and last offer's
        # (`counting` sorts uneven items against a price range by them, at no memory cost).
        offers = sorted((_interned(decoded(entry)) for entry in encoded), key=_price)
        self.uneven.add(position)
        self.offers[position] = tuple(offers)

    def _place(self, item_id: str, price: int) -> int:
        position = self._position(item_id, price)
        self.buckets[_bucket(price)].add(position)
        self._bin_add(position, price)
        return position

    def forget(self, item_ids: Iterable[str]) -> None:
        found = (self.ids.get(i) for i in item_ids)
        gone = BitMap(p for p in found if p is not None)
        if gone:
            for position in gone & self.uneven:
                del self.offers[position]
            for bitmap in self.bitmaps():
                bitmap.difference_update(gone)

    def _word_maps(self) -> Iterator[BitMap]:
        for weighted in self.words.values():
            yield from weighted

    def put(self, row: Any) -> None:
        """One item's current row (as `add_rows` reads them); `forget` it first."""
        position = self._place(row.item_id, row.price_amount)
        if row.offers:
            self._keep_offers(position, row.offers)
        for token in row.facet_values:
            self._bitmap(token).add(position)
        for weight, found in enumerate(_word_rows(row)):
            for word in found:
                self._word(word)[weight].add(position)

    def union(self, tokens: Iterable[str]) -> BitMap:
        return BitMap.union(BitMap(), *(self.tokens[t] for t in tokens if t in self.tokens))

    def beginning(self, prefix: str) -> Iterator[str]:
        """The indexed words that begin with `prefix` (a tsquery prefix match, `word:*`)."""
        start = bisect.bisect_left(self.vocabulary, prefix)
        for word in self.vocabulary[start:]:
            if not word.startswith(prefix):
                return
            yield word

    def price_range(self, low: int | None, high: int | None) -> BitMap:
        low = low if low is not None else -1
        high = high if high is not None else 2**62
        first = _bin(self.bin_edges, low)
        last = _bin(self.bin_edges, high)
        whole = [self.bins[i] for i in range(first + 1, last)]
        for end in {first, last}:
            lowest, highest = self.bin_bounds[end]
            if low <= lowest and highest <= high:  # the end bin lies inside the range
                whole.append(self.bins[end])
        found = BitMap.union(BitMap(), *whole)
        for end in {first, last}:
            lowest, highest = self.bin_bounds[end]
            if not (low <= lowest and highest <= high) and highest >= low and lowest <= high:
                found.update(p for p in self.bins[end] if low <= self.prices[p] <= high)
        return found

    def price_span(self, rows: BitMap) -> tuple[int | None, int | None]:
        """The lowest and highest price among `rows`, from the bins at each end."""
        first = next((b for b in self.bins if b.intersect(rows)), None)
        if first is None:
            return None, None
        last = next(b for b in reversed(self.bins) if b.intersect(rows))
        low = min(self.prices[p] for p in first & rows)
        high = max(self.prices[p] for p in last & rows)
        return low, high


def _word_rows(row: Any) -> WordRows:
    # An item without an item_search row (never the case after a write, which fills both
    # tables in one statement) has no words: NULL arrays.
    return (row.words_a or (), row.words_b or (), row.words_c or (), row.words_d or ())


def _bucket(price: int) -> int:
    return max(bisect.bisect_right(PRICE_BOUNDARIES, price) - 1, 0)


def _bin(edges: list[int], price: int) -> int:
    return max(bisect.bisect_right(edges, price) - 1, 0)


def _price(offer: Offer) -> int:
    return offer.price


def _interned(offer: Offer) -> Offer:
    # Thousands of offers name a few dozen sizes and colours: one string object each.
    return Offer(sys.intern(offer.size), sys.intern(offer.colour), offer.price)

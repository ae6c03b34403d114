"""Search ranking over the in-memory word bitmaps (`memory.bitmaps`).

An item's score for a query is, per query word, the weight of the best field in which a
word beginning with it occurs (title 1.0, brand and category 0.4, attributes 0.2,
description 0.1: PostgreSQL's ts_rank defaults), summed; items matching more query words
come first, then the higher score, then the smaller item id. PostgreSQL ranking thousands of
matches costs ~25-80 ms per query at 100,000 items (every matching row's tsvector is read);
here the items fall into a few dozen (words matched, score) levels, each a bitmap, and only
the level that crosses the page's end is ever sorted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pyroaring import BitMap

from garderobe.catalog.memory.bitmaps import ItemBitmaps

# Per weight A-D, in tenths so that sums stay exact integers.
WEIGHT_TENTHS = (10, 4, 2, 1)


@dataclass(frozen=True)
class Ranked:
    item_id: str
    matched: int  # how many query words the item matches
    rank: float  # the summed weights

    @property
    def score(self) -> float:
        return self.matched * 10 + self.rank


def tiers(state: ItemBitmaps, term: str) -> list[BitMap]:
    """The items matching `term` as a prefix, split by the best weight they match it with
    (disjoint: an item in the title tier is in no other)."""
    found = [BitMap() for _ in WEIGHT_TENTHS]
    for word in state.beginning(term):
        for tier, bitmap in zip(found, state.words[word], strict=True):
            tier |= bitmap
    seen = BitMap()
    for tier in found:
        tier -= seen
        seen |= tier
    return found


def rank(
    state: ItemBitmaps, candidates: BitMap, terms: Sequence[str], limit: int, *, every: bool
) -> list[Ranked]:
    """The best `limit` of `candidates` matching any of `terms` (every one, when `every`)."""
    levels: dict[tuple[int, int], BitMap] = {(0, 0): candidates}
    for term in terms:
        split = tiers(state, term)
        matching = BitMap.union(BitMap(), *split)
        following: dict[tuple[int, int], BitMap] = {}
        for (matched, tenths), rows in levels.items():
            if not every:
                _add(following, (matched, tenths), rows - matching)
            for weight, tier in zip(WEIGHT_TENTHS, split, strict=True):
                _add(following, (matched + 1, tenths + weight), rows & tier)
        levels = following
    found: list[Ranked] = []
    for matched, tenths in sorted(levels, reverse=True):
        if matched == 0 or len(found) >= limit:
            break
        best = state.smallest_ids(levels[matched, tenths], limit - len(found))
        found += [Ranked(item_id, matched, tenths / 10) for item_id in best]
    return found


def _add(levels: dict[tuple[int, int], BitMap], key: tuple[int, int], rows: BitMap) -> None:
    if not rows:
        return
    if key in levels:
        levels[key] |= rows
    else:
        levels[key] = rows

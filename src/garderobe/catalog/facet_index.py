"""The facet tokens of every item in the API process's memory, as compressed bitmaps.

Disjunctive facet counts are intersections: "how many items of this category pass every
filter but the colour filter and are blue" is the size of an intersection of a few sets of
items. PostgreSQL answers it by reading every candidate row and unnesting its tokens (~90 ms
for a department of 75,000 items with three filters, measured); a roaring bitmap per token
answers it with one C call per facet value (~4 ms for the same listing).

`item_facets` stays the source: each process loads it once, then before every facet
computation reads the item ids of the transactions it has not seen (`item_facet_changes`,
appended by triggers on `item_facets`). A transaction invisible to one snapshot has an id at
or above that snapshot's `xmin`, so reading the changes at or above the previous sync's
`xmin` misses nothing; rows read twice are applied twice, harmlessly. A write acknowledged
before a request arrives is therefore always counted by that request.

Prices: a range filter is the union of the price bins (quantiles of the loaded prices) it
covers whole, plus the matching items of the two bins at its ends.
"""

from __future__ import annotations

import asyncio
import bisect
import logging
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from pyroaring import BitMap
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from garderobe.catalog import index
from garderobe.catalog.listing import (
    PRICE,
    Listing,
    category_token,
    filter_tokens,
    status_tokens,
)

log = logging.getLogger(__name__)

PRICE_BOUNDARIES = index.PRICE_BOUNDARIES
PRICE_BINS = 256
LOAD_CHUNK = 5000
TRUNCATED = "*"  # what the truncate trigger writes for "every row changed"
# item_facet_changes keeps an hour (catalog.reconcile prunes it); a process whose last sync
# is older than this reloads everything instead of trusting the log to still be complete.
MAX_SYNC_GAP = timedelta(minutes=45)

_HORIZON = """
SELECT (pg_snapshot_xmin(pg_current_snapshot()))::text::bigint AS xmin, now() AS at,
       'item_facets'::regclass::oid::bigint AS relation
"""
_CHANGES = text(f"""
WITH horizon AS ({_HORIZON}),
changed AS (SELECT DISTINCT item_id FROM item_facet_changes WHERE xid >= :since)
SELECT h.xmin, h.at, h.relation, c.item_id, f.item_id IS NOT NULL AS present,
       f.price_amount, f.facet_values
FROM horizon AS h
LEFT JOIN (changed AS c LEFT JOIN item_facets AS f USING (item_id)) ON TRUE
""")  # noqa: S608 - fixed SQL only
_EVERYTHING = text("SELECT item_id, price_amount, facet_values FROM item_facets")


@dataclass
class Tally:
    """Raw facet results before they are shaped: token counts, bucket counts, price range."""

    tokens: dict[str, int]
    buckets: dict[int, int]  # lower bound -> count
    price_min: int | None = None
    price_max: int | None = None


@dataclass
class _Horizon:
    xmin: int
    at: datetime
    relation: int


@dataclass
class _Bitmaps:
    """One consistent state of the index: rebuilt whole on a full load, patched by syncs."""

    positions: dict[str, int] = field(default_factory=dict)  # item id -> bit position
    prices: list[int] = field(default_factory=list)  # by position (removed: kept, unset)
    tokens: dict[str, BitMap] = field(default_factory=dict)
    by_facet: dict[str, set[str]] = field(default_factory=dict)  # facet -> its tokens
    buckets: list[BitMap] = field(default_factory=list)  # one per PRICE_BOUNDARIES entry
    bin_edges: list[int] = field(default_factory=lambda: [0])  # lower bound of each bin
    bins: list[BitMap] = field(default_factory=lambda: [BitMap()])

    def add_rows(self, rows: Iterable[Any]) -> None:
        """Item rows of a full load (item_id, price_amount, facet_values), a chunk at a time:
        the prices are binned once all are in (`bin_prices`)."""
        members: dict[str, list[int]] = {}
        for row in rows:
            position = self._position(row.item_id, row.price_amount)
            for token in row.facet_values:
                members.setdefault(token, []).append(position)
        for token, positions in members.items():
            self._bitmap(token).update(positions)

    def bin_prices(self) -> None:
        distinct = sorted(set(self.prices))
        step = max(len(distinct) // PRICE_BINS, 1)
        self.bin_edges = [distinct[0], *distinct[step::step]] if distinct else [0]
        self.bins = [BitMap() for _ in self.bin_edges]
        self.buckets = [BitMap() for _ in PRICE_BOUNDARIES]
        for position, price in enumerate(self.prices):
            self.buckets[_bucket(price)].add(position)
            self.bins[_bin(self.bin_edges, price)].add(position)

    def _bitmap(self, token: str) -> BitMap:
        found = self.tokens.get(token)
        if found is None:
            found = self.tokens[token] = BitMap()
            self.by_facet.setdefault(index.split_token(token)[0], set()).add(token)
        return found

    def _position(self, item_id: str, price: int) -> int:
        """The item's bit position (a new one for a new item), its price recorded."""
        position = self.positions.setdefault(item_id, len(self.prices))
        if position == len(self.prices):
            self.prices.append(price)
        self.prices[position] = price
        return position

    def _place(self, item_id: str, price: int) -> int:
        position = self._position(item_id, price)
        self.buckets[_bucket(price)].add(position)
        self.bins[_bin(self.bin_edges, price)].add(position)
        return position

    def forget(self, item_ids: Iterable[str]) -> None:
        gone = BitMap(self.positions[i] for i in item_ids if i in self.positions)
        if gone:
            for bitmap in (*self.tokens.values(), *self.buckets, *self.bins):
                bitmap.difference_update(gone)

    def put(self, item_id: str, price: int, tokens: Sequence[str]) -> None:
        position = self._place(item_id, price)
        for token in tokens:
            self._bitmap(token).add(position)

    def union(self, tokens: Iterable[str]) -> BitMap:
        return BitMap.union(BitMap(), *(self.tokens[t] for t in tokens if t in self.tokens))

    def price_range(self, low: int | None, high: int | None) -> BitMap:
        low = low if low is not None else -1
        high = high if high is not None else 2**62
        first = _bin(self.bin_edges, low)
        last = _bin(self.bin_edges, high)
        whole = [self.bins[i] for i in range(first + 1, last)]
        found = BitMap.union(BitMap(), *whole)
        for end in {first, last}:
            found.update(p for p in self.bins[end] if low <= self.prices[p] <= high)
        return found

    def price_span(self, rows: BitMap) -> tuple[int | None, int | None]:
        """The lowest and highest price among `rows`, from the bins at each end."""
        present = [i for i, b in enumerate(self.bins) if b.intersect(rows)]
        if not present:
            return None, None
        low = min(self.prices[p] for p in self.bins[present[0]] & rows)
        high = max(self.prices[p] for p in self.bins[present[-1]] & rows)
        return low, high


def _bucket(price: int) -> int:
    return max(bisect.bisect_right(PRICE_BOUNDARIES, price) - 1, 0)


def _bin(edges: list[int], price: int) -> int:
    return max(bisect.bisect_right(edges, price) - 1, 0)


class FacetIndex:
    """Facet counts from bitmaps kept in step with `item_facets` (one per API process)."""

    def __init__(self) -> None:
        self._state = _Bitmaps(buckets=[BitMap() for _ in PRICE_BOUNDARIES])
        self._horizon: _Horizon | None = None
        self._lock = asyncio.Lock()
        self._synced_since = float("-inf")  # monotonic start of the last complete sync

    async def sync(self, session: AsyncSession) -> None:
        """Apply every change committed before this call (one indexed read when none)."""
        arrived = time.monotonic()
        async with self._lock:
            if self._synced_since >= arrived:  # a sync that started after we came is done
                return
            started = time.monotonic()
            if self._horizon is None or not await self._patched(session, self._horizon):
                await self._load(session)
            self._synced_since = started

    async def warm(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        """Load at start-up, so that the first listing with facets does not wait for it
        (~1 s at 100,000 items). A failure only leaves that to the first listing."""
        try:
            async with sessionmaker() as session:
                await self.sync(session)
        except (SQLAlchemyError, OSError) as exc:
            log.warning("facet index not loaded at start-up: %s", exc)

    async def _load(self, session: AsyncSession) -> None:
        self._horizon = _read_horizon((await session.execute(text(_HORIZON))).one())
        state = _Bitmaps()
        # In chunks: 100,000 rows of token arrays at once would cost the process ~150 MB of
        # short-lived strings that its allocator keeps (measured).
        result = await session.stream(_EVERYTHING)
        async for chunk in result.partitions(LOAD_CHUNK):
            state.add_rows(chunk)
        state.bin_prices()
        self._state = state

    async def _patched(self, session: AsyncSession, horizon: _Horizon) -> bool:
        """Apply the changes since `horizon`; False when only a full load can be trusted."""
        rows = (await session.execute(_CHANGES, {"since": horizon.xmin})).all()
        now = _read_horizon(rows[0])
        if now.relation != horizon.relation or now.at - horizon.at > MAX_SYNC_GAP:
            return False
        changed = [row for row in rows if row.item_id is not None]
        if any(row.item_id == TRUNCATED for row in changed):
            return False
        self._state.forget(row.item_id for row in changed)
        for row in changed:
            if row.present:
                self._state.put(row.item_id, row.price_amount, row.facet_values)
        self._horizon = now
        return True

    def tally(self, listing: Listing, names: Sequence[str]) -> Tally:
        """Disjunctive counts of the tokens of the facets `names`, price buckets and range:
        each facet's counts apply every filter but its own. Not for search words (`q`)."""
        state = self._state
        rows = state.union(status_tokens(listing))
        if (category := category_token(listing)) is not None:
            rows &= state.tokens.get(category, BitMap())
        passing = {facet: state.union(tokens) for facet, tokens in filter_tokens(listing).items()}
        if listing.price_min is not None or listing.price_max is not None:
            passing[PRICE] = state.price_range(listing.price_min, listing.price_max)
        tally = Tally({}, {})
        for facet in [*names, PRICE]:
            counted = rows.copy()
            for other, bitmap in passing.items():
                if other != facet:
                    counted &= bitmap
            if facet == PRICE:
                _count_prices(state, counted, tally)
                continue
            for token in state.by_facet.get(facet, ()):
                if n := counted.intersection_cardinality(state.tokens[token]):
                    tally.tokens[token] = n
        return tally


def _count_prices(state: _Bitmaps, rows: BitMap, tally: Tally) -> None:
    for lower, bucket in zip(PRICE_BOUNDARIES, state.buckets, strict=True):
        if n := rows.intersection_cardinality(bucket):
            tally.buckets[lower] = n
    tally.price_min, tally.price_max = state.price_span(rows)


def _read_horizon(row: Any) -> _Horizon:
    return _Horizon(row.xmin, row.at, row.relation)


async def prune_changes(session: AsyncSession) -> None:
    """Forget index row changes older than an hour (a process whose last sync is older than
    MAX_SYNC_GAP loads everything again instead)."""
    await session.execute(
        text("DELETE FROM item_facet_changes WHERE changed_at < now() - interval '1 hour'")
    )

"""The facet tokens and search words of every item in the API process's memory, as
compressed bitmaps (`memory.bitmaps`): facet counts (`tally`, `memory.counting`) and search
ranking (`ranked`).

Disjunctive facet counts are intersections: "how many items of this category pass every
filter but the colour filter and are blue" is the size of an intersection of a few sets of
items. PostgreSQL answers it by reading every candidate row and unnesting its tokens (~90 ms
for a department of 75,000 items with three filters, measured); a roaring bitmap per token
answers it with one C call per facet value (~4 ms for the same listing).

`item_facets` and `item_search` (its words) stay the source; every write fills both in one
statement (`index.writer`). Each process loads them once, then before every facet count or
search reads the item ids of the transactions it has not seen (`item_facet_changes`,
appended by triggers on `item_facets`). A transaction invisible to one snapshot has an id at
or above that snapshot's `xmin`, so reading the changes at or above the previous sync's
`xmin` misses nothing; rows read twice are applied twice, harmlessly. A write acknowledged
before a request arrives is therefore always counted by that request.

Search: per word, four bitmaps (the items in which it occurs in the title, brand or
category, attributes, description); `catalog.word_ranking` ranks with them.

Prices: a range filter is the union of the price bins (quantiles of the loaded prices) it
covers whole, plus the matching items of the two bins at its ends.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pyroaring import BitMap
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from garderobe.catalog.documents import ItemStatus
from garderobe.catalog.index.changelog import TRUNCATED
from garderobe.catalog.index.selection import Selection
from garderobe.catalog.index.tokens import PRICE_BOUNDARIES, TOKEN_SEPARATOR
from garderobe.catalog.memory import counting, ranking
from garderobe.catalog.memory.bitmaps import ItemBitmaps
from garderobe.catalog.memory.counting import Tally
from garderobe.catalog.memory.ranking import Ranked

log = logging.getLogger(__name__)

ACTIVE = f"status{TOKEN_SEPARATOR}{ItemStatus.ACTIVE.value}"
LOAD_CHUNK = 5000
# item_facet_changes keeps an hour (index.changelog.prune); a process whose last sync
# is older than this reloads everything instead of trusting the log to still be complete.
MAX_SYNC_GAP = timedelta(minutes=45)

_HORIZON = """
SELECT (pg_snapshot_xmin(pg_current_snapshot()))::text::bigint AS xmin, now() AS at,
       'item_facets'::regclass::oid::bigint AS relation
"""
# The words of each weight (ts_filter keeps a lexeme when one of its positions has that
# weight): four arrays cost PostgreSQL ~0.4 s for 100,000 rows, unnesting the tsvector ~4 s.
_WORDS = ", ".join(
    f"tsvector_to_array(ts_filter(s.document, '{{{w}}}')) AS words_{w}" for w in "abcd"
)
# The offers of the items whose offers differ in price (the others' prices are all one).
_UNEVEN = "CASE WHEN f.price_top <> f.price_amount THEN f.offers END AS offers"
_CHANGES = text(f"""
WITH horizon AS ({_HORIZON}),
changed AS (SELECT DISTINCT item_id FROM item_facet_changes WHERE xid >= :since)
SELECT h.xmin, h.at, h.relation, c.item_id, f.item_id IS NOT NULL AS present,
       f.price_amount, {_UNEVEN}, f.facet_values, {_WORDS}
FROM horizon AS h
LEFT JOIN (changed AS c LEFT JOIN item_facets AS f USING (item_id)
           LEFT JOIN item_search AS s USING (item_id)) ON TRUE
""")  # noqa: S608 - fixed SQL only
_EVERYTHING = text(f"""
SELECT f.item_id, f.price_amount, {_UNEVEN}, f.facet_values, {_WORDS}
FROM item_facets AS f LEFT JOIN item_search AS s USING (item_id)
ORDER BY f.item_id COLLATE "C"
""")  # noqa: S608 - fixed SQL only


@dataclass
class _Horizon:
    xmin: int
    at: datetime
    relation: int


class MemoryIndex:
    """Facet counts and search ranking from bitmaps kept in step with `item_facets` and
    `item_search` (one per API process).

    Requests never wait for a full load (a few seconds at 100,000 items): until one has
    completed (`loaded`), and while a reload runs, they are answered by the statements.
    """

    def __init__(self, on_loaded: Callable[[], None] | None = None) -> None:
        self._on_loaded = on_loaded  # told after each background load
        self._state = ItemBitmaps(buckets=[BitMap() for _ in PRICE_BOUNDARIES])
        self._horizon: _Horizon | None = None
        self._lock = asyncio.Lock()
        self._synced_since = float("-inf")  # monotonic start of the last complete sync
        self._loading: asyncio.Task[None] | None = None

    @property
    def loaded(self) -> bool:
        return self._horizon is not None

    async def sync(self, session: AsyncSession) -> None:
        """Apply every change committed before this call (one indexed read when none),
        loading everything first when needed."""
        await self._catch_up(session, load=True)

    async def refresh(self, session: AsyncSession) -> bool:
        """For a request: apply every change committed before this call and say True, or
        say False when only a full load could (the caller uses the statements; the next
        `start_loading` reloads in the background)."""
        return self.loaded and await self._catch_up(session, load=False)

    async def _catch_up(self, session: AsyncSession, *, load: bool) -> bool:
        arrived = time.monotonic()
        async with self._lock:
            if self._synced_since >= arrived:  # a sync that started after we came is done
                return self.loaded
            started = time.monotonic()
            if self._horizon is None or not await self._patched(session, self._horizon):
                if not load:
                    self._horizon = None
                    return False
                await self._load(session)
            self._synced_since = started
            return True

    def start_loading(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        """Load in the background unless loaded or loading already."""
        if not self.loaded and (self._loading is None or self._loading.done()):
            self._loading = asyncio.create_task(self._warm(sessionmaker))

    async def close(self) -> None:
        if self._loading is not None:
            self._loading.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._loading

    async def _warm(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        started = time.monotonic()
        try:
            async with sessionmaker() as session:
                await self.sync(session)
        except (SQLAlchemyError, OSError) as exc:
            log.warning("memory index not loaded (the statements answer meanwhile): %s", exc)
            return
        log.info("memory index loaded in %.1f s", time.monotonic() - started)
        if self._on_loaded is not None:
            self._on_loaded()

    async def _load(self, session: AsyncSession) -> None:
        self._horizon = _read_horizon((await session.execute(text(_HORIZON))).one())
        state = ItemBitmaps()
        # In chunks: 100,000 rows of token arrays at once would cost the process ~150 MB of
        # short-lived strings that its allocator keeps (measured).
        result = await session.stream(_EVERYTHING)
        async for chunk in result.partitions(LOAD_CHUNK):
            state.add_rows(chunk)
        state.finish_load()
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
                self._state.put(row)
        self._horizon = now
        return True

    def tally(self, selection: Selection, names: Sequence[str]) -> Tally:
        """Disjunctive counts of the tokens of the facets `names`, price buckets and range
        (`memory.counting`). Not for search words (`q`)."""
        return counting.count(self._state, selection, names)

    def knows(self, words: Iterable[str]) -> bool:
        """Whether every word is a search term: a word of some item's title, brand, category
        or attributes (`search_terms` holds those; description words are not terms)."""
        state = self._state
        return all(any(state.words.get(word, ())[:3]) for word in words)

    def ranked(self, terms: Sequence[str], limit: int, *, every: bool) -> list[Ranked]:
        """The best `limit` active items matching any (or every) of the search words, each a
        prefix (`memory.ranking`), once `refresh` (or `sync`) brought the bitmaps up to
        date."""
        state = self._state
        active = state.tokens.get(ACTIVE, BitMap())
        return ranking.rank(state, active, terms, limit, every=every)


def _read_horizon(row: Any) -> _Horizon:
    return _Horizon(row.xmin, row.at, row.relation)

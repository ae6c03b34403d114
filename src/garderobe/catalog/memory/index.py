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
before a request arrives is therefore always counted by that request, unless the backlog is
longer than a request applies itself (REQUEST_CATCH_UP rows: a seed, an import, a reindex):
then the background applies it, and the statements answer that request and the next ones
until it is done. Nothing a request does waits for a load.

Memory: the index's own estimate of its bytes (`ItemBitmaps.footprint`, the
`garderobe_catalog_index_bytes` gauge) is held to CATALOG_INDEX_MEMORY_MB; past it the
bitmaps are dropped and the process answers from the statements until it is restarted.

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
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pyroaring import BitMap
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from garderobe.catalog.documents import ItemStatus
from garderobe.catalog.index.changelog import TRUNCATED
from garderobe.catalog.index.selection import Matches, Selection
from garderobe.catalog.index.tokens import PRICE_BOUNDARIES, TOKEN_SEPARATOR
from garderobe.catalog.memory import counting, ranking
from garderobe.catalog.memory.bitmaps import ItemBitmaps
from garderobe.catalog.memory.counting import Tally
from garderobe.catalog.memory.ranking import Ranked
from garderobe.observability import metrics

log = logging.getLogger(__name__)

ACTIVE = f"status{TOKEN_SEPARATOR}{ItemStatus.ACTIVE.value}"
LOAD_CHUNK = 5000
# item_facet_changes keeps an hour (index.changelog.prune); a process whose last sync
# is older than this reloads everything instead of trusting the log to still be complete.
MAX_SYNC_GAP = timedelta(minutes=45)
# A request applies at most this many change rows itself (a few milliseconds); a larger
# backlog (a seed, an import, a reindex) is applied in the background while the statements
# answer: 1,000,000 rows read at once held ~4 KB an item and kept a request 74 s (measured).
REQUEST_CATCH_UP = 2000
# A backlog longer than this (or than a tenth of the items) is not applied but loaded
# afresh: as fast, and a load packs the ids in order and run-optimises the bitmaps.
RELOAD_BACKLOG = 50_000
# Rows between two progress lines of a background load or catch-up, and between two
# comparisons of the index's footprint with its budget.
PROGRESS_EVERY = 100_000
STATES = ("loading", "ready", "catching_up", "over_budget")

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
# `pending`: the change rows read, at most :limit (NULL: every one).
_CHANGES = text(f"""
WITH horizon AS ({_HORIZON}),
recent AS (SELECT item_id FROM item_facet_changes WHERE xid >= :since
           LIMIT CAST(:limit AS bigint)),
changed AS (SELECT DISTINCT item_id FROM recent)
SELECT h.xmin, h.at, h.relation, (SELECT count(*) FROM recent) AS pending, c.item_id,
       f.item_id IS NOT NULL AS present, f.price_amount, {_UNEVEN}, f.facet_values, {_WORDS}
FROM horizon AS h
LEFT JOIN (changed AS c LEFT JOIN item_facets AS f USING (item_id)
           LEFT JOIN item_search AS s USING (item_id)) ON TRUE
""")  # noqa: S608 - fixed SQL only
_BACKLOG = text("SELECT count(*) FROM item_facet_changes WHERE xid >= :since")
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


class OverBudget(Exception):
    """The index needs more than CATALOG_INDEX_MEMORY_MB."""


class MemoryIndex:
    """Facet counts and search ranking from bitmaps kept in step with `item_facets` and
    `item_search` (one per API process).

    Requests never wait for the index: until a full load has completed (`loaded`), while a
    load or a large catch-up runs in the background (`busy`), and for good once the index
    would outgrow its budget (`over_budget`), they are answered by the statements.
    """

    def __init__(
        self, on_loaded: Callable[[], None] | None = None, *, budget_bytes: int | None = None
    ) -> None:
        self._on_loaded = on_loaded  # told after each background load
        self._budget = budget_bytes
        self._state = _empty()
        self._horizon: _Horizon | None = None
        self._lock = asyncio.Lock()
        self._synced_since = float("-inf")  # monotonic start of the last complete sync
        self._sessionmaker: async_sessionmaker[AsyncSession] | None = None
        self._task: asyncio.Task[None] | None = None
        self._checked_at = 0  # positions when the footprint was last compared with the budget
        self.over_budget = False
        _report("loading", 0)

    @property
    def loaded(self) -> bool:
        return self._horizon is not None

    @property
    def busy(self) -> bool:
        """Whether a load or catch-up runs in the background (requests do not wait)."""
        return self._task is not None and not self._task.done()

    def footprint(self) -> int:
        """About how many bytes the index holds now (`ItemBitmaps.footprint`)."""
        return self._state.footprint()

    async def sync(self, session: AsyncSession) -> None:
        """Apply every change committed before this call, loading everything first when
        needed (what the background does; tests call it to start from a warm index)."""
        async with self._lock:
            await self._bring_up_to_date(session)

    async def refresh(self, session: AsyncSession) -> bool:
        """For a request: apply every change committed before this call and say True, or
        say False when only the background could (a load, a backlog of more than
        REQUEST_CATCH_UP changes: started here) and the caller uses the statements."""
        if not self.loaded or self.busy:
            return False
        arrived = time.monotonic()
        # Never held by the background while a request waits: `busy` is set first.
        async with self._lock:
            if self._synced_since >= arrived:  # a sync that started after we came is done
                return self.loaded
            if self.busy or self._horizon is None:
                return False
            started = time.monotonic()
            if not await self._patched(session, self._horizon, limit=REQUEST_CATCH_UP):
                self._start_background()
                return False
            self._synced_since = started
        self._check_growth()
        return self.loaded

    def start_loading(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        """Load in the background unless loaded, loading or over its budget already."""
        self._sessionmaker = sessionmaker
        if not self.loaded:
            self._start_background()

    def _start_background(self) -> None:
        if self.over_budget or self.busy or self._sessionmaker is None:
            return
        _report("catching_up" if self.loaded else "loading", self._state.footprint())
        self._task = asyncio.create_task(self._work(self._sessionmaker))

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _work(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        started = time.monotonic()
        try:
            async with self._lock, sessionmaker() as session:
                await self._bring_up_to_date(session)
        except (SQLAlchemyError, OSError) as exc:
            log.warning("memory index not loaded (the statements answer meanwhile): %s", exc)
            return
        if self.loaded:
            log.info(
                "memory index up to date in %.1f s: %d items, %.0f MB",
                time.monotonic() - started,
                len(self._state.ids),
                self._state.footprint() / 2**20,
            )
        if self._on_loaded is not None:
            self._on_loaded()

    async def _bring_up_to_date(self, session: AsyncSession) -> None:
        """With the lock held: the changes since the last sync, or everything."""
        started = time.monotonic()
        try:
            horizon = await self._patchable(session)
            if horizon is None or not await self._patched(session, horizon):
                await self._load(session)
            self._check_budget()
        except OverBudget as exc:
            self._fall_back(str(exc))
            return
        self._synced_since = started
        _report("ready", self._state.footprint())

    async def _patchable(self, session: AsyncSession) -> _Horizon | None:
        """The last sync's horizon, if the changes since are few enough to apply (else a
        full load follows)."""
        horizon = self._horizon
        if horizon is None:
            return None
        backlog = await session.scalar(_BACKLOG, {"since": horizon.xmin}) or 0
        return horizon if backlog <= max(RELOAD_BACKLOG, len(self._state.ids) // 10) else None

    async def _load(self, session: AsyncSession) -> None:
        # Published whole at the end: until then `loaded` is False and requests use the
        # statements. The previous state goes first (not two copies in memory at once).
        self._horizon, self._state = None, _empty()
        horizon = _read_horizon((await session.execute(text(_HORIZON))).one())
        state = ItemBitmaps()
        # In chunks: 100,000 rows of token arrays at once would cost the process ~150 MB of
        # short-lived strings that its allocator keeps (measured).
        result = await session.stream(_EVERYTHING)
        async for chunk in result.partitions(LOAD_CHUNK):
            state.add_rows(chunk)
            self._progress("loaded", len(state.ids) - len(chunk), len(state.ids), state)
            await asyncio.sleep(0)  # the requests' turn (a chunk is ~0.3 s of this loop)
        state.finish_load()
        self._state, self._horizon = state, horizon

    async def _patched(
        self, session: AsyncSession, horizon: _Horizon, *, limit: int | None = None
    ) -> bool:
        """Apply the changes since `horizon` and say True; else False: when there are more
        than `limit` change rows (none applied), or when only a full load can be trusted
        (then the index is not `loaded` any more)."""
        now: _Horizon | None = None
        applied = 0
        async for rows in self._changes(session, horizon.xmin, limit):
            if now is None:
                now = _read_horizon(rows[0])
                if limit is not None and rows[0].pending >= limit:
                    return False
            changed = [row for row in rows if row.item_id is not None]
            if not _trusted(horizon, now) or any(row.item_id == TRUNCATED for row in changed):
                self._horizon = None
                return False
            self._state.forget(row.item_id for row in changed)
            for row in changed:
                if row.present:
                    self._state.put(row)
            if limit is None:
                self._progress("caught up with", applied, applied + len(changed), self._state)
            applied += len(changed)
        self._horizon = now
        return True

    async def _changes(
        self, session: AsyncSession, since: int, limit: int | None
    ) -> AsyncIterator[Sequence[Any]]:
        """The change rows, at once for a request (`limit`), else streamed in chunks."""
        parameters = {"since": since, "limit": limit}
        if limit is not None:
            yield (await session.execute(_CHANGES, parameters)).all()
            return
        result = await session.stream(_CHANGES, parameters)
        async for chunk in result.partitions(LOAD_CHUNK):
            yield chunk
            await asyncio.sleep(0)  # the requests' turn between chunks

    def _progress(self, done: str, before: int, rows: int, state: ItemBitmaps) -> None:
        """Every PROGRESS_EVERY rows: a log line, and the footprint against the budget."""
        if rows // PROGRESS_EVERY > before // PROGRESS_EVERY:
            footprint = state.footprint()
            log.info("memory index %s %d rows (%.0f MB)", done, rows, footprint / 2**20)
            if self._budget is not None and footprint > self._budget:
                raise OverBudget(f"{footprint / 2**20:.0f} MB after {rows} rows")

    def _check_growth(self) -> None:
        """After a request's catch-up: the budget, once every further 10,000 positions."""
        if len(self._state.ids) >= self._checked_at + 10_000:
            try:
                self._check_budget()
            except OverBudget as exc:
                self._fall_back(str(exc))

    def _check_budget(self) -> None:
        self._checked_at = len(self._state.ids)
        footprint = self._state.footprint()
        if self._budget is not None and footprint > self._budget:
            raise OverBudget(f"{footprint / 2**20:.0f} MB for {len(self._state.ids)} items")

    def _fall_back(self, reason: str) -> None:
        """Past the budget: drop the bitmaps, and serve from the statements from now on."""
        self._state, self._horizon, self.over_budget = _empty(), None, True
        budget = (self._budget or 0) / 2**20
        log.warning(
            "memory index over its budget of %.0f MB (CATALOG_INDEX_MEMORY_MB): %s; "
            "this process serves every listing and search from the statements",
            budget,
            reason,
        )
        _report("over_budget", 0)

    def tally(self, selection: Selection, names: Sequence[str]) -> Tally:
        """Disjunctive counts of the tokens of the facets `names`, price buckets and range
        (`memory.counting`). Not for search words (`q`)."""
        return counting.count(self._state, selection, names)

    def matches(self, selection: Selection, few: int) -> Matches:
        """The items that meet the listing's filters (`listing.Matches`): their ids when
        there are at most `few`, else a test of an id; once `refresh` brought the bitmaps up
        to date. Not for search words (`q`)."""
        rows = counting.matching(self._state, selection)
        ids = self._state.ids
        if len(rows) <= few:
            return Matches(ids=[ids[position] for position in rows])

        def has(item_id: str) -> bool:
            position = ids.get(item_id)
            return position is not None and position in rows

        return Matches(has=has)

    def values_of(self, facet: str) -> list[str]:
        """The values of a facet ("attr.chest_flat") some item had since the last load
        (`measures.KnownValues`), once `refresh` brought the bitmaps up to date."""
        prefix = len(facet) + len(TOKEN_SEPARATOR)
        return [token[prefix:] for token in self._state.by_facet.get(facet, ())]

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


def _trusted(before: _Horizon, now: _Horizon) -> bool:
    """Whether the change log still holds every change since `before`."""
    return now.relation == before.relation and now.at - before.at <= MAX_SYNC_GAP


def _empty() -> ItemBitmaps:
    return ItemBitmaps(buckets=[BitMap() for _ in PRICE_BOUNDARIES])


def _report(state: str, footprint: int) -> None:
    for name in STATES:
        metrics.CATALOG_INDEX_STATE.labels(name).set(1 if name == state else 0)
    metrics.CATALOG_INDEX_BYTES.set(footprint)

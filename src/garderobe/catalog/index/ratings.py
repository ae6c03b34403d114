"""Items' rating summaries: average, count and count per star over their visible reviews.

The catalog owns them because its listings filter, sort and facet on them (`item_ratings`,
and `rating_avg`/`rating_count`/"rating=N" tokens in the read index); the reviews domain,
above the catalog, reports each change of a visible rating through `apply_rating_change` in
the transaction of the review change, so a summary is never out of step with the reviews.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from garderobe.catalog import cache
from garderobe.catalog.index import writer
from garderobe.catalog.index.models import ItemRating
from garderobe.catalog.schemas import RatingSummary

STARS = (1, 2, 3, 4, 5)

# Changes are added to the row under its lock: concurrent changes of one item queue on it
# and none is lost. A new rating may be the item's first (insert, or add on conflict); any
# other change has a row already (its old rating is counted there), and its deltas may be
# negative, which the inserted row's CHECK would refuse before the conflict is seen.
_ADDED = """
    count = r.count + :count, total = r.total + :total, star_1 = r.star_1 + :s1,
    star_2 = r.star_2 + :s2, star_3 = r.star_3 + :s3, star_4 = r.star_4 + :s4,
    star_5 = r.star_5 + :s5, version = r.version + 1
"""
_FIRST = text(f"""
INSERT INTO item_ratings AS r (item_id, count, total, star_1, star_2, star_3, star_4, star_5,
                               version)
VALUES (:item_id, :count, :total, :s1, :s2, :s3, :s4, :s5, 1)
ON CONFLICT (item_id) DO UPDATE SET {_ADDED}
RETURNING count, total
""")  # noqa: S608 - fixed SQL only
_CHANGE = text(f"""
UPDATE item_ratings AS r SET {_ADDED} WHERE item_id = :item_id RETURNING count, total
""")  # noqa: S608 - fixed SQL only


UNRATED = RatingSummary(average=None, count=0, stars={str(s): 0 for s in STARS})


def _summary(row: ItemRating | None) -> RatingSummary:
    if row is None or not row.count:
        return UNRATED
    stars = {str(s): getattr(row, f"star_{s}") for s in STARS}
    return RatingSummary(average=round(row.total / row.count, 2), count=row.count, stars=stars)


async def apply_rating_change(
    session: AsyncSession, item_id: str, old: int | None, new: int | None
) -> None:
    """Account for one visible rating of an item going from `old` to `new` stars (None: no
    visible rating, as before a review is written or after it is hidden or deleted).

    Runs in the caller's transaction: the summary, the listing's rating columns and tokens
    and the facet counts change with the review or not at all; cached catalog pages are
    dropped once it commits.
    """
    if old == new:
        return
    delta = {f"s{s}": int(s == new) - int(s == old) for s in STARS}
    values = {
        "item_id": item_id,
        "count": int(new is not None) - int(old is not None),
        "total": (new or 0) - (old or 0),
        **delta,
    }
    statement = _FIRST if old is None else _CHANGE
    count, total = (await session.execute(statement, values)).one()
    await writer.set_rating(session, item_id, total / count if count else 0.0, count)
    cache.changed(session)


async def summaries(session: AsyncSession, item_ids: Sequence[str]) -> dict[str, RatingSummary]:
    """The rating summary of each item (an empty one for an item never rated)."""
    if not item_ids:
        return {}
    rows = await session.scalars(select(ItemRating).where(ItemRating.item_id.in_(item_ids)))
    found = {row.item_id: row for row in rows}
    return {item_id: _summary(found.get(item_id)) for item_id in item_ids}


async def summary(session: AsyncSession, item_id: str) -> RatingSummary:
    return (await summary_and_version(session, item_id))[0]


async def summary_and_version(session: AsyncSession, item_id: str) -> tuple[RatingSummary, int]:
    """The item's rating summary and how many times it changed (0: never rated), the
    latter part of its ETag; one read."""
    row = await session.scalar(select(ItemRating).where(ItemRating.item_id == item_id))
    return _summary(row), (row.version if row is not None else 0)

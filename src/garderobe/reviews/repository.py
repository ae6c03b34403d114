"""Keyset pages of reviews: an item's visible reviews in three orders, and moderation's
lists by status. Cursors are `garderobe.pagination`'s (the last row's sort keys and id)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Select, and_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from garderobe import pagination
from garderobe.accounts import service as accounts
from garderobe.pagination import InvalidCursor
from garderobe.reviews.models import Review, ReviewStatus
from garderobe.reviews.schemas import ReviewSort

_DETAIL = "The cursor is not valid for this list of reviews."


@dataclass(frozen=True)
class ReviewPage:
    rows: list[tuple[Review, str]]  # each review with its author's full name
    next_cursor: str | None


def _decode(cursor: str, sort: str) -> tuple[int, datetime, uuid.UUID]:
    cursor_sort, rating, created, review_id = pagination.decode_cursor(cursor, 4, detail=_DETAIL)
    try:
        if cursor_sort != sort or type(rating) is not int:
            raise ValueError("cursor of another list")
        return rating, datetime.fromisoformat(created), uuid.UUID(review_id)
    except (ValueError, TypeError, AttributeError) as exc:
        raise InvalidCursor(_DETAIL) from exc


def _after(sort: str, cursor: str) -> ColumnElement[bool]:
    """Rows after the cursor's row in the sort's order (every key in one direction)."""
    rating, created, review_id = _decode(cursor, sort)
    if sort == "newest":
        return tuple_(Review.created_at, Review.id) < tuple_(created, review_id)
    keys = tuple_(Review.rating, Review.created_at, Review.id)
    if sort == "rating_desc":
        return keys < tuple_(rating, created, review_id)
    return keys > tuple_(rating, created, review_id)


def _ordered(query: Select[Review], sort: str) -> Select[Review]:
    if sort == "newest":
        return query.order_by(Review.created_at.desc(), Review.id.desc())
    if sort == "rating_desc":
        return query.order_by(Review.rating.desc(), Review.created_at.desc(), Review.id.desc())
    return query.order_by(Review.rating, Review.created_at, Review.id)


async def _page(
    session: AsyncSession, query: Select[Review], sort: str, cursor: str | None, limit: int
) -> ReviewPage:
    if cursor:
        query = query.where(_after(sort, cursor))
    reviews = list(await session.scalars(_ordered(query, sort).limit(limit + 1)))
    found = reviews[:limit]
    next_cursor = None
    if len(reviews) > limit and found:
        last = found[-1]
        next_cursor = pagination.encode_cursor(sort, last.rating, last.created_at, last.id)
    # Authors' names come from accounts (their table is theirs); a review's author always
    # exists, since deleting a user deletes their reviews.
    names = await accounts.full_names(session, {review.user_id for review in found})
    return ReviewPage([(review, names.get(review.user_id, "")) for review in found], next_cursor)


async def item_reviews(
    session: AsyncSession, item_id: str, sort: ReviewSort, cursor: str | None, limit: int
) -> ReviewPage:
    """One page of an item's visible reviews."""
    query = select(Review).where(Review.item_id == item_id, Review.status == ReviewStatus.VISIBLE)
    return await _page(session, query, sort, cursor, limit)


async def reviews_by_status(
    session: AsyncSession,
    status: ReviewStatus | None,
    item_id: str | None,
    cursor: str | None,
    limit: int,
) -> ReviewPage:
    """One page of every review (of one status, of one item), newest first: moderation."""
    conditions = [
        *([Review.status == status] if status else []),
        *([Review.item_id == item_id] if item_id else []),
    ]
    query = select(Review).where(and_(True, *conditions))
    return await _page(session, query, "newest", cursor, limit)


async def author(session: AsyncSession, review: Review) -> str:
    """The full name of the review's author."""
    return (await accounts.full_names(session, [review.user_id])).get(review.user_id, "")

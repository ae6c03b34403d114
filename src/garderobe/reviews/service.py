"""Writing reviews: the verified-purchase rule, one review per buyer and item, the author's
edits, and moderation. Every change of a visible rating is reported to the catalog's rating
summary (`catalog.ratings.apply_rating_change`) in the same transaction.

Which orders verify a purchase: one that is `delivered` now. `delivered` is final in the
order workflow (commerce.workflow); should returns or refunds after delivery be added, an
order in such a state would no longer allow a new review, and reviews written while it was
delivered would stay (moderation can hide them).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from redis.asyncio import Redis
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from garderobe import ratelimit
from garderobe.accounts.service import User
from garderobe.catalog import service as catalog
from garderobe.catalog.index import ratings
from garderobe.commerce import purchases
from garderobe.errors import Conflict, Forbidden, NotFound
from garderobe.reviews import fit
from garderobe.reviews.models import Review, ReviewStatus
from garderobe.webhooks import events as webhook_events

# Creates, edits and deletes per user and window: enough for a buyer, not for a script.
WRITES_PER_WINDOW = 20
WRITE_WINDOW_SECONDS = 3600


class ReviewNotFound(NotFound):
    slug = "review-not-found"
    title = "Review not found"


class ReviewRequiresPurchase(Forbidden):
    slug = "review-requires-purchase"
    title = "Only buyers of the item may review it"


class ReviewRequiresDeliveredPurchase(Forbidden):
    slug = "review-requires-delivered-purchase"
    title = "The item must be delivered before it can be reviewed"


class ReviewAlreadyExists(Conflict):
    slug = "review-already-exists"
    title = "The item was already reviewed by this buyer"


class NotReviewAuthor(Forbidden):
    slug = "not-review-author"
    title = "Only the review's author may change it"


def write_limit_key(user_id: uuid.UUID) -> str:
    return f"reviews:writes:{user_id}"


async def _count_write(redis: Redis, user: User) -> None:
    await ratelimit.hit(
        redis,
        write_limit_key(user.id),
        limit=WRITES_PER_WINDOW,
        window_seconds=WRITE_WINDOW_SECONDS,
    )


def counted(review: Review) -> int | None:
    """The stars a review adds to its item's summary (a hidden one adds none)."""
    return review.rating if review.status is ReviewStatus.VISIBLE else None


async def verified_order(session: AsyncSession, user: User, item_id: str) -> uuid.UUID:
    """The user's delivered order containing the item; else the 403 that says why not."""
    bought = await purchases.purchases_of_item(session, user.id, item_id)
    for purchase in bought:
        if purchase.delivered:
            return purchase.order_id
    if any(purchase.underway for purchase in bought):
        raise ReviewRequiresDeliveredPurchase(
            "Your order of this item has not been delivered yet; review it once it has."
        )
    raise ReviewRequiresPurchase("Only buyers who received this item may review it.")


async def create(
    session: AsyncSession, redis: Redis, user: User, item_id: str, fields: dict[str, Any]
) -> Review:
    """The user's review of an item from one of their delivered orders (one per item)."""
    await _count_write(redis, user)
    item = await catalog.get_item(item_id)  # sold items too: buyers review what they got
    order_id = await verified_order(session, user, str(item.id))
    fields = await fit.take_fit(session, user, item, fields)
    # ON CONFLICT: of two concurrent first reviews one inserts, the other is told 409.
    review_id = await session.scalar(
        insert(Review)
        .values(
            id=uuid.uuid4(),
            item_id=str(item.id),
            user_id=user.id,
            order_id=order_id,
            status=ReviewStatus.VISIBLE,
            **fields,
        )
        .on_conflict_do_nothing(index_elements=[Review.user_id, Review.item_id])
        .returning(Review.id)
    )
    if review_id is None:
        existing = await session.scalar(
            select(Review.id).where(Review.user_id == user.id, Review.item_id == str(item.id))
        )
        raise ReviewAlreadyExists(
            "You have reviewed this item already: edit that review instead.",
            extensions={"review_id": str(existing)},
        )
    review = await get(session, review_id)
    await ratings.apply_rating_change(session, review.item_id, None, counted(review))
    await fit.report(session, review.item_id, None, fit.counted(review))
    await webhook_events.emit(session, "review.published", _published(review))
    return review


def _published(review: Review) -> dict[str, Any]:
    return {
        "review_id": str(review.id),
        "item_id": review.item_id,
        "rating": review.rating,
        "title": review.title,
        "body": review.body,
    }


async def get(session: AsyncSession, review_id: uuid.UUID, *, lock: bool = False) -> Review:
    query = select(Review).where(Review.id == review_id)
    review = await session.scalar(query.with_for_update() if lock else query)
    if review is None:
        raise ReviewNotFound(f"No review {review_id}.")
    return review


async def _own(session: AsyncSession, user: User, review_id: uuid.UUID) -> Review:
    # Locked: an edit, a deletion and moderation of one review are counted one after another.
    review = await get(session, review_id, lock=True)
    if review.user_id != user.id:
        raise NotReviewAuthor("This review is someone else's.")
    return review


async def update(
    session: AsyncSession,
    redis: Redis,
    user: User,
    review_id: uuid.UUID,
    changes: dict[str, Any],
) -> Review:
    """Change the user's own review (rating, title, body; null clears title or body)."""
    await _count_write(redis, user)
    review = await _own(session, user, review_id)
    before, fitted = counted(review), fit.counted(review)
    if "fit" in changes:
        item = await catalog.get_item(review.item_id)
        changes = await fit.take_fit(session, user, item, changes)
    for name, value in changes.items():
        setattr(review, name, value)
    await session.flush()
    await ratings.apply_rating_change(session, review.item_id, before, counted(review))
    await fit.report(session, review.item_id, fitted, fit.counted(review))
    return review


async def delete(session: AsyncSession, redis: Redis, user: User, review_id: uuid.UUID) -> None:
    """Delete the user's own review (it leaves the item's summary)."""
    await _count_write(redis, user)
    review = await _own(session, user, review_id)
    await ratings.apply_rating_change(session, review.item_id, counted(review), None)
    await fit.report(session, review.item_id, fit.counted(review), None)
    await session.delete(review)
    await session.flush()


async def moderate(
    session: AsyncSession,
    moderator: User,
    review_id: uuid.UUID,
    status: ReviewStatus,
    reason: str,
) -> tuple[ReviewStatus, Review]:
    """Hide or restore a review, with the moderator's reason; returns the status before.
    Hiding takes the rating out of the item's summary, restoring puts it back. The API and
    the admin panel both come here."""
    review = await get(session, review_id, lock=True)
    before, old, fitted = review.status, counted(review), fit.counted(review)
    review.status = status
    review.moderation_reason = reason
    review.moderated_by = moderator.id
    review.moderated_at = datetime.now(UTC)
    await session.flush()
    await ratings.apply_rating_change(session, review.item_id, old, counted(review))
    await fit.report(session, review.item_id, fitted, fit.counted(review))
    return before, review

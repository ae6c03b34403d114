"""Review bodies: the public one names the author by first name only."""

from __future__ import annotations

from garderobe.reviews.models import Review
from garderobe.reviews.schemas import AdminReviewOut, ReviewFitOut, ReviewOut
from garderobe.sizing.systems import size_system


def fit_out(review: Review) -> ReviewFitOut | None:
    if review.fit_verdict is None or review.fit_size is None:
        return None
    system, _, value = review.fit_size.partition(":")
    label = value if system == "other" else size_system(system).label_of(value)
    return ReviewFitOut(verdict=review.fit_verdict, size=review.fit_size, label=label)


def author_name(full_name: str) -> str:
    """The first word of the author's name: enough to tell reviewers apart, nothing more."""
    first = full_name.split()
    return first[0] if first else "A buyer"


def review_out(review: Review, full_name: str) -> ReviewOut:
    return ReviewOut(
        id=review.id,
        item_id=review.item_id,
        rating=review.rating,
        title=review.title,
        body=review.body,
        author=author_name(full_name),
        fit=fit_out(review),
        status=review.status,
        created_at=review.created_at,
        updated_at=review.updated_at,
    )


def admin_review_out(review: Review, full_name: str) -> AdminReviewOut:
    return AdminReviewOut(
        **review_out(review, full_name).model_dump(),
        user_id=review.user_id,
        order_id=review.order_id,
        moderation_reason=review.moderation_reason,
        moderated_by=review.moderated_by,
        moderated_at=review.moderated_at,
    )

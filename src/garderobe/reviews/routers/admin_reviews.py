"""/api/v1/admin/reviews: moderation (admin) — every review by status, hide and restore."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query

from garderobe.accounts.dependencies import AdminUser
from garderobe.accounts.service import User
from garderobe.api.deps import DbSession
from garderobe.reviews import presenters, repository, service
from garderobe.reviews.models import ReviewStatus
from garderobe.reviews.schemas import AdminReviewOut, AdminReviewPage, ModerationIn

router = APIRouter(prefix="/api/v1", tags=["reviews"])

ADMIN: dict[int | str, dict[str, Any]] = {
    401: {"description": "Problem: not logged in"},
    403: {"description": "Problem: admin role needed"},
}


@router.get(
    "/admin/reviews",
    response_model=AdminReviewPage,
    responses=ADMIN,
    summary="Every review, newest first, by status and item (admin), keyset paged",
)
async def admin_reviews(
    _: AdminUser,
    session: DbSession,
    status_: Annotated[ReviewStatus | None, Query(alias="status")] = None,
    item_id: Annotated[str | None, Query(max_length=24)] = None,
    cursor: Annotated[str | None, Query(max_length=512)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> AdminReviewPage:
    page = await repository.reviews_by_status(session, status_, item_id, cursor, limit)
    return AdminReviewPage(
        items=[presenters.admin_review_out(review, name) for review, name in page.rows],
        next_cursor=page.next_cursor,
    )


async def _moderated(
    session: DbSession, admin: User, review_id: uuid.UUID, status: ReviewStatus, reason: str
) -> AdminReviewOut:
    _, review = await service.moderate(session, admin, review_id, status, reason)
    return presenters.admin_review_out(review, await repository.author(session, review))


@router.post(
    "/admin/reviews/{review_id}/hide",
    response_model=AdminReviewOut,
    responses={**ADMIN, 404: {"description": "Problem: no such review (`review-not-found`)"}},
    summary="Hide a review (admin): it leaves the public list and the item's rating summary",
)
async def hide_review(
    review_id: uuid.UUID, body: ModerationIn, session: DbSession, admin: AdminUser
) -> AdminReviewOut:
    return await _moderated(session, admin, review_id, ReviewStatus.HIDDEN, body.reason)


@router.post(
    "/admin/reviews/{review_id}/restore",
    response_model=AdminReviewOut,
    responses={**ADMIN, 404: {"description": "Problem: no such review (`review-not-found`)"}},
    summary="Restore a hidden review (admin): it counts in the summary again",
)
async def restore_review(
    review_id: uuid.UUID, body: ModerationIn, session: DbSession, admin: AdminUser
) -> AdminReviewOut:
    return await _moderated(session, admin, review_id, ReviewStatus.VISIBLE, body.reason)

"""/api/v1/items/{item_id}/reviews and /api/v1/reviews/{review_id}: reading an item's
reviews, and a buyer writing, editing and deleting their own."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response, status

from garderobe.accounts.dependencies import CurrentUser
from garderobe.api.deps import DbSession, RedisDep
from garderobe.catalog import service as catalog
from garderobe.catalog.index import ratings
from garderobe.reviews import presenters, repository, service
from garderobe.reviews.schemas import ReviewIn, ReviewOut, ReviewPage, ReviewPatch, ReviewSort

router = APIRouter(prefix="/api/v1", tags=["reviews"])

WRITE: dict[int | str, dict[str, Any]] = {
    401: {"description": "Problem: not logged in"},
    429: {"description": "Problem: too many review writes (`rate-limited`)"},
}
OWN: dict[int | str, dict[str, Any]] = {
    **WRITE,
    403: {"description": "Problem: someone else's review (`not-review-author`)"},
    404: {"description": "Problem: no such review (`review-not-found`)"},
}


@router.get(
    "/items/{item_id}/reviews",
    response_model=ReviewPage,
    responses={404: {"description": "Problem: no such item"}},
    summary="An item's visible reviews, keyset paged, with its rating summary",
    description="`sort=newest` (default), `rating_desc` or `rating_asc` (ties newest first "
    "for rating_desc, oldest first for rating_asc). Pass `next_cursor` back as `cursor`. "
    "Title and body are plain text exactly as written: escape them when rendering.",
)
async def item_reviews(
    item_id: str,
    session: DbSession,
    sort: ReviewSort = "newest",
    cursor: Annotated[str | None, Query(max_length=512)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> ReviewPage:
    item = await catalog.get_item(item_id)
    page = await repository.item_reviews(session, str(item.id), sort, cursor, limit)
    return ReviewPage(
        items=[presenters.review_out(review, name) for review, name in page.rows],
        next_cursor=page.next_cursor,
        rating=await ratings.summary(session, str(item.id)),
    )


@router.post(
    "/items/{item_id}/reviews",
    status_code=status.HTTP_201_CREATED,
    response_model=ReviewOut,
    responses={
        **WRITE,
        403: {
            "description": "Problem: `review-requires-purchase` (never bought) or "
            "`review-requires-delivered-purchase` (bought, not delivered yet)"
        },
        404: {"description": "Problem: no such item"},
        409: {"description": "Problem: `review-already-exists` (one review per item)"},
    },
    summary="Review an item you bought and received (one review per item)",
)
async def create_review(
    item_id: str,
    body: ReviewIn,
    session: DbSession,
    redis: RedisDep,
    user: CurrentUser,
    response: Response,
) -> ReviewOut:
    review = await service.create(session, redis, user, item_id, body.model_dump())
    response.headers["Location"] = f"/api/v1/reviews/{review.id}"
    return presenters.review_out(review, user.full_name)


@router.patch(
    "/reviews/{review_id}",
    response_model=ReviewOut,
    responses=OWN,
    summary="Change your own review (rating, title, body; null clears title or body)",
)
async def update_review(
    review_id: uuid.UUID, body: ReviewPatch, session: DbSession, redis: RedisDep, user: CurrentUser
) -> ReviewOut:
    changes = body.model_dump(exclude_unset=True)
    review = await service.update(session, redis, user, review_id, changes)
    return presenters.review_out(review, user.full_name)


@router.delete(
    "/reviews/{review_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=OWN,
    summary="Delete your own review",
)
async def delete_review(
    review_id: uuid.UUID, session: DbSession, redis: RedisDep, user: CurrentUser
) -> None:
    await service.delete(session, redis, user, review_id)

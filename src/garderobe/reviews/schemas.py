"""Request and response bodies of the reviews API."""

from __future__ import annotations

import uuid
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from garderobe.api.fields import Omittable, UtcDatetime
from garderobe.catalog.schemas import RatingSummary
from garderobe.reviews.models import MAX_BODY, MAX_REASON, MAX_TITLE, ReviewStatus

ReviewSort = Literal["newest", "rating_desc", "rating_asc"]


class Request(BaseModel):
    # Text is kept exactly as written (no stripping): what the buyer sent is what is shown.
    model_config = ConfigDict(extra="forbid")


FitVerdict = Literal["runs_small", "true_to_size", "runs_large"]


class ReviewFitIn(Request):
    verdict: FitVerdict
    size: str = Field(
        min_length=1,
        max_length=40,
        description="The size you bought, as ordered ('M', 'EU 38', 'letter:M')",
    )


class ReviewFitOut(BaseModel):
    verdict: FitVerdict
    size: str = Field(description='The size bought, as a size filter takes it ("letter:M")')
    label: str


class ReviewIn(Request):
    rating: int = Field(ge=1, le=5, description="Stars, 1 to 5")
    title: str | None = Field(default=None, min_length=1, max_length=MAX_TITLE)
    body: str | None = Field(default=None, min_length=1, max_length=MAX_BODY)
    fit: ReviewFitIn | None = Field(
        default=None, description="How it fitted, in a size you ordered (422 otherwise)"
    )


class ReviewPatch(Request):
    rating: Omittable[int] = Field(default=None, ge=1, le=5)
    title: str | None = Field(default=None, min_length=1, max_length=MAX_TITLE)
    body: str | None = Field(default=None, min_length=1, max_length=MAX_BODY)
    fit: ReviewFitIn | None = Field(default=None, description="null clears it")


class ModerationIn(Request):
    reason: str = Field(min_length=1, max_length=MAX_REASON)


class ReviewOut(BaseModel):
    """Title and body are plain text as the buyer wrote them: escape them when rendering."""

    id: uuid.UUID
    item_id: str
    rating: int
    title: str | None
    body: str | None
    author: str = Field(description="The reviewer's first name")
    verified_purchase: bool = True
    fit: ReviewFitOut | None = None
    status: ReviewStatus
    created_at: UtcDatetime
    updated_at: UtcDatetime


class AdminReviewOut(ReviewOut):
    user_id: uuid.UUID
    order_id: uuid.UUID
    moderation_reason: str | None
    moderated_by: uuid.UUID | None
    moderated_at: UtcDatetime | None


class ReviewPage(BaseModel):
    items: list[ReviewOut]
    next_cursor: str | None
    rating: RatingSummary


class AdminReviewPage(BaseModel):
    items: list[AdminReviewOut]
    next_cursor: str | None

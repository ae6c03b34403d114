"""Request and response bodies of the webhook admin API."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, AnyHttpUrl, BaseModel, ConfigDict, Field, UrlConstraints

from garderobe.webhooks.models import MAX_DESCRIPTION, MAX_URL

EventType = Literal[
    "order.created",
    "order.paid",
    "order.shipped",
    "order.delivered",
    "order.cancelled",
    "item.created",
    "item.updated",
    "item.sold_out",
    "item.back_in_stock",
    "stock.low",
    "review.published",
]


def _stored_length(url: AnyHttpUrl) -> AnyHttpUrl:
    # The length limit above is the input's; the stored form is the normalized URL, which
    # percent-encoding can make longer (found by the API fuzzer: a 500-character path of
    # non-ASCII letters reached the column's limit as a store error).
    if len(str(url)) > MAX_URL:
        raise ValueError(f"the URL is longer than {MAX_URL} characters once encoded")
    return url


WebhookUrl = Annotated[
    AnyHttpUrl,
    UrlConstraints(max_length=MAX_URL, allowed_schemes=["https", "http"], host_required=True),
    AfterValidator(_stored_length),
]
EventTypes = Annotated[list[EventType], Field(min_length=1, max_length=len(EventType.__args__))]


class SubscriptionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: WebhookUrl = Field(description="HTTPS (plain HTTP in development and test only)")
    event_types: EventTypes
    description: str = Field(default="", max_length=MAX_DESCRIPTION)
    active: bool = True


class SubscriptionPatch(BaseModel):
    """Only the fields given change; `active: true` on a disabled subscription resumes its
    pending deliveries."""

    model_config = ConfigDict(extra="forbid")

    url: WebhookUrl | None = None
    event_types: EventTypes | None = None
    description: str | None = Field(default=None, max_length=MAX_DESCRIPTION)
    active: bool | None = None


class SubscriptionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    url: str
    event_types: list[str]
    description: str
    active: bool
    failing_since: datetime | None
    disabled_at: datetime | None
    created_at: datetime
    updated_at: datetime


class SubscriptionCreated(SubscriptionOut):
    secret: str = Field(
        description="The signing secret (`whsec_…`), shown this once: store it now."
    )


class SubscriptionList(BaseModel):
    items: list[SubscriptionOut]


class DeliveryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    webhook_id: str = Field(description="The `webhook-id` header of each of its attempts")
    subscription_id: uuid.UUID
    event_id: uuid.UUID
    event_type: str
    status: Literal["pending", "delivered", "failed"]
    attempts: int
    next_attempt_at: datetime | None
    created_at: datetime
    delivered_at: datetime | None


class DeliveryPage(BaseModel):
    items: list[DeliveryOut]
    next_cursor: str | None


class AttemptOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    attempted_at: datetime
    status_code: int | None
    latency_ms: int
    error: str | None
    manual: bool


class AttemptList(BaseModel):
    items: list[AttemptOut]

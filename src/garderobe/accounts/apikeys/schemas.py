"""Request and response bodies of /api/v1/admin/api-keys."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from garderobe.accounts.apikeys.models import ApiKey
from garderobe.accounts.apikeys.scopes import Scope
from garderobe.accounts.apikeys.tokens import compose

# A rotation's overlap: how long the previous secret keeps working (docs/api-keys.md).
DEFAULT_OVERLAP_SECONDS = 24 * 3600
MAX_OVERLAP_SECONDS = 7 * 24 * 3600


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        raise ValueError("give a timezone (e.g. 2027-01-31T00:00:00Z)")
    return value


class ApiKeyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100, pattern=r"^\S(.*\S)?$")
    scopes: list[Scope] = Field(min_length=1, max_length=len(Scope))
    expires_at: Annotated[datetime | None, AfterValidator(_aware)] = None


class RotateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    overlap_seconds: int = Field(default=DEFAULT_OVERLAP_SECONDS, ge=0, le=MAX_OVERLAP_SECONDS)


class ApiKeyOut(BaseModel):
    """A key as listed: its public id part, never its secret or hash."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    prefix: str = Field(description="The key's public start, `gdk_<public id>_`")
    scopes: list[Scope]
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None
    previous_valid_until: datetime | None = Field(
        description="After a rotation: until when the previous secret still works"
    )
    created_at: datetime
    created_by: uuid.UUID

    @classmethod
    def of(cls, key: ApiKey) -> ApiKeyOut:
        return cls.model_validate({**_columns(key), "prefix": compose(key.public_id, "")})


def _columns(key: ApiKey) -> dict[str, object]:
    return {name: getattr(key, name) for name in ApiKeyOut.model_fields if name != "prefix"}


class IssuedApiKey(ApiKeyOut):
    """The create and rotate responses: the only time the full key is shown."""

    key: str = Field(description="The full key; store it now, it is never shown again")

    @classmethod
    def issued(cls, key: ApiKey, full_key: str) -> IssuedApiKey:
        return cls.model_validate(
            {**_columns(key), "prefix": compose(key.public_id, ""), "key": full_key}
        )

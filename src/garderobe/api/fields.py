"""Field types shared by request bodies: omittable-but-not-null, and the stores' number bounds."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

T = TypeVar("T")

# PostgreSQL `integer` columns (prices, quantities, positions) hold 32-bit signed values.
PG_INT_MAX = 2**31 - 1
# BSON stores integers as 64-bit signed values; larger ones make the driver raise.
BSON_INT_MAX = 2**63 - 1
# Positions order siblings in a list: a sane maximum, far below any store's limit.
MAX_POSITION = 1_000_000


def _refuse_null(value: object) -> object:
    # Runs on values the client sent only (pydantic does not validate defaults), so an
    # omitted field stays None ("unchanged") while an explicit null is refused.
    if value is None:
        raise ValueError("may be left out, but not set to null")
    return value


def _without_null(schema: dict[str, Any]) -> None:
    branches = schema.pop("anyOf", None)
    if branches is not None:
        kept = [b for b in branches if b.get("type") != "null"]
        if len(kept) == 1:
            schema.update(kept[0])
        else:
            schema["anyOf"] = kept
    schema.pop("default", None)


def _assume_utc(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


# Times the API shows always carry their offset (RFC 3339 `date-time` requires one); a time
# read back without one (the MongoDB stand-in returns some as naive strings) is UTC, the
# only zone the app writes.
UtcDatetime = Annotated[datetime, AfterValidator(_assume_utc)]


# A PATCH field for a value that is required on the resource: leave it out to keep the
# current value; null is a 422 (it would otherwise reach a NOT NULL column as a 500).
Omittable = Annotated[
    T | None, BeforeValidator(_refuse_null), Field(json_schema_extra=_without_null)
]


class Request(BaseModel):
    """A request body: unknown members are refused (422), text is stripped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

"""Keyset pagination: the opaque cursors of every paged endpoint and their one problem type.

A cursor is the URL-safe base64 of a JSON array naming the last row of the previous page
(its sort key(s), then its id). Datetimes travel as ISO 8601 text, UUIDs as text. Anything
that does not decode to the array a page expects is `invalid-cursor` (422), never a 500.
"""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from datetime import datetime
from typing import Any

from garderobe.errors import InvalidInput


class InvalidCursor(InvalidInput):
    slug = "invalid-cursor"
    title = "Invalid cursor"


def encode_cursor(*parts: Any) -> str:
    """The cursor naming a row by `parts` (JSON values, datetimes or UUIDs)."""
    values = [
        p.isoformat() if isinstance(p, datetime) else str(p) if isinstance(p, uuid.UUID) else p
        for p in parts
    ]
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode()


def decode_cursor(
    cursor: str, parts: int, *, detail: str = "The cursor is not valid."
) -> list[Any]:
    """The `parts` JSON values of a cursor, or InvalidCursor with `detail`."""
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, binascii.Error) as exc:  # bad base64, bad UTF-8, bad JSON
        raise InvalidCursor(detail) from exc
    if not isinstance(values, list) or len(values) != parts:
        raise InvalidCursor(detail)
    return values


def encode_newest_first(created_at: datetime, row_id: uuid.UUID) -> str:
    """The cursor after a row of a (created_at, id) descending page."""
    return encode_cursor(created_at, row_id)


def decode_newest_first(cursor: str) -> tuple[datetime, uuid.UUID]:
    """(created_at, id) of the last row of the previous page, or InvalidCursor."""
    created, row_id = decode_cursor(cursor, 2)
    try:
        return datetime.fromisoformat(created), uuid.UUID(row_id)
    except (ValueError, TypeError, AttributeError) as exc:
        raise InvalidCursor("The cursor is not valid.") from exc

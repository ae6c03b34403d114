"""Writing audit rows in the same transaction as the change they describe."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from garderobe.accounts.models import User
from garderobe.admin.models import AdminAuditEntry


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, uuid.UUID | datetime):
        return str(value) if isinstance(value, uuid.UUID) else value.isoformat()
    return value


def snapshot(obj: Any, fields: list[str]) -> dict[str, Any]:
    """The named attributes of a model as JSON-ready values."""
    return {name: _plain(getattr(obj, name)) for name in fields}


def record(
    session: AsyncSession | Session,
    actor: User,
    *,
    action: str,
    target: str,
    target_id: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> AdminAuditEntry:
    """Add the audit row to the change's own session: both commit or neither does."""
    entry = AdminAuditEntry(
        id=uuid.uuid4(),
        actor_id=actor.id,
        actor_email=actor.email,
        action=action,
        target=target,
        target_id=target_id,
        before={k: _plain(v) for k, v in (before or {}).items()} if before is not None else None,
        after={k: _plain(v) for k, v in (after or {}).items()} if after is not None else None,
    )
    session.add(entry)
    return entry

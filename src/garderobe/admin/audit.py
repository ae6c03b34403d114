"""Writing audit rows in the same transaction as the change they describe."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session
from starlette.requests import Request

from garderobe.accounts.apikeys.models import ApiKey
from garderobe.accounts.apikeys.scopes import Scope
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


API_PREFIX = "/api/v1/"


def record_key_write(session: AsyncSession, key: ApiKey, request: Request, scope: Scope) -> None:
    """The audit row of a write by an API key (accounts.apikeys.dependencies): the key is
    the actor (its id, and `api-key:<name>` where a user's email would be), the route's
    path template the target, the request's path its id."""
    route = request.scope.get("route")
    template = getattr(route, "path", request.url.path).removeprefix(API_PREFIX)
    session.add(
        AdminAuditEntry(
            id=uuid.uuid4(),
            actor_id=key.id,
            actor_email=f"api-key:{key.name}",
            action=request.method.lower(),
            target=template[:50],
            target_id=request.url.path.removeprefix(API_PREFIX)[:100],
            before=None,
            after={"api_key_id": str(key.id), "scope": scope.value},
        )
    )

"""`require_scope`: the one guard of every route an API key may call.

Use it on a route with one of the aliases below (`_: CatalogWriter`), or for a new scope's
routes with `Annotated[Caller, require_scope(Scope.X)]`. It lets through

- a signed-in admin's JWT, exactly as `AdminUser` does (401 without one, 403 for a
  non-admin): admins hold every scope;
- an API key (`Authorization: Bearer gdk_…`) that holds the scope: 401 problems
  (`api-key-invalid`, `-revoked`, `-expired`) for a key that may not be used, 403
  `insufficient-scope` naming the `missing_scope` for one without it, 429 past the key's
  rate limit. A write (any method but GET/HEAD/OPTIONS) by a key adds an admin audit row in
  the request's transaction, so the row commits with the change or not at all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.params import Depends as DependsParam
from sqlalchemy.ext.asyncio import AsyncSession

from garderobe.accounts.apikeys import service, tokens
from garderobe.accounts.apikeys.errors import InsufficientScope
from garderobe.accounts.apikeys.models import ApiKey
from garderobe.accounts.apikeys.scopes import Scope
from garderobe.accounts.dependencies import (
    OptionalUser,
    get_admin_user,
    get_current_user,
    oauth2_scheme,
)
from garderobe.accounts.models import User
from garderobe.api.deps import DbSession, SettingsDep, StoresDep

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class Caller:
    """Who passed `require_scope`: an admin user or an API key (exactly one is set)."""

    user: User | None = None
    key: ApiKey | None = None

    @property
    def actor(self) -> str:
        """How order events and logs name the caller."""
        if self.key is not None:
            return f"api-key:{self.key.id}"
        assert self.user is not None
        return str(self.user.id)


# What a key's write adds to the admin audit log: set by the app (registry.key_write_audit)
# since the audit log belongs to the admin panel, a layer above the domains.
KeyWriteAudit = Callable[[AsyncSession, ApiKey, Request, Scope], None]


def _audit(request: Request, session: AsyncSession, key: ApiKey, scope: Scope) -> None:
    if request.method in SAFE_METHODS:
        return
    record: KeyWriteAudit | None = getattr(request.app.state, "key_write_audit", None)
    if record is None:
        raise RuntimeError("app.state.key_write_audit is not set: key writes must be audited")
    record(session, key, request, scope)


def require_scope(scope: Scope | str) -> DependsParam:
    """A `Depends` for an admin JWT or an API key holding `scope` (a typo fails at import)."""
    wanted = Scope(scope)

    async def caller_with_scope(
        request: Request,
        token: Annotated[str | None, Depends(oauth2_scheme)],
        user: OptionalUser,
        session: DbSession,
        stores: StoresDep,
        settings: SettingsDep,
    ) -> Caller:
        if token is None or not tokens.looks_like_key(token):
            return Caller(user=await get_admin_user(await get_current_user(user)))
        key = await service.authenticate(session, token)
        await service.mark_used(stores.redis, stores.sessionmaker, key)
        # Counted before the scope check: refused calls spend the key's budget too.
        await service.count_request(stores.redis, key, settings.api_key_rate_limit_per_minute)
        if wanted.value not in key.scopes:
            raise InsufficientScope(wanted.value)
        request.state.api_key = key
        _audit(request, session, key, wanted)
        return Caller(key=key)

    caller_with_scope.__name__ = f"caller_with_{wanted.value.replace(':', '_')}"
    depends: DependsParam = Depends(caller_with_scope)
    return depends


CatalogReader = Annotated[Caller, require_scope(Scope.CATALOG_READ)]
CatalogWriter = Annotated[Caller, require_scope(Scope.CATALOG_WRITE)]
OrdersReader = Annotated[Caller, require_scope(Scope.ORDERS_READ)]
OrdersWriter = Annotated[Caller, require_scope(Scope.ORDERS_WRITE)]
WebhooksManager = Annotated[Caller, require_scope(Scope.WEBHOOKS_MANAGE)]

__all__ = [
    "Caller",
    "CatalogReader",
    "CatalogWriter",
    "OrdersReader",
    "OrdersWriter",
    "Scope",
    "WebhooksManager",
    "require_scope",
]

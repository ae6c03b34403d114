"""Who is calling: bearer-token dependencies used by every domain's routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer
from redis.asyncio import Redis

from garderobe.accounts import keys
from garderobe.accounts.apikeys.tokens import looks_like_key
from garderobe.accounts.models import User
from garderobe.accounts.security import InvalidToken, TokenClaims, decode_token
from garderobe.api.deps import DbSession, RedisDep, SettingsDep
from garderobe.errors import Forbidden, Unauthorized
from garderobe.observability import sentry

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/login", auto_error=False)


async def is_revoked(redis: Redis, claims: TokenClaims) -> bool:
    """A token is void when its own jti was revoked (logout) or when all of its user's
    sessions were revoked after it was issued (password reset, deactivation)."""
    revoked_jti, revoked_at = await redis.mget(
        keys.revoked_access(claims.jti), keys.sessions_revoked_at(claims.subject)
    )
    if revoked_jti is not None:
        return True
    return revoked_at is not None and claims.issued_at.timestamp() < float(revoked_at)


async def get_access_claims(
    request: Request,
    settings: SettingsDep,
    redis: RedisDep,
    token: Annotated[str | None, Depends(oauth2_scheme)],
) -> TokenClaims | None:
    # An API key is no JWT: `apikeys.dependencies.require_scope` checks it, and every
    # route guarded by the user aliases treats it as no credentials at all.
    if token is None or looks_like_key(token):
        return None
    try:
        claims = decode_token(settings, token, "access")
    except InvalidToken as exc:
        raise Unauthorized("The access token is invalid or expired.") from exc
    if await is_revoked(redis, claims):
        raise Unauthorized("The access token has been revoked.")
    request.state.access_claims = claims
    return claims


AccessClaims = Annotated[TokenClaims | None, Depends(get_access_claims)]


async def get_optional_user(claims: AccessClaims, session: DbSession) -> User | None:
    if claims is None:
        return None
    user = await session.get(User, claims.subject)
    if user is None or not user.is_active:
        raise Unauthorized("The account behind this token is not active.")
    sentry.identify(str(user.id))
    return user


OptionalUser = Annotated[User | None, Depends(get_optional_user)]


async def get_current_user(user: OptionalUser) -> User:
    if user is None:
        raise Unauthorized()
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]


async def get_admin_user(user: CurrentUser) -> User:
    if not user.is_admin:
        raise Forbidden("This action needs the admin role.")
    return user


AdminUser = Annotated[User, Depends(get_admin_user)]


class EmailNotConfirmed(Forbidden):
    slug = "email-not-confirmed"
    title = "Email not confirmed"


async def get_confirmed_user(user: CurrentUser) -> User:
    """Browsing and carts are open to unconfirmed users; ordering is not."""
    if not user.email_confirmed:
        raise EmailNotConfirmed("Confirm your email address before placing orders.")
    return user


ConfirmedUser = Annotated[User, Depends(get_confirmed_user)]

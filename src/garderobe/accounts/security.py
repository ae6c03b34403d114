"""Password hashing (argon2id) and JWT access/refresh tokens (PyJWT, algorithm pinned)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from garderobe.settings import Settings

ALGORITHM = "HS256"
TokenKind = Literal["access", "refresh"]

# OWASP's first recommended argon2id configuration: m=19 MiB, t=2, p=1.
password_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
# Verified against when the account does not exist, so a missing user costs the same work.
_DUMMY_HASH = password_hasher.hash("garderobe-timing-equaliser")


def hash_password(password: str) -> str:
    return password_hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return password_hasher.verify(password_hash or _DUMMY_HASH, password) and bool(
            password_hash
        )
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return password_hasher.check_needs_rehash(password_hash)


@dataclass(frozen=True)
class TokenClaims:
    subject: uuid.UUID
    kind: TokenKind
    jti: str
    expires_at: datetime
    issued_at: datetime
    family: str | None = None

    @property
    def seconds_left(self) -> int:
        return max(1, int((self.expires_at - datetime.now(UTC)).total_seconds()))


class InvalidToken(Exception):
    pass


def issue_token(
    settings: Settings, subject: uuid.UUID, kind: TokenKind, *, family: str | None = None
) -> tuple[str, TokenClaims]:
    now = datetime.now(UTC)
    ttl = (
        settings.access_token_ttl_seconds
        if kind == "access"
        else settings.refresh_token_ttl_seconds
    )
    claims = TokenClaims(subject, kind, uuid.uuid4().hex, now + timedelta(seconds=ttl), now, family)
    payload: dict[str, Any] = {
        "sub": str(subject),
        "typ": kind,
        "jti": claims.jti,
        # Fractional seconds: `iat` is compared with the time a user's sessions were revoked,
        # and a token issued right after a revocation must not fall into the same second.
        "iat": now.timestamp(),
        "nbf": int(now.timestamp()),
        "exp": claims.expires_at,
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
    }
    if family:
        payload["fam"] = family
    token = jwt.encode(payload, settings.jwt_secret.get_secret_value(), algorithm=ALGORITHM)
    return token, claims


def decode_token(settings: Settings, token: str, kind: TokenKind) -> TokenClaims:
    """Verify signature, algorithm, issuer, audience, expiry and kind; raise InvalidToken."""
    try:
        payload = jwt.decode(
            token,
            settings.jwt_secret.get_secret_value(),
            algorithms=[ALGORITHM],
            audience=settings.jwt_audience,
            issuer=settings.jwt_issuer,
            options={"require": ["exp", "iat", "sub", "jti", "iss", "aud"]},
        )
        if payload.get("typ") != kind:
            raise InvalidToken(f"expected a {kind} token")
        return TokenClaims(
            uuid.UUID(payload["sub"]),
            kind,
            str(payload["jti"]),
            datetime.fromtimestamp(payload["exp"], UTC),
            datetime.fromtimestamp(payload["iat"], UTC),
            payload.get("fam"),
        )
    except (jwt.PyJWTError, ValueError, KeyError) as exc:
        raise InvalidToken(str(exc)) from exc

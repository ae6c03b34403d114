"""Every Redis key the accounts domain uses, in one place."""

from __future__ import annotations

import uuid


def revoked_access(jti: str) -> str:
    return f"auth:revoked-access:{jti}"


def family(family_id: str) -> str:
    """The jti of the one refresh token of this family that may still be used."""
    return f"auth:family:{family_id}"


def sessions_revoked_at(user_id: uuid.UUID) -> str:
    """Tokens issued before this Unix time are void (password reset, deactivation …)."""
    return f"auth:sessions-revoked-at:{user_id}"


def confirmation_code(user_id: uuid.UUID) -> str:
    return f"auth:confirm:{user_id}"


def confirmation_resend(email: str) -> str:
    return f"auth:confirm-resend:{email}"


def password_reset(token_digest: str) -> str:
    return f"auth:reset:{token_digest}"


def login_failures_account(email: str) -> str:
    return f"auth:login-fail:account:{email}"


def login_failures_ip(ip: str) -> str:
    return f"auth:login-fail:ip:{ip}"

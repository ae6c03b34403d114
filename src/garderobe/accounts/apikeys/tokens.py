"""Making, reading and checking key strings: `gdk_<public id>_<secret>`.

The secret is 256 random bits, so a plain SHA-256 of it is safe to store: a slow password
hash (Argon2) exists to make guessing low-entropy passwords expensive, and nobody can guess
256 random bits; it would only add tens of milliseconds to every request.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

PREFIX = "gdk_"
PUBLIC_ID_BYTES = 6  # 12 hex characters: unique enough to look up, not secret
SECRET_BYTES = 32  # 256 bits


@dataclass(frozen=True)
class KeyParts:
    public_id: str
    secret: str


def looks_like_key(token: str) -> bool:
    """Whether a bearer token is meant as an API key (and so is not a JWT)."""
    return token.startswith(PREFIX)


def new_public_id() -> str:
    return secrets.token_hex(PUBLIC_ID_BYTES)


def new_secret() -> str:
    return secrets.token_urlsafe(SECRET_BYTES)


def compose(public_id: str, secret: str) -> str:
    return f"{PREFIX}{public_id}_{secret}"


def parse(token: str) -> KeyParts | None:
    """The parts of a well-formed key string, or None."""
    if not looks_like_key(token):
        return None
    public_id, sep, secret = token.removeprefix(PREFIX).partition("_")
    if not sep or len(public_id) != 2 * PUBLIC_ID_BYTES or not secret:
        return None
    return KeyParts(public_id=public_id, secret=secret)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def matches(secret: str, stored: str | None) -> bool:
    """Constant-time comparison of a presented secret with a stored hash."""
    return stored is not None and hmac.compare_digest(digest(secret), stored)

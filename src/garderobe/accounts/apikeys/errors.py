"""API key problems. The 401s name why a key was refused only once its secret matched, so
they tell nothing to someone who merely guesses a public id."""

from __future__ import annotations

from garderobe.errors import Conflict, Forbidden, NotFound, Unauthorized


class InvalidApiKey(Unauthorized):
    slug = "api-key-invalid"
    title = "Invalid API key"


class RevokedApiKey(Unauthorized):
    slug = "api-key-revoked"
    title = "API key revoked"


class ExpiredApiKey(Unauthorized):
    slug = "api-key-expired"
    title = "API key expired"


class InsufficientScope(Forbidden):
    slug = "insufficient-scope"
    title = "Insufficient scope"

    def __init__(self, missing: str) -> None:
        super().__init__(
            f"This API key lacks the {missing} scope.", extensions={"missing_scope": missing}
        )


class ApiKeyNotFound(NotFound):
    slug = "api-key-not-found"
    title = "API key not found"


class ApiKeyInactive(Conflict):
    slug = "api-key-inactive"
    title = "API key revoked or expired"

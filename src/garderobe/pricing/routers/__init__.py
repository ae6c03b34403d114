"""The pricing domain's admin routes."""

from __future__ import annotations

from typing import Any

# What every admin route of the domain may answer besides its own problems.
ADMIN: dict[int | str, dict[str, Any]] = {
    401: {"description": "Problem: not logged in"},
    403: {"description": "Problem: admin role needed"},
}

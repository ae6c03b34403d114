"""Documented error responses the catalog's routes share."""

from __future__ import annotations

from typing import Any

ADMIN: dict[int | str, dict[str, Any]] = {
    401: {"description": "Problem: not logged in"},
    403: {"description": "Problem: admin role needed"},
}
READ: dict[int | str, dict[str, Any]] = {
    304: {"description": "Not modified: the If-None-Match ETag is still current"},
}
WRITE: dict[int | str, dict[str, Any]] = {
    **ADMIN,
    404: {"description": "Problem: no such item"},
    412: {"description": "Problem: the item changed since it was read (stale If-Match)"},
    428: {"description": "Problem: If-Match header missing"},
}

"""The fixed set of scopes an API key may hold; docs/api-keys.md maps every route to one.

A scope names a family of admin operations. A key holds a subset; an admin's JWT holds them
all. Operations that belong to no scope (users, review moderation, the keys themselves) stay
with signed-in admins: a leaked key must never mint keys or promote accounts.
"""

from __future__ import annotations

import enum


class Scope(enum.StrEnum):
    CATALOG_READ = "catalog:read"
    CATALOG_WRITE = "catalog:write"
    ORDERS_READ = "orders:read"
    ORDERS_WRITE = "orders:write"
    WEBHOOKS_MANAGE = "webhooks:manage"

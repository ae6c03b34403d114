"""The routes' guards, read from the app's own dependency trees: one scope per keyed route,
reads behind read scopes and writes behind write scopes, and only the documented admin
routes left to admin JWTs alone (docs/api-keys.md)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from garderobe import registry
from garderobe.accounts.apikeys.scopes import Scope

pytestmark = pytest.mark.unit

READ_SCOPES = {Scope.CATALOG_READ, Scope.ORDERS_READ}
MANAGE_SCOPES = {Scope.WEBHOOKS_MANAGE}
ADMIN_ONLY = (
    "/api/v1/users",
    "/api/v1/admin/reviews",
    "/api/v1/admin/api-keys",
    "/api/v1/admin/discounts",
    "/api/v1/admin/shipping",
)


def _guards(dependant: Dependant, inside_scope: bool = False) -> Iterator[str]:
    name = getattr(dependant.call, "__name__", "")
    if name.startswith("caller_with_"):
        yield name.removeprefix("caller_with_").replace("_", ":", 1)
        inside_scope = True
    elif name == "get_admin_user" and not inside_scope:
        yield "admin"
    for child in dependant.dependencies:
        yield from _guards(child, inside_scope)


def _routes() -> Iterator[tuple[str, str, set[str]]]:
    for router in registry.routers():
        for route in router.routes:
            assert isinstance(route, APIRoute)
            for method in route.methods:
                yield method, route.path, set(_guards(route.dependant))


def test_every_keyed_route_needs_exactly_one_scope_of_its_kind() -> None:
    keyed = [(m, p, g) for m, p, g in _routes() if g - {"admin"}]
    assert len(keyed) >= 30
    for method, path, guards in keyed:
        assert len(guards) == 1, (method, path, guards)
        scope = Scope(guards.pop())
        if scope in MANAGE_SCOPES:  # one scope for reading and changing what it manages
            continue
        assert (scope in READ_SCOPES) == (method == "GET"), (method, path, scope)


def test_only_the_documented_admin_routes_stay_admin_jwt_only() -> None:
    admin_only = {p for _, p, g in _routes() if g == {"admin"}}
    assert admin_only, "user management stays with admins"
    assert all(path.startswith(ADMIN_ONLY) for path in admin_only), sorted(admin_only)

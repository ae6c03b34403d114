"""A browser-like client for the admin panel: https (the session cookie is Secure outside
development), the same-origin headers a browser sends from the panel's own pages, and the
CSRF token its forms carry."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI

from garderobe.accounts.models import Role, User
from garderobe.infra.stores import Stores
from tests.admin.pages import read_page
from tests.factories import DEFAULT_PASSWORD, create_user

ORIGIN = "https://test"


@asynccontextmanager
async def panel_client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport, base_url=ORIGIN, headers={"Origin": ORIGIN}
    ) as client:
        yield client


async def csrf_token(client: httpx.AsyncClient, page: str = "/admin/login") -> str:
    """The token in the hidden field of a form on `page`, as a browser would submit it."""
    forms = read_page((await client.get(page)).text).post_forms
    tokens = [form.hidden["csrf_token"] for form in forms if form.hidden.get("csrf_token")]
    assert tokens, f"no CSRF token on {page}"
    return tokens[0]


async def submit(
    client: httpx.AsyncClient, url: str, data: dict[str, str] | None = None
) -> httpx.Response:
    """POST a panel form with this session's token, as the panel's own pages do."""
    return await client.post(url, data={**(data or {}), "csrf_token": await csrf_token(client)})


async def sign_in(client: httpx.AsyncClient, user: User) -> httpx.Response:
    return await submit(
        client, "/admin/login", {"username": user.email, "password": DEFAULT_PASSWORD}
    )


async def admin_account(stores: Stores) -> User:
    return await create_user(stores.sessionmaker, role=Role.ADMIN, email="boss@example.org")

"""A browser-like client for the admin panel: https (the session cookie is Secure outside
development) and the same-origin headers a browser sends from the panel's own pages."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI

from garderobe.accounts.models import Role, User
from garderobe.infra.stores import Stores
from tests.factories import DEFAULT_PASSWORD, create_user

ORIGIN = "https://test"


@asynccontextmanager
async def panel_client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport, base_url=ORIGIN, headers={"Origin": ORIGIN}
    ) as client:
        yield client


async def sign_in(client: httpx.AsyncClient, user: User) -> httpx.Response:
    return await client.post(
        "/admin/login", data={"username": user.email, "password": DEFAULT_PASSWORD}
    )


async def admin_account(stores: Stores) -> User:
    return await create_user(stores.sessionmaker, role=Role.ADMIN, email="boss@example.org")

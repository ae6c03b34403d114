"""`garderobe users create-admin`: the first admin of a new shop, able to log in."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import httpx

from garderobe.infra.stores import Stores
from garderobe.settings import Settings, store_environment

GARDEROBE = str(Path(sys.executable).parent / "garderobe")


def _run(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    keep = {k: v for k, v in os.environ.items() if not k.endswith("_URL")}
    return subprocess.run(
        [GARDEROBE, "users", "create-admin", *args],
        env={**keep, **store_environment(settings)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


async def test_create_admin_makes_a_confirmed_admin_who_can_log_in(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    args = ("--email", "Boss@Shop.example", "--password", "a long admin password")
    created = await asyncio.to_thread(_run, settings, *args)
    assert created.returncode == 0, created.stderr
    assert "admin boss@shop.example created" in created.stdout.lower()
    login = await client.post(
        "/api/v1/auth/login",
        json={"email": "boss@shop.example", "password": "a long admin password"},
    )
    me = await client.get(
        "/api/v1/users/me", headers={"Authorization": f"Bearer {login.json()['access_token']}"}
    )
    assert (me.json()["role"], me.json()["email_confirmed_at"] is not None) == ("admin", True)
    again = await asyncio.to_thread(_run, settings, *args)
    assert again.returncode == 1
    assert "already exists" in again.stderr

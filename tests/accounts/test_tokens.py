"""Login, refresh rotation, logout and every way a token can be refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import jwt
from argon2 import PasswordHasher
from sqlalchemy import select

from garderobe.accounts.models import User
from garderobe.accounts.security import ALGORITHM, issue_token
from garderobe.infra.stores import Stores
from garderobe.settings import Settings
from tests.accounts.helpers import PASSWORD, bearer, login
from tests.factories import create_user

ME = "/api/v1/users/me"


async def test_login_accepts_the_oauth2_form_and_json(
    client: httpx.AsyncClient, stores: Stores
) -> None:
    await create_user(stores.sessionmaker, email="ann@example.org", password=PASSWORD)
    form = await client.post(
        "/api/v1/auth/login", data={"username": "ann@example.org", "password": PASSWORD}
    )
    assert form.status_code == 200
    assert form.json()["token_type"] == "bearer"
    assert form.json()["expires_in"] == 900
    tokens = await login(client, "ANN@example.org")
    me = await client.get(ME, headers=bearer(tokens))
    assert me.status_code == 200
    assert me.json()["email"] == "ann@example.org"


async def test_wrong_password_and_unknown_user_get_the_same_401(
    client: httpx.AsyncClient, stores: Stores
) -> None:
    await create_user(stores.sessionmaker, email="ann@example.org", password=PASSWORD)
    wrong = await client.post(
        "/api/v1/auth/login", json={"email": "ann@example.org", "password": "nope-nope"}
    )
    unknown = await client.post(
        "/api/v1/auth/login", json={"email": "who@example.org", "password": "nope-nope"}
    )
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["detail"] == unknown.json()["detail"]
    assert wrong.json()["type"].endswith("/invalid-credentials")


async def test_refresh_rotates_and_reuse_revokes_the_family(
    client: httpx.AsyncClient, stores: Stores
) -> None:
    await create_user(stores.sessionmaker, email="ann@example.org", password=PASSWORD)
    first = await login(client, "ann@example.org")
    second = (
        await client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    ).json()
    assert second["refresh_token"] != first["refresh_token"]
    replay = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]}
    )
    assert replay.status_code == 401
    # The thief's replay ended the session: the legitimate newer token is dead too.
    after = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": second["refresh_token"]}
    )
    assert after.status_code == 401


async def test_logout_revokes_access_and_refresh_tokens(
    client: httpx.AsyncClient, stores: Stores
) -> None:
    await create_user(stores.sessionmaker, email="ann@example.org", password=PASSWORD)
    tokens = await login(client, "ann@example.org")
    out = await client.post("/api/v1/auth/logout", headers=bearer(tokens))
    assert out.status_code == 204
    assert (await client.get(ME, headers=bearer(tokens))).status_code == 401
    refresh = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
    )
    assert refresh.status_code == 401


async def test_tampered_token_is_401(client: httpx.AsyncClient, stores: Stores) -> None:
    await create_user(stores.sessionmaker, email="ann@example.org", password=PASSWORD)
    token = (await login(client, "ann@example.org"))["access_token"]
    header, payload, signature = token.split(".")
    flipped = signature[:-2] + ("A" if signature[-2] != "A" else "B") + signature[-1]
    response = await client.get(
        ME, headers={"Authorization": f"Bearer {header}.{payload}.{flipped}"}
    )
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


async def test_expired_token_is_401(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    user = await create_user(stores.sessionmaker)
    past = datetime.now(UTC) - timedelta(hours=1)
    token = jwt.encode(
        {
            "sub": str(user.id),
            "typ": "access",
            "jti": "x",
            "iat": past,
            "exp": past + timedelta(minutes=15),
            "iss": settings.jwt_issuer,
            "aud": settings.jwt_audience,
        },
        settings.jwt_secret.get_secret_value(),
        algorithm=ALGORITHM,
    )
    assert (await client.get(ME, headers={"Authorization": f"Bearer {token}"})).status_code == 401


async def test_alg_none_token_is_401(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    user = await create_user(stores.sessionmaker)
    now = datetime.now(UTC)
    token = jwt.encode(
        {
            "sub": str(user.id),
            "typ": "access",
            "jti": "x",
            "iat": now,
            "exp": now + timedelta(minutes=5),
            "iss": settings.jwt_issuer,
            "aud": settings.jwt_audience,
        },
        key=None,
        algorithm="none",
    )
    assert (await client.get(ME, headers={"Authorization": f"Bearer {token}"})).status_code == 401


async def test_refresh_token_is_not_an_access_token(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    user = await create_user(stores.sessionmaker)
    refresh, _ = issue_token(settings, user.id, "refresh", family="f")
    assert (await client.get(ME, headers={"Authorization": f"Bearer {refresh}"})).status_code == 401


async def test_deactivated_user_cannot_use_tokens_or_log_in(
    client: httpx.AsyncClient, stores: Stores
) -> None:
    await create_user(stores.sessionmaker, email="ann@example.org", password=PASSWORD)
    tokens = await login(client, "ann@example.org")
    async with stores.sessionmaker() as session, session.begin():
        user = await session.scalar(select(User).where(User.email == "ann@example.org"))
        assert user is not None
        user.is_active = False
    assert (await client.get(ME, headers=bearer(tokens))).status_code == 401
    again = await client.post(
        "/api/v1/auth/login", json={"email": "ann@example.org", "password": PASSWORD}
    )
    assert again.status_code == 401


async def test_login_failures_are_rate_limited_per_account(
    client: httpx.AsyncClient, stores: Stores
) -> None:
    await create_user(stores.sessionmaker, email="ann@example.org", password=PASSWORD)
    for _ in range(10):
        response = await client.post(
            "/api/v1/auth/login", json={"email": "ann@example.org", "password": "wrong-one"}
        )
        assert response.status_code == 401
    blocked = await client.post(
        "/api/v1/auth/login", json={"email": "ann@example.org", "password": PASSWORD}
    )
    assert blocked.status_code == 429
    assert int(blocked.headers["retry-after"]) > 0
    assert blocked.json()["type"].endswith("/rate-limited")


async def test_login_rehashes_a_password_hashed_with_old_parameters(
    client: httpx.AsyncClient, stores: Stores
) -> None:
    user = await create_user(stores.sessionmaker, email="old@example.org", password=PASSWORD)
    weak = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1).hash(PASSWORD)
    async with stores.sessionmaker() as session, session.begin():
        row = await session.get(User, user.id)
        assert row is not None
        row.password_hash = weak
    await login(client, "old@example.org")
    async with stores.sessionmaker() as session:
        row = await session.get(User, user.id)
        assert row is not None
        assert row.password_hash != weak
        assert "m=19456,t=2,p=1" in row.password_hash

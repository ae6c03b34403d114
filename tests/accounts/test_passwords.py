from __future__ import annotations

import re

import httpx

from garderobe.infra.mailsink import MailSink
from garderobe.infra.stores import Stores
from tests.accounts.helpers import PASSWORD, RunJobs, bearer, login
from tests.factories import create_user

NEW_PASSWORD = "an even sturdier passphrase"


async def _reset_token(mail_sink: MailSink, run_jobs: RunJobs, email: str) -> str:
    await run_jobs()
    mail = next(m for m in mail_sink.to(email) if "Reset" in m.subject)
    match = re.search(r"token: (\S+)", mail.text)
    assert match is not None
    return match.group(1)


async def test_forgot_answers_the_same_for_known_and_unknown_addresses(
    client: httpx.AsyncClient, stores: Stores, mail_sink: MailSink, run_jobs: RunJobs
) -> None:
    await create_user(stores.sessionmaker, email="ann@example.org")
    known = await client.post("/api/v1/auth/password/forgot", json={"email": "ann@example.org"})
    unknown = await client.post("/api/v1/auth/password/forgot", json={"email": "no@example.org"})
    assert known.status_code == unknown.status_code == 202
    assert known.json() == unknown.json()
    await run_jobs()
    assert len(mail_sink.to("ann@example.org")) == 1
    assert mail_sink.to("no@example.org") == []


async def test_reset_with_mailed_token_sets_password_once_and_ends_sessions(
    client: httpx.AsyncClient, stores: Stores, mail_sink: MailSink, run_jobs: RunJobs
) -> None:
    await create_user(stores.sessionmaker, email="ann@example.org", password=PASSWORD)
    old_session = await login(client, "ann@example.org")
    await client.post("/api/v1/auth/password/forgot", json={"email": "ann@example.org"})
    token = await _reset_token(mail_sink, run_jobs, "ann@example.org")
    body = {"token": token, "new_password": NEW_PASSWORD}
    assert (await client.post("/api/v1/auth/password/reset", json=body)).status_code == 204
    again = await client.post("/api/v1/auth/password/reset", json=body)
    assert again.status_code == 422  # single use
    assert (await client.get("/api/v1/users/me", headers=bearer(old_session))).status_code == 401
    await login(client, "ann@example.org", NEW_PASSWORD)
    await run_jobs()
    for mail in mail_sink.to("ann@example.org"):
        assert NEW_PASSWORD not in mail.text
        assert PASSWORD not in mail.text
    assert any("changed" in m.subject for m in mail_sink.to("ann@example.org"))


async def test_change_needs_current_password_and_ends_other_sessions(
    client: httpx.AsyncClient, stores: Stores
) -> None:
    await create_user(stores.sessionmaker, email="ann@example.org", password=PASSWORD)
    phone, laptop = await login(client, "ann@example.org"), await login(client, "ann@example.org")
    wrong = await client.post(
        "/api/v1/auth/password/change",
        headers=bearer(laptop),
        json={"current_password": "guess-guess", "new_password": NEW_PASSWORD},
    )
    assert wrong.status_code == 401
    changed = await client.post(
        "/api/v1/auth/password/change",
        headers=bearer(laptop),
        json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
    )
    assert changed.status_code == 200
    assert (await client.get("/api/v1/users/me", headers=bearer(phone))).status_code == 401
    fresh = changed.json()
    assert (await client.get("/api/v1/users/me", headers=bearer(fresh))).status_code == 200

"""Small flows the accounts tests share: register, read the mailed code, log in."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

import httpx

from garderobe.infra.mailsink import MailSink

PASSWORD = "a sturdy passphrase"
RunJobs = Callable[[], Awaitable[int]]


async def mailed_code(mail_sink: MailSink, run_jobs: RunJobs, email: str) -> str:
    await run_jobs()
    mails = [m for m in mail_sink.to(email) if "confirmation code" in m.subject]
    assert mails, f"no confirmation mail to {email}"
    match = re.search(r"\b(\d{6})\b", mails[-1].text)
    assert match is not None
    return match.group(1)


async def register(client: httpx.AsyncClient, email: str, password: str = PASSWORD) -> None:
    response = await client.post(
        "/api/v1/auth/register", json={"email": email, "password": password, "full_name": "Ann"}
    )
    assert response.status_code == 201, response.text


async def register_confirmed(
    client: httpx.AsyncClient,
    mail_sink: MailSink,
    run_jobs: RunJobs,
    email: str,
    password: str = PASSWORD,
) -> None:
    await register(client, email, password)
    code = await mailed_code(mail_sink, run_jobs, email)
    response = await client.post("/api/v1/auth/confirm", json={"email": email, "code": code})
    assert response.status_code == 200, response.text


async def login(client: httpx.AsyncClient, email: str, password: str = PASSWORD) -> dict[str, str]:
    response = await client.post("/api/v1/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    tokens: dict[str, str] = response.json()
    return tokens


def bearer(tokens: dict[str, str]) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens['access_token']}"}

from __future__ import annotations

import httpx

from garderobe.infra.mailsink import MailSink
from tests.accounts.helpers import PASSWORD, RunJobs, mailed_code, register


async def test_register_mails_a_code_that_confirms_the_address(
    client: httpx.AsyncClient, mail_sink: MailSink, run_jobs: RunJobs
) -> None:
    response = await client.post(
        "/api/v1/auth/register", json={"email": "Ann@Example.org", "password": PASSWORD}
    )
    assert response.status_code == 201
    body = response.json()
    assert body["email"] == "ann@example.org"
    assert body["email_confirmed_at"] is None
    assert "password" not in str(body)
    assert "hash" not in str(body)
    code = await mailed_code(mail_sink, run_jobs, "ann@example.org")
    confirmed = await client.post(
        "/api/v1/auth/confirm", json={"email": "ann@example.org", "code": code}
    )
    assert confirmed.status_code == 200
    assert confirmed.json()["email_confirmed_at"] is not None


async def test_mail_never_contains_the_password(
    client: httpx.AsyncClient, mail_sink: MailSink, run_jobs: RunJobs
) -> None:
    await register(client, "pw@example.org")
    await run_jobs()
    assert mail_sink.to("pw@example.org")
    for mail in mail_sink.to("pw@example.org"):
        assert PASSWORD not in mail.text
        assert PASSWORD not in (mail.html or "")


async def test_same_email_in_other_case_is_409(client: httpx.AsyncClient) -> None:
    await register(client, "bob@example.org")
    response = await client.post(
        "/api/v1/auth/register", json={"email": "BOB@example.org", "password": PASSWORD}
    )
    assert response.status_code == 409
    assert response.json()["type"].endswith("/email-taken")


async def test_wrong_code_is_422_and_five_misses_burn_the_code(
    client: httpx.AsyncClient, mail_sink: MailSink, run_jobs: RunJobs
) -> None:
    await register(client, "cy@example.org")
    code = await mailed_code(mail_sink, run_jobs, "cy@example.org")
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        response = await client.post(
            "/api/v1/auth/confirm", json={"email": "cy@example.org", "code": wrong}
        )
        assert response.status_code == 422
        assert response.json()["type"].endswith("/invalid-confirmation-code")
    late = await client.post("/api/v1/auth/confirm", json={"email": "cy@example.org", "code": code})
    assert late.status_code == 422
    assert "new one" in late.json()["detail"]


async def test_resend_mails_a_new_code_and_is_rate_limited(
    client: httpx.AsyncClient, mail_sink: MailSink, run_jobs: RunJobs
) -> None:
    await register(client, "dee@example.org")
    for _ in range(3):
        response = await client.post(
            "/api/v1/auth/confirm/resend", json={"email": "dee@example.org"}
        )
        assert response.status_code == 202
    limited = await client.post("/api/v1/auth/confirm/resend", json={"email": "dee@example.org"})
    assert limited.status_code == 429
    assert int(limited.headers["retry-after"]) > 0
    await run_jobs()
    assert len(mail_sink.to("dee@example.org")) == 4


async def test_register_refuses_role_and_confirmation_fields(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/v1/auth/register",
        json={
            "email": "eve@example.org",
            "password": PASSWORD,
            "role": "admin",
            "email_confirmed_at": "2020-01-01T00:00:00Z",
        },
    )
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"body.role", "body.email_confirmed_at"}


async def test_short_password_and_bad_email_are_422(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/v1/auth/register", json={"email": "not-an-email", "password": "short"}
    )
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"body.email", "body.password"}

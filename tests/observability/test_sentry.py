"""The real Sentry SDK against a local ingest endpoint: what a report carries and what not."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import sentry_sdk
from pydantic import SecretStr

from garderobe.accounts.dependencies import CurrentUser
from garderobe.infra.stores import Stores
from garderobe.main import create_app
from garderobe.settings import Settings
from garderobe.worker import create_worker
from tests.factories import auth_headers, create_user
from tests.observability.sentry_sink import SentrySink

PASSWORD = "hunter2-do-not-leak"


@pytest.fixture
def sink(settings: Settings) -> Iterator[SentrySink]:
    with SentrySink() as received:
        yield received
    # Leave no client behind: later tests must not report anywhere.
    sentry_sdk.get_client().close()
    sentry_sdk.init()


def wait_for_events(sink: SentrySink, count: int = 1) -> list[dict[str, Any]]:
    sentry_sdk.flush(timeout=5)
    deadline = time.monotonic() + 5
    while len(sink.events()) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    return sink.events()


async def test_route_exception_reaches_sentry_without_secrets(
    sink: SentrySink, settings: Settings, stores: Stores
) -> None:
    configured = settings.model_copy(
        update={"sentry_dsn": SecretStr(sink.dsn), "release": "garderobe@test-1"}
    )
    app = create_app(configured)
    app.state.stores = stores

    @app.post("/boom")
    async def boom(body: dict[str, Any], _user: CurrentUser) -> None:
        secret_local = body["password"]  # a frame variable Sentry would otherwise show
        raise RuntimeError(f"kaboom for {len(secret_local)} chars")

    user = await create_user(stores.sessionmaker)
    token_headers = auth_headers(settings, user)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        response = await client.post(
            "/boom",
            json={"email": "ann@example.org", "password": PASSWORD},
            headers={**token_headers, "Cookie": "session=cookie-secret-value"},
        )
    assert response.status_code == 500
    request_id = response.headers["x-request-id"]

    events = wait_for_events(sink)
    assert events, "no event reached the endpoint"
    event = next(e for e in events if "kaboom" in str(e.get("exception")))
    assert event["environment"] == settings.environment
    assert event["release"] == "garderobe@test-1"
    assert event["tags"]["request_id"] == request_id
    assert event["tags"]["user_id"] == str(user.id)
    assert "data" not in event["request"]
    text = sink.text()
    assert PASSWORD not in text
    assert "cookie-secret-value" not in text
    assert token_headers["Authorization"].split()[1] not in text


async def test_failing_job_reaches_sentry_without_its_secret_arguments(
    sink: SentrySink, settings: Settings, stores: Stores
) -> None:
    configured = settings.model_copy(update={"sentry_dsn": SecretStr(sink.dsn)})
    from garderobe.observability.sentry import init_sentry

    assert init_sentry(configured)
    # send_mail refuses a payload with an unknown member: a real failing job.
    await stores.queue.enqueue_job(
        "send_mail", {"to": "ann@example.org", "password": PASSWORD, "token": "tok-secret-1"}
    )
    worker = create_worker(settings, burst=True, stores=stores, handle_signals=False)
    try:
        await worker.main()
    finally:
        await worker.close()
    assert worker.jobs_failed == 1

    events = wait_for_events(sink)
    assert any("send_mail" in str(e) for e in events)
    assert any(e.get("tags", {}).get("request_id", "").startswith("job:") for e in events)
    text = sink.text()
    assert PASSWORD not in text
    assert "tok-secret-1" not in text

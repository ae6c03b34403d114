from __future__ import annotations

import json
import logging

import httpx
import pytest
from fastapi import FastAPI

from garderobe.api.middleware import RequestContextMiddleware, mask_secrets
from garderobe.logs import ConsoleFormatter, JsonFormatter, bind_request_id, unbind_request_id


def test_mask_secrets_hides_passwords_tokens_and_codes() -> None:
    body = '{"email": "a@b.c", "password": "hunter2", "refresh_token": "eyJ.x.y", "code": "123456"}'
    masked = mask_secrets(body)
    assert "hunter2" not in masked
    assert "eyJ.x.y" not in masked
    assert "123456" not in masked
    assert "a@b.c" in masked
    assert "hunter2" not in mask_secrets("username=a&password=hunter2&grant_type=password")


def _record(message: str) -> logging.LogRecord:
    record = logging.LogRecord("garderobe.test", logging.INFO, __file__, 1, message, None, None)
    record.request_id = "rid-1"
    return record


def test_json_formatter_writes_one_object_with_request_id() -> None:
    line = JsonFormatter().format(_record("hello"))
    payload = json.loads(line)
    assert payload["message"] == "hello"
    assert payload["request_id"] == "rid-1"
    assert payload["level"] == "info"


def test_console_formatter_is_readable_with_request_id() -> None:
    line = ConsoleFormatter().format(_record("hello"))
    assert "[rid-1]" in line
    assert "hello" in line


async def test_every_log_line_of_a_request_carries_its_id(caplog: pytest.LogCaptureFixture) -> None:
    app = FastAPI()
    inner = logging.getLogger("garderobe.inner")

    @app.post("/login")
    async def login() -> dict[str, str]:
        inner.info("inside the route")
        return {"access_token": "very-secret-token"}

    app.add_middleware(RequestContextMiddleware, log_http=True, body_limit=64)
    from garderobe.logs import RequestIdFilter

    caplog.handler.addFilter(RequestIdFilter())
    caplog.set_level(logging.INFO)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
        response = await http.post(
            "/login",
            headers={"X-Request-ID": "req-42", "Authorization": "Bearer abc.def"},
            json={"password": "hunter2"},
        )
    ours = [r for r in caplog.records if r.name.startswith("garderobe")]
    assert {r.request_id for r in ours} == {"req-42"}  # type: ignore[attr-defined]
    access = next(r for r in ours if r.name == "garderobe.http")
    dumped = json.dumps(vars(access), default=str)
    assert "hunter2" not in dumped
    assert "very-secret-token" not in dumped
    assert "abc.def" not in dumped
    assert response.status_code == 200


def test_request_id_binding_is_scoped() -> None:
    from garderobe.logs import current_request_id

    token = bind_request_id("x")
    assert current_request_id() == "x"
    unbind_request_id(token)
    assert current_request_id() is None

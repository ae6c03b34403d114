"""A real HTTP receiver for the webhook tests: uvicorn on 127.0.0.1, recording requests."""

from __future__ import annotations

import asyncio
import json
import socket
from dataclasses import dataclass, field
from typing import Any

import uvicorn


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes

    @property
    def event(self) -> dict[str, Any]:
        document: dict[str, Any] = json.loads(self.body)
        return document


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Receiver:
    """Answers `answers` in turn (then `status`); `stop()` takes it off the network."""

    port: int = field(default_factory=_free_port)
    status: int = 200
    answers: list[int] = field(default_factory=list)
    delay: float = 0.0  # seconds before answering
    received: list[Received] = field(default_factory=list)
    _server: uvicorn.Server | None = None
    _task: asyncio.Task[None] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks"

    def deduplicated(self) -> dict[str, Received]:
        """What a receiver deduplicating by `webhook-id` keeps: the first of each id."""
        kept: dict[str, Received] = {}
        for request in self.received:
            kept.setdefault(request.headers["webhook-id"], request)
        return kept

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        self.received.append(Received(headers, body))
        status = self.answers.pop(0) if self.answers else self.status
        await asyncio.sleep(self.delay)
        await send({"type": "http.response.start", "status": status, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    async def start(self) -> None:
        config = uvicorn.Config(
            self, host="127.0.0.1", port=self.port, log_level="warning", lifespan="off"
        )
        self._server = uvicorn.Server(config)
        self._task = asyncio.create_task(self._server.serve())
        # uvicorn offers no event to wait on
        while not self._server.started:  # noqa: ASYNC110
            await asyncio.sleep(0.01)

    async def stop(self) -> None:
        if self._server is not None and self._task is not None:
            self._server.should_exit = True
            self._server.force_exit = True  # no graceful wait: the tests hold no request open
            await self._task
            self._server = self._task = None

"""A real HTTP server for the import tests' image URLs: uvicorn on 127.0.0.1 (the webhook
tests' receiver, answering files by path), counting what it is asked for."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from tests.webhooks.receiver import Receiver


@dataclass
class ImageServer(Receiver):
    files: dict[str, tuple[bytes, str]] = field(default_factory=dict)  # path -> body, type
    requested: list[str] = field(default_factory=list)

    def at(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def serve(self, path: str, body: bytes, content_type: str = "image/jpeg") -> str:
        self.files[path] = (body, content_type)
        return self.at(path)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        self.requested.append(scope["path"])
        body, content_type = self.files.get(scope["path"], (b"not found", "text/plain"))
        status = 200 if scope["path"] in self.files else 404
        headers = [(b"content-type", content_type.encode())]
        await asyncio.sleep(self.delay)
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

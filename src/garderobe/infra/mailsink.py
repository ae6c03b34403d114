"""An SMTP sink for development and tests: accepts every mail and keeps it for reading.

Runs aiosmtpd in a thread of this process. Restartable on the same port, so tests can take
SMTP down and bring it back (the outbox must deliver what failed meanwhile).
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

log = logging.getLogger("garderobe.mailsink")

MAILS_FILE = "mails.jsonl"


@dataclass(frozen=True)
class ReceivedMail:
    mail_from: str
    rcpt_tos: list[str]
    subject: str
    text: str
    html: str | None
    message_id: str | None
    received_at: str
    raw: bytes = field(repr=False, default=b"")


def parse_mail(mail_from: str, rcpt_tos: list[str], raw: bytes) -> ReceivedMail:
    message = message_from_bytes(raw, policy=default_policy)
    assert isinstance(message, EmailMessage)
    text_part = message.get_body(preferencelist=("plain",))
    html_part = message.get_body(preferencelist=("html",))
    return ReceivedMail(
        mail_from=mail_from,
        rcpt_tos=list(rcpt_tos),
        subject=str(message.get("Subject", "")),
        text=text_part.get_content() if text_part is not None else "",
        html=html_part.get_content() if html_part is not None else None,
        message_id=message.get("Message-ID"),
        received_at=datetime.now(UTC).isoformat(),
        raw=raw,
    )


class _Handler:
    def __init__(self, sink: MailSink) -> None:
        self.sink = sink

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        content = envelope.original_content or envelope.content
        raw = content if isinstance(content, bytes) else str(content).encode()
        self.sink.receive(parse_mail(envelope.mail_from, envelope.rcpt_tos, raw))
        return "250 Message accepted for delivery"


class MailSink:
    def __init__(self, host: str, port: int, store_dir: Path | None = None) -> None:
        self.host = host
        self.port = port
        self.store_dir = store_dir
        self.messages: list[ReceivedMail] = []
        self._lock = threading.Lock()
        self._controller: Any = None

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        if self._controller is not None:
            return
        self._controller = Controller(
            _Handler(self), hostname=self.host, port=self.port, ready_timeout=10
        )
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def running(self) -> bool:
        return self._controller is not None

    def receive(self, mail: ReceivedMail) -> None:
        with self._lock:
            self.messages.append(mail)
        log.info("mail received to=%s subject=%r", ",".join(mail.rcpt_tos), mail.subject)
        if self.store_dir is not None:
            self.store_dir.mkdir(parents=True, exist_ok=True)
            record = {k: v for k, v in asdict(mail).items() if k != "raw"}
            with (self.store_dir / MAILS_FILE).open("a", encoding="utf-8") as out:
                out.write(json.dumps(record, ensure_ascii=False) + "\n")

    def clear(self) -> None:
        with self._lock:
            self.messages.clear()

    def to(self, address: str) -> list[ReceivedMail]:
        with self._lock:
            return [m for m in self.messages if address in m.rcpt_tos]

    async def wait_for(
        self, predicate: Callable[[ReceivedMail], bool], timeout: float = 10.0
    ) -> ReceivedMail:
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                found = next((m for m in self.messages if predicate(m)), None)
            if found is not None:
                return found
            if time.monotonic() > deadline:
                raise TimeoutError(f"no matching mail within {timeout}s")
            await asyncio.sleep(0.05)


def recent_mails(store_dir: Path, limit: int) -> list[dict[str, Any]]:
    """The newest stored mails first (what GET /dev/mails shows)."""
    path = store_dir / MAILS_FILE
    if not path.exists():
        return []
    mails: list[dict[str, Any]] = []
    # The sink appends while this reads: the last line may be half-written (even cut inside
    # a UTF-8 sequence). Such a line is skipped; it is whole on the next read.
    for raw in reversed(path.read_bytes().splitlines()):
        try:
            mails.append(json.loads(raw.decode("utf-8")))
        except ValueError:
            continue
        if len(mails) == limit:
            break
    return mails

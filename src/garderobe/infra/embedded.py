"""Fill in the stores the settings leave unset with embedded servers (dev and tests).

Order of preference for each store: the URL from the environment, else an embedded real
server under `data_dir`. Used by `garderobe dev` (persistent, fixed ports) and by the test
suite (throwaway directories, free ports).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, wait
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from garderobe.infra import devstack, devstack_postgres
from garderobe.settings import Settings

log = logging.getLogger(__name__)


def _timed(start: Callable[[], devstack.EmbeddedServer]) -> tuple[devstack.EmbeddedServer, float]:
    began = time.perf_counter()
    server = start()
    return server, time.perf_counter() - began


class EmbeddedStack:
    """Starts what is missing; `close()` stops it again, in reverse order."""

    def __init__(self, data_dir: Path, *, persistent: bool, free_ports: bool = False) -> None:
        self.data_dir = data_dir
        self.persistent = persistent
        self.free_ports = free_ports
        self._exit = ExitStack()
        self.mail_sink: devstack.MailSink | None = None
        self.started: list[str] = []
        self.timings: dict[str, float] = {}

    def _port(self, configured: int) -> int:
        return devstack.free_port() if self.free_ports else configured

    def _dir(self, name: str) -> Path:
        path = self.data_dir / name
        path.mkdir(parents=True, exist_ok=True)
        return path

    def _keep(self, server: devstack.EmbeddedServer, seconds: float) -> str:
        self._exit.callback(server.stop)
        self.started.append(server.name)
        self.timings[server.name] = seconds
        log.info("embedded %s at %s (started in %.1f s)", server.name, server.url, seconds)
        url: str = server.url
        return url

    def provide(self, settings: Settings) -> Settings:
        """Settings with every missing store URL pointing at a freshly started embedded server."""
        update: dict[str, Any] = {}
        try:
            self._provide_into(settings, update)
        except BaseException:
            self.close()
            raise
        return settings.model_copy(update=update)

    def _starters(self, settings: Settings) -> dict[str, Callable[[], devstack.EmbeddedServer]]:
        """Settings field -> how to start the embedded server for it, for each store unset."""
        starters: dict[str, Callable[[], devstack.EmbeddedServer]] = {}
        if not settings.database_url:
            pg_dir, pg_port = self._dir("postgres"), self._port(settings.dev_postgres_port)
            starters["database_url"] = lambda: devstack_postgres.start_postgres(
                pg_dir, pg_port, durable=self.persistent
            )
        if not settings.redis_url:
            redis_dir, redis_port = self._dir("redis"), self._port(settings.dev_redis_port)
            starters["redis_url"] = lambda: devstack.start_redis(
                redis_dir, redis_port, persistent=self.persistent
            )
        if not settings.mongodb_url:
            mongo_dir = self._dir("mongodb") if self.persistent else None
            mongo_port = self._port(settings.dev_mongodb_port)
            starters["mongodb_url"] = lambda: devstack.start_mongo(mongo_dir, mongo_port)
        if not settings.s3_endpoint_url:
            s3_dir, s3_port = self._dir("s3"), self._port(settings.dev_s3_port)
            starters["s3_endpoint_url"] = lambda: devstack.start_s3(
                s3_dir,
                s3_port,
                access_key=settings.s3_access_key,
                secret_key=settings.s3_secret_key.get_secret_value(),
            )
        return starters

    def _provide_into(self, settings: Settings, update: dict[str, Any]) -> None:
        # The servers start side by side: a start is mostly waiting for a child process to
        # answer, so the slowest store (SeaweedFS) sets the pace instead of the sum of all.
        starters = self._starters(settings)
        pool = ThreadPoolExecutor(max_workers=max(len(starters), 1))
        futures = {field: pool.submit(_timed, start) for field, start in starters.items()}
        failures: list[BaseException] = []
        try:
            self._start_mail_sink(settings, update)  # in this thread, meanwhile
            wait(futures.values())
        finally:
            # Also on Ctrl-C: let the starts finish, so every server that did start is kept
            # and therefore stopped by close(), never left running in its own session.
            pool.shutdown(wait=True)
            for field, future in futures.items():
                failure = future.exception()
                if failure is not None:
                    failures.append(failure)
                    continue
                server, seconds = future.result()
                update[field] = self._keep(server, seconds)
        if failures:
            raise failures[0]  # provide() stops the servers that did start

    def _start_mail_sink(self, settings: Settings, update: dict[str, Any]) -> None:
        if settings.smtp_host:
            return
        began = time.perf_counter()
        port = self._port(settings.dev_smtp_port)
        sink = devstack.MailSink(
            "127.0.0.1", port, store_dir=self._dir("mail") if self.persistent else None
        )
        sink.start()
        self._exit.callback(sink.stop)
        self.mail_sink = sink
        self.started.append("smtp")
        self.timings["SMTP sink"] = time.perf_counter() - began
        update.update(
            smtp_host="127.0.0.1",
            smtp_port=port,
            smtp_tls_mode="none",
            smtp_username=None,
            smtp_password=None,
        )

    def close(self) -> None:
        self._exit.close()

"""Fill in the stores the settings leave unset with embedded servers (dev and tests).

Order of preference for each store: the URL from the environment, else an embedded real
server under `data_dir`. Used by `garderobe dev` (persistent, fixed ports) and by the test
suite (throwaway directories, free ports).
"""

from __future__ import annotations

import logging
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from garderobe.infra import devstack
from garderobe.settings import Settings

log = logging.getLogger(__name__)


class EmbeddedStack:
    """Starts what is missing; `close()` stops it again, in reverse order."""

    def __init__(self, data_dir: Path, *, persistent: bool, free_ports: bool = False) -> None:
        self.data_dir = data_dir
        self.persistent = persistent
        self.free_ports = free_ports
        self._exit = ExitStack()
        self.mail_sink: devstack.MailSink | None = None
        self.started: list[str] = []

    def _port(self, configured: int) -> int:
        return devstack.free_port() if self.free_ports else configured

    def _dir(self, name: str) -> Path:
        path = self.data_dir / name
        path.mkdir(parents=True, exist_ok=True)
        return path

    def _keep(self, server: devstack.EmbeddedServer) -> str:
        self._exit.callback(server.stop)
        self.started.append(server.name)
        log.info("embedded %s at %s", server.name, server.url)
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

    def _provide_into(self, settings: Settings, update: dict[str, Any]) -> None:
        if not settings.database_url:
            update["database_url"] = self._keep(
                devstack.start_postgres(
                    self._dir("postgres"),
                    self._port(settings.dev_postgres_port),
                    durable=self.persistent,
                )
            )
        if not settings.redis_url:
            update["redis_url"] = self._keep(
                devstack.start_redis(
                    self._dir("redis"),
                    self._port(settings.dev_redis_port),
                    persistent=self.persistent,
                )
            )
        if not settings.mongodb_url:
            mongo_dir = self._dir("mongodb") if self.persistent else None
            update["mongodb_url"] = self._keep(
                devstack.start_mongo(mongo_dir, self._port(settings.dev_mongodb_port))
            )
        if not settings.s3_endpoint_url:
            update["s3_endpoint_url"] = self._keep(
                devstack.start_s3(
                    self._dir("s3"),
                    self._port(settings.dev_s3_port),
                    access_key=settings.s3_access_key,
                    secret_key=settings.s3_secret_key.get_secret_value(),
                )
            )
        if not settings.smtp_host:
            port = self._port(settings.dev_smtp_port)
            sink = devstack.MailSink(
                "127.0.0.1", port, store_dir=self._dir("mail") if self.persistent else None
            )
            sink.start()
            self._exit.callback(sink.stop)
            self.mail_sink = sink
            self.started.append("smtp")
            update.update(
                smtp_host="127.0.0.1",
                smtp_port=port,
                smtp_tls_mode="none",
                smtp_username=None,
                smtp_password=None,
            )

    def close(self) -> None:
        self._exit.close()

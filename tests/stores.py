"""Where the test suite's stores come from.

For each store, in order: a TEST_* URL from the environment, a container when a Docker engine
answers (testcontainers; not for S3), else an embedded real server started here. Never the
developer's own DATABASE_URL / REDIS_URL: the suite truncates and flushes what it is given.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import uuid
import warnings
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy.engine import make_url

from garderobe.infra.embedded import EmbeddedStack
from garderobe.infra.postgres import run_admin_statement
from garderobe.settings import Settings

log = logging.getLogger(__name__)


def docker_available() -> bool:
    if os.environ.get("TEST_USE_CONTAINERS", "1") == "0":
        return False
    try:
        import docker

        docker.from_env(timeout=2).ping()
    except Exception:
        return False
    return True


def _containers(exit_stack: ExitStack, env: dict[str, Any]) -> None:
    """Start a container for each store still missing (only called when Docker answers).

    S3 is left to the embedded SeaweedFS: testcontainers' MinIO module pulls `minio/minio`,
    a repository Docker Hub no longer serves, and SeaweedFS is the server compose runs too."""
    from testcontainers.mongodb import MongoDbContainer
    from testcontainers.postgres import PostgresContainer
    from testcontainers.redis import RedisContainer

    if not env.get("database_url"):
        pg = exit_stack.enter_context(PostgresContainer("postgres:16", driver="asyncpg"))
        env["database_url"] = pg.get_connection_url()
    if not env.get("redis_url"):
        redis = exit_stack.enter_context(RedisContainer("redis:7"))
        env["redis_url"] = (
            f"redis://{redis.get_container_host_ip()}:{redis.get_exposed_port(6379)}/0"
        )
    if not env.get("mongodb_url"):
        mongo = exit_stack.enter_context(MongoDbContainer("mongo:7"))
        env["mongodb_url"] = mongo.get_connection_url()


def _from_environment() -> dict[str, Any]:
    keys = {
        "database_url": "TEST_DATABASE_URL",
        "redis_url": "TEST_REDIS_URL",
        "mongodb_url": "TEST_MONGODB_URL",
        "s3_endpoint_url": "TEST_S3_ENDPOINT_URL",
        "s3_access_key": "TEST_S3_ACCESS_KEY",
        "s3_secret_key": "TEST_S3_SECRET_KEY",
    }
    return {field: os.environ[var] for field, var in keys.items() if os.environ.get(var)}


async def _create_database(server_url: str, name: str) -> str:
    await run_admin_statement(server_url, f'CREATE DATABASE "{name}"')
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def _drop_database_quietly(server_url: str, name: str) -> None:
    """Cleanup of a throwaway database: retried once, then only warned about."""
    for attempt in (1, 2):
        try:
            asyncio.run(_drop_database(server_url, name))
            return
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            if attempt == 2:
                warnings.warn(f"could not drop test database {name}: {exc}", stacklevel=1)


async def _drop_database(server_url: str, name: str) -> None:
    await run_admin_statement(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def test_stack(data_dir: Path) -> Iterator[tuple[Settings, EmbeddedStack]]:
    """Settings for one test session: its own PG database, Mongo database, bucket, queue."""
    run_id = uuid.uuid4().hex[:10]
    env = _from_environment()
    with ExitStack() as exit_stack:
        if len(env) < 4 and docker_available():
            _containers(exit_stack, env)
        # Explicit None for every store: a developer's own DATABASE_URL/REDIS_URL in the
        # environment must never reach the suite, which truncates and flushes what it gets.
        unset: dict[str, Any] = dict.fromkeys(
            ("database_url", "redis_url", "mongodb_url", "s3_endpoint_url", "smtp_host")
        )
        # Outside development the app refuses published secrets: the suite makes its own (the
        # embedded SeaweedFS is started with these credentials; TEST_S3_* win when set).
        secrets = {
            "jwt_secret": "test-secret-" + run_id * 4,
            "payment_webhook_secret": "test-webhook-" + run_id * 4,
            "s3_access_key": "garderobe-test",
            "s3_secret_key": "test-s3-" + run_id * 4,
        }
        base = Settings(  # type: ignore[call-arg]
            _env_file=None,
            environment="test",
            log_level="WARNING",
            log_http=False,
            # The webhook tests' receiver listens on 127.0.0.1; tests/webhooks checks the
            # refusal with this left unset, in production mode.
            webhook_allow_private_destinations=True,
            # So do the import tests' image server and tests/imports/test_images.py.
            import_image_allow_private_urls=True,
            **{**secrets, **unset, **env},
        )
        embedded = EmbeddedStack(data_dir, persistent=False, free_ports=True)
        exit_stack.callback(embedded.close)
        settings = embedded.provide(base)
        assert settings.database_url is not None
        server_url = settings.database_url
        db_name = f"garderobe_test_{run_id}"
        database_url = asyncio.run(_create_database(server_url, db_name))
        exit_stack.callback(_drop_database_quietly, server_url, db_name)
        yield (
            settings.model_copy(
                update={
                    "database_url": database_url,
                    "mongodb_database": f"garderobe_test_{run_id}",
                    "s3_bucket": f"garderobe-test-{run_id}",
                    "arq_queue_name": f"garderobe:test:{run_id}",
                }
            ),
            embedded,
        )

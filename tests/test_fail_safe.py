"""A `garderobe serve` started with store URLs and secrets but no ENVIRONMENT is production:
no /dev route, docs for admins only, JSON logs; with any published secret it does not start.

The real command against the suite's stores, in a directory without `.env`, with every
ENVIRONMENT, store and secret variable of the calling shell removed first.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from garderobe import __version__
from garderobe.infra.devstack import free_port
from garderobe.settings import (
    DEFAULT_JWT_SECRET,
    DEFAULT_S3_SECRET_KEY,
    DEFAULT_WEBHOOK_SECRET,
    Settings,
    store_environment,
)

pytestmark = pytest.mark.integration

GARDEROBE = str(Path(sys.executable).parent / "garderobe")
PUBLISHED = {
    "JWT_SECRET": DEFAULT_JWT_SECRET,
    "PAYMENT_WEBHOOK_SECRET": DEFAULT_WEBHOOK_SECRET,
    "S3_SECRET_KEY": DEFAULT_S3_SECRET_KEY,
}


def production_environment(settings: Settings) -> dict[str, str]:
    """The suite's stores and secrets, and nothing that names an environment."""
    inherited = {
        key: value
        for key, value in os.environ.items()
        if key != "ENVIRONMENT" and not key.startswith(("DATABASE_", "MONGODB_", "REDIS_", "S3_"))
    }
    stores = store_environment(settings)
    del stores["ENVIRONMENT"]
    return {**inherited, **stores}


@dataclass
class Served:
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def lines(self) -> list[str]:
        return self.log.read_text(errors="replace").splitlines()


@pytest.fixture(scope="module")
def served(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    cwd = tmp_path_factory.mktemp("serve")
    port = free_port()
    log = cwd / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [GARDEROBE, "serve", "--port", str(port)],
            cwd=cwd,
            env=production_environment(settings),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    shop = Served(f"http://127.0.0.1:{port}", process, log)
    try:
        deadline = time.monotonic() + 60
        while not _answers(shop.url):
            assert process.poll() is None, "\n".join(shop.lines())
            assert time.monotonic() < deadline, "\n".join(shop.lines())
            time.sleep(0.2)
        yield shop
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _answers(url: str) -> bool:
    try:
        return httpx.get(f"{url}/health/live", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def test_no_environment_serves_as_production_with_its_version(served: Served) -> None:
    live = httpx.get(f"{served.url}/health/live")
    assert live.json() == {"status": "ok", "version": __version__}


def test_no_environment_mounts_no_dev_route(served: Served) -> None:
    mails = httpx.get(f"{served.url}/dev/mails")
    assert mails.status_code == 404
    assert mails.headers["content-type"].startswith("application/problem+json")


@pytest.mark.parametrize("path", ["/docs", "/redoc", "/openapi.json"])
def test_no_environment_keeps_the_docs_for_admins(served: Served, path: str) -> None:
    assert httpx.get(f"{served.url}{path}").status_code == 401


def test_no_environment_logs_json_lines(served: Served) -> None:
    httpx.get(f"{served.url}/health/live")
    records = [json.loads(line) for line in served.lines() if line.startswith("{")]
    assert records
    assert {"ts", "level", "logger", "message"} <= set(records[-1])


@pytest.mark.parametrize("variable", sorted(PUBLISHED))
@pytest.mark.parametrize("command", ["serve", "worker"])
def test_no_environment_refuses_each_published_secret_in_one_line(
    settings: Settings, tmp_path: Path, command: str, variable: str
) -> None:
    env = {**production_environment(settings), variable: PUBLISHED[variable]}
    result = subprocess.run(
        [GARDEROBE, command],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    [line] = result.stderr.strip().splitlines()
    assert f"{variable} is a published default" in line
    assert "ENVIRONMENT=production" in line
    others = [name for name in PUBLISHED if name != variable]
    assert not any(name in line for name in others)

"""A real `garderobe dev` on a first start: the README's "Try it" block runs against it, its
banner, dev accounts and sample pictures work, and commands run beside it find its stores.

The dev process gets the suite's PostgreSQL server, MongoDB, Redis and S3 (a database, a
MongoDB database, a bucket and a queue of its own), and starts its own SMTP sink, whose
mails it lists at /dev/mails like any dev start.
"""

from __future__ import annotations

import asyncio
import io
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from PIL import Image
from pymongo import MongoClient
from redis import Redis

from garderobe.dev import accounts
from garderobe.infra import stackfile
from garderobe.infra.devstack import free_port
from garderobe.settings import Settings
from tests.catalog.helpers import TSHIRT
from tests.stores import _create_database, _drop_database_quietly

pytestmark = pytest.mark.integration

GARDEROBE = str(Path(sys.executable).parent / "garderobe")
README = Path(__file__).parents[1] / "README.md"
START_TIMEOUT_SECONDS = 120
STORE_KEYS = ("DATABASE_", "MONGODB_", "REDIS_", "S3_", "SMTP_", "DEV_", "ARQ_", "JWT_")


@dataclass
class DevShop:
    api: str
    cwd: Path
    process: subprocess.Popen[bytes]
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")


def walkthrough() -> str:
    """The shell block between the walkthrough markers in README.md."""
    text = README.read_text(encoding="utf-8")
    section = text.split("<!-- walkthrough:start -->")[1].split("<!-- walkthrough:end -->")[0]
    match = re.search(r"```sh\n(.*?)```", section, re.DOTALL)
    assert match is not None, "README.md has no ```sh block between the walkthrough markers"
    return match.group(1)


def _clean_environment() -> dict[str, str]:
    return {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(STORE_KEYS) and key not in {"ENVIRONMENT", "API"}
    }


def _wait_until_ready(shop: DevShop) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if shop.process.poll() is not None:
            pytest.fail(f"garderobe dev exited with {shop.process.returncode}:\n{shop.output()}")
        if "garderobe dev is ready" in shop.output():
            return
        time.sleep(0.2)
    pytest.fail(f"garderobe dev not ready in {START_TIMEOUT_SECONDS} s:\n{shop.output()}")


@pytest.fixture(scope="module")
def dev_shop(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevShop]:
    assert settings.database_url is not None
    assert settings.redis_url is not None
    assert settings.mongodb_url is not None
    assert settings.s3_endpoint_url is not None
    name = f"garderobe_walk_{uuid.uuid4().hex[:8]}"
    database_url = asyncio.run(_create_database(settings.database_url, name))
    # The suite owns this Redis database and flushes it before every test; so does this.
    Redis.from_url(settings.redis_url).flushdb()
    cwd = tmp_path_factory.mktemp("dev-shop")
    port = free_port()
    environment = {
        **_clean_environment(),
        "ENVIRONMENT": "development",
        "LOG_LEVEL": "INFO",
        "DATABASE_URL": database_url,
        "MONGODB_URL": settings.mongodb_url,
        "MONGODB_DATABASE": name,
        "REDIS_URL": settings.redis_url,
        "ARQ_QUEUE_NAME": f"garderobe:{name}",
        "S3_ENDPOINT_URL": settings.s3_endpoint_url,
        "S3_ACCESS_KEY": settings.s3_access_key,
        "S3_SECRET_KEY": settings.s3_secret_key.get_secret_value(),
        "S3_BUCKET": name.replace("_", "-"),
        "DEV_SMTP_PORT": str(free_port()),
    }
    log = cwd / "dev.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [GARDEROBE, "dev", "--port", str(port), "--sample-items", "40"],
            cwd=cwd,
            env=environment,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    shop = DevShop(f"http://127.0.0.1:{port}", cwd, process, log)
    try:
        _wait_until_ready(shop)
        yield shop
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        _drop_database_quietly(settings.database_url, name)
        with MongoClient(settings.mongodb_url) as mongo:
            mongo.drop_database(name)


def test_readme_walkthrough_runs_against_garderobe_dev(dev_shop: DevShop) -> None:
    result = subprocess.run(
        ["bash", "-e", "-o", "pipefail", "-c", walkthrough()],
        env={**_clean_environment(), "API": dev_shop.api},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, f"{result.stdout}\n{result.stderr}\n{dev_shop.output()}"
    assert "(same order on retry)" in result.stdout
    assert '{"approved":true,"status":"paid"}' in result.stdout
    assert '"status":"paid"' in result.stdout.splitlines()[-1]


def test_banner_lists_docs_mail_inbox_accounts_and_store_times(dev_shop: DevShop) -> None:
    output = dev_shop.output()
    assert f"{dev_shop.api}/docs" in output
    assert re.search(rf"shop\s+{re.escape(dev_shop.api)}/\n", output)
    assert f"{dev_shop.api}/dev/mails" in output
    assert str(accounts.credentials_file(dev_shop.cwd / ".garderobe")) in output
    assert f"{accounts.ADMIN_EMAIL}  password: " in output
    assert re.search(r"ready \d+\.\d s after the command started", output)
    assert re.search(r"store starts\s+SMTP sink \d+\.\d s", output)


def test_admin_from_the_credentials_file_logs_in_and_creates_an_item(dev_shop: DevShop) -> None:
    path = accounts.credentials_file(dev_shop.cwd / ".garderobe")
    values = dict(
        line.split("=", 1) for line in path.read_text().splitlines() if not line.startswith("#")
    )
    with httpx.Client(base_url=dev_shop.api, timeout=30) as http:
        login = http.post(
            "/api/v1/auth/login",
            json={"email": values["DEV_ADMIN_EMAIL"], "password": values["DEV_ADMIN_PASSWORD"]},
        )
        assert login.status_code == 200, login.text
        headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
        created = http.post("/api/v1/items", json=TSHIRT, headers=headers)
    assert created.status_code == 201, created.text


def test_sample_items_have_pictures_that_download_as_images(dev_shop: DevShop) -> None:
    deadline = time.monotonic() + 90
    with httpx.Client(base_url=dev_shop.api, timeout=30) as http:
        while True:
            page = http.get("/api/v1/items", params={"facets": "true", "limit": 40}).json()
            images = [i["images"][0] for i in page["items"] if i["images"]]
            if images and "200" in images[0]["urls"]:
                break
            assert time.monotonic() < deadline, dev_shop.output()
            time.sleep(1)
        assert page["facets"]["fields"]["category"]
        original = http.get(images[0]["urls"]["original"])
        thumbnail = http.get(images[0]["urls"]["200"])
    assert Image.open(io.BytesIO(original.content)).format == "JPEG"
    assert Image.open(io.BytesIO(thumbnail.content)).format == "WEBP"


def test_commands_run_beside_it_use_its_stores(dev_shop: DevShop) -> None:
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [GARDEROBE, *args],
            cwd=dev_shop.cwd,
            env=_clean_environment(),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    reindex = run("search", "reindex")
    assert reindex.returncode == 0, reindex.stderr
    assert "search projection:" in reindex.stdout
    [note] = reindex.stderr.strip().splitlines()
    assert "from the running `garderobe dev`" in note
    assert f"pid {dev_shop.process.pid}" in note
    admin = run("users", "create-admin", "--email", "x@example.com", "--password", "long-enough-1")
    assert admin.returncode == 0, admin.stderr
    assert "admin x@example.com created" in admin.stdout


def test_clean_stop_removes_the_stack_file(dev_shop: DevShop) -> None:
    path = dev_shop.cwd / ".garderobe" / stackfile.FILE_NAME
    assert path.exists()
    dev_shop.process.send_signal(signal.SIGINT)
    assert dev_shop.process.wait(60) == 0, dev_shop.output()
    assert not path.exists()

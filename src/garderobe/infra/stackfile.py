"""The dev-stack file: where a running `garderobe dev` tells other commands its store URLs.

`garderobe dev` writes `<DEV_DATA_DIR>/devstack.json` once its stores answer and removes it
on a clean stop. Commands that need stores (`seed`, `users`, `search`, `db`, `worker`,
`serve`) read it for every store the environment and `.env` leave unset, in development
only. A file whose process is gone (a crash, a kill -9) is stale: reading it is an error that
says so in one line, instead of a connection attempt that hangs on a dead port.
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from garderobe.settings import Settings, store_environment

FILE_NAME = "devstack.json"

# Each store's URL key and the keys that only make sense together with it: a store the
# caller configures keeps all of its own keys, a store taken from the file takes all of its.
STORE_KEYS: dict[str, tuple[str, ...]] = {
    "DATABASE_URL": (),
    "MONGODB_URL": ("MONGODB_DATABASE",),
    "REDIS_URL": ("ARQ_QUEUE_NAME",),
    "S3_ENDPOINT_URL": ("S3_ACCESS_KEY", "S3_SECRET_KEY", "S3_BUCKET"),
    "SMTP_HOST": ("SMTP_PORT", "SMTP_TLS_MODE"),
}


class StaleDevStack(Exception):
    """The dev-stack file exists but no `garderobe dev` behind it runs (or it is unreadable)."""


@dataclass(frozen=True)
class DevStack:
    path: Path
    pid: int
    api_url: str
    environment: dict[str, str]


def stack_file(settings: Settings) -> Path:
    return settings.dev_data_dir.resolve() / FILE_NAME


def _process_start(pid: int) -> str | None:
    """The kernel's start time of `pid` (Linux), so a recycled pid is not taken for ours."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # Field 22; the command name (field 2) may hold spaces, so count after its ")".
    return stat.rsplit(")", 1)[1].split()[19]


def _alive(pid: int, started: str | None) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # exists, owned by someone else
    return started is None or _process_start(pid) in (None, started)


def write(settings: Settings, *, api_url: str) -> Path:
    """Record the live stores of this process (mode 0600: it holds the S3 secret)."""
    path = stack_file(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    pid = os.getpid()
    body = {
        "pid": pid,
        "pid_started": _process_start(pid),
        "api_url": api_url,
        "environment": store_environment(settings),
    }
    temporary = path.with_suffix(".tmp")
    with contextlib.suppress(FileNotFoundError):
        temporary.unlink()
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        json.dump(body, out, indent=2)
    temporary.replace(path)  # readers never see a half-written file
    return path


def remove(settings: Settings) -> None:
    """Remove the file if it is ours (a second `garderobe dev` must not remove the first's)."""
    path = stack_file(settings)
    with contextlib.suppress(FileNotFoundError, ValueError, KeyError, OSError):
        if json.loads(path.read_text(encoding="utf-8"))["pid"] == os.getpid():
            path.unlink()


def read(settings: Settings) -> DevStack | None:
    """The running dev stack, None when there is no file; StaleDevStack when it is dead."""
    path = stack_file(settings)
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    try:
        body: dict[str, Any] = json.loads(raw)
        pid, environment = int(body["pid"]), dict(body["environment"])
    except (ValueError, KeyError, TypeError) as exc:
        raise StaleDevStack(
            f"{path} is unreadable ({type(exc).__name__}); delete it and start `garderobe dev`."
        ) from exc
    if not _alive(pid, body.get("pid_started")):
        raise StaleDevStack(
            f"{path} is left from a `garderobe dev` (pid {pid}) that is no longer running: "
            "start `garderobe dev` again, or delete the file and set the store URLs."
        )
    return DevStack(path, pid, str(body.get("api_url", "")), environment)


def environment_for(settings: Settings, stack: DevStack) -> dict[str, str]:
    """The variables to take from the dev stack: every key of each store left unset."""
    taken: dict[str, str] = {}
    for url_key in settings.missing_stores():
        for key in (url_key, *STORE_KEYS[url_key]):
            if key in stack.environment:
                taken[key] = stack.environment[key]
    return taken

"""Schemathesis over the whole published OpenAPI, against a real `garderobe serve` process.

    python -m tests.fuzz [--max-examples 15] [--max-time 120] [--seed 1] [-- SCHEMATHESIS OPTIONS]

Stores come from TEST_* URLs or start embedded, exactly as for the test suite
(tests/stores.py). The app runs with ENVIRONMENT=development, so the dev routes are fuzzed
too, with an admin's bearer token so admin routes get past authentication; a small seeded
catalog gives the generated ids something to miss or hit. Checks: `not_a_server_error` (no
response >= 500) and `response_schema_conformance` (every documented response body matches
its schema). Any failure exits non-zero, which fails `make fuzz` and so CI.

Logout, account deletion and the admin's update of a user (Schemathesis reuses ids it has
seen in responses, the admin's own included, so it deactivates or demotes that admin) would
end the admin's session for every later request, so they run last, in a pass of their own.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import uuid
from datetime import UTC, datetime
from pathlib import Path

from bench.common import GARDEROBE, environment, serving

from garderobe import migrate, registry
from garderobe.accounts.models import Role, User
from garderobe.accounts.security import hash_password, issue_token
from garderobe.infra.stores import open_stores
from garderobe.settings import Settings
from tests.stores import test_stack

CHECKS = "not_a_server_error,response_schema_conformance"
SESSION_ENDING_SECONDS = 20
# Operations that end the caller's session: fuzzed last, on their own.
SESSION_ENDING = (
    r"^(POST /api/v1/auth/logout|DELETE /api/v1/users/me|PATCH /api/v1/users/\{user_id\})$"
)


async def _admin_token(settings: Settings) -> str:
    stores = await open_stores(settings, registry.document_models())
    try:
        admin = User(
            id=uuid.uuid4(),
            email="fuzz-admin@garderobe.example",
            password_hash=hash_password("fuzz-admin-password"),
            role=Role.ADMIN,
            email_confirmed_at=datetime.now(UTC),
        )
        async with stores.sessionmaker() as session, session.begin():
            session.add(admin)
        token, _ = issue_token(settings, admin.id, "access")
        return token
    finally:
        await stores.close()


def _schemathesis(
    base: str, token: str, args: argparse.Namespace, max_time: int, *filters: str
) -> int:
    command = [
        sys.executable,
        "-m",
        "tests.schemathesis_cli",  # schemathesis's CLI, a CPython bug worked around
        "run",
        f"{base}/openapi.json",
        "--checks",
        CHECKS,
        "--max-examples",
        str(args.max_examples),
        "--max-time",
        str(max_time),
        "--seed",
        str(args.seed),
        "--workers",
        "2",
        "--request-timeout",
        "30",
        "--phases",
        "examples,coverage,fuzzing",
        "--suppress-health-check",
        "all",
        "--no-shrink",
        "--header",
        f"Authorization: Bearer {token}",
        *filters,
        *args.extra,
    ]
    return subprocess.run(command, check=False).returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--max-examples", type=int, default=15, help="test cases per operation")
    parser.add_argument("--max-time", type=int, default=120, help="seconds for the main pass")
    parser.add_argument("--seed", type=int, default=1, help="fixed, so CI runs are repeatable")
    parser.add_argument("extra", nargs="*", help="more schemathesis options (after --)")
    args = parser.parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="garderobe-fuzz-"))
    with test_stack(data_dir) as (settings, _embedded):
        assert settings.database_url is not None
        migrate.upgrade(settings.database_url)
        settings = settings.model_copy(
            update={"environment": "development", "dev_data_dir": data_dir / "dev"}
        )
        env = {**environment(settings), "DEV_DATA_DIR": str(settings.dev_data_dir)}
        seeded = subprocess.run([GARDEROBE, "seed", "--items", "40"], env=env, check=False)
        if seeded.returncode != 0:
            return seeded.returncode
        token = asyncio.run(_admin_token(settings))
        argv = [GARDEROBE, "serve", "--host", "127.0.0.1", "--port", "{port}"]
        with serving(argv, env, "/health/live") as base:
            main_pass = _schemathesis(
                base, token, args, args.max_time, "--exclude-name-regex", SESSION_ENDING
            )
            last = _schemathesis(
                base, token, args, SESSION_ENDING_SECONDS, "--include-name-regex", SESSION_ENDING
            )
    print(f"fuzz: main pass exit {main_pass}, session-ending pass exit {last}", flush=True)
    return main_pass or last


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())

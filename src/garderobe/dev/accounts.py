"""Dev accounts: an admin and a confirmed customer, made on the first `garderobe dev` start.

Their passwords are generated, shown once in the start banner and kept in a file under the
dev data directory that only its owner can read. Nothing here runs outside development.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from garderobe.accounts import service as accounts
from garderobe.infra.stores import Stores
from garderobe.uow import unit_of_work

ADMIN_EMAIL = "admin@example.com"
CUSTOMER_EMAIL = "customer@example.com"
FILE_NAME = "dev-accounts.env"


@dataclass(frozen=True)
class DevAccount:
    role: str
    email: str
    password: str


def credentials_file(data_dir: Path) -> Path:
    return data_dir.resolve() / FILE_NAME


def _write_credentials(path: Path, created: list[DevAccount]) -> None:
    lines = [
        "# garderobe dev accounts: development only, made by the first `garderobe dev` start.",
        f"# Created {datetime.now(UTC):%Y-%m-%d %H:%M} UTC. Shell-sourceable: . {path}",
    ]
    for account in created:
        key = account.role.upper()
        lines += [f"DEV_{key}_EMAIL={account.email}", f"DEV_{key}_PASSWORD={account.password}"]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    # Created 0600 from the start: never readable by others, not even for a moment.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        out.write("\n".join(lines) + "\n")


async def ensure_dev_accounts(stores: Stores, data_dir: Path) -> list[DevAccount]:
    """Create the dev admin and customer unless the admin exists; returns what was created
    (empty on later starts). Refuses to run outside development."""
    if not stores.settings.is_development:
        raise RuntimeError("dev accounts are only ever made in development")
    created = [
        DevAccount("admin", ADMIN_EMAIL, secrets.token_urlsafe(12)),
        DevAccount("customer", CUSTOMER_EMAIL, secrets.token_urlsafe(12)),
    ]
    async with unit_of_work(stores) as session:
        if await accounts.find_by_email(session, ADMIN_EMAIL) is not None:
            return []
        admin, customer = created
        await accounts.create_admin(session, email=admin.email, password=admin.password)
        if await accounts.find_by_email(session, CUSTOMER_EMAIL) is None:
            await accounts.create_confirmed_customer(
                session, email=customer.email, password=customer.password, full_name="Dev Customer"
            )
        else:  # someone registered that address by hand: leave their account alone
            created = [admin]
        # Written before the commit: if writing fails, no account exists whose password
        # nobody knows.
        _write_credentials(credentials_file(data_dir), created)
    return created

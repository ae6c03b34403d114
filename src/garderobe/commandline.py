"""Settings, store checks and store opening the `garderobe` commands share (the main tree
and each domain's).

The domains' commands sit in their domains, below the registry that knows every domain's
documents: the `garderobe` command hands them what to bind through click's context
(`CommandStores`), and `opened_stores` opens the stores with it.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NoReturn

import click
from pydantic import ValidationError

from garderobe.settings import InsecureSettings, Settings

if TYPE_CHECKING:
    from beanie import Document

    from garderobe.infra.stores import Stores


@dataclass(frozen=True)
class CommandStores:
    """What the `garderobe` command gives its subcommands: the documents the stores bind."""

    documents: Callable[[], Sequence[type[Document]]]


@asynccontextmanager
async def opened_stores(settings: Settings) -> AsyncIterator[Stores]:
    """The stores, with every domain's documents bound, for the running command."""
    from garderobe.infra.stores import open_stores

    context = click.get_current_context().find_object(CommandStores)
    if context is None:
        raise RuntimeError("run the command through `garderobe` (garderobe.cli.main)")
    stores = await open_stores(settings, list(context.documents()))
    try:
        yield stores
    finally:
        await stores.close()


def fail(message: str) -> NoReturn:
    click.echo(f"garderobe: {message}", err=True)
    sys.exit(1)


def load_settings(**overrides: Any) -> Settings:
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']).upper() or 'settings'}: {err['msg']}"
            for err in exc.errors()
        )
        fail(f"configuration error: {problems}")


def store_settings() -> Settings:
    """Settings for a command that needs stores: in development, each store the environment
    and `.env` leave unset is taken from the running `garderobe dev` (its dev-stack file)."""
    # Here, not at the top: `garderobe --help` and the start of `garderobe dev` need neither.
    from garderobe.infra import stackfile

    settings = load_settings()
    # An ENVIRONMENT left unset is production, but a running `garderobe dev` here says which
    # one this directory is in: its stack file is then read, and its ENVIRONMENT taken.
    chosen = "environment" in settings.model_fields_set
    if (chosen and not settings.is_development) or not settings.missing_stores():
        return settings
    try:
        stack = stackfile.read(settings)
    except stackfile.StaleDevStack as exc:
        fail(str(exc))
    if stack is None:
        return settings
    taken = stackfile.environment_for(settings, stack)
    if not chosen:
        taken["ENVIRONMENT"] = stack.environment.get("ENVIRONMENT", "development")
    # Through the environment, so uvicorn's worker and reload processes see them too.
    os.environ.update(taken)
    stores = [key for key in settings.missing_stores() if key in taken]
    click.echo(
        f"garderobe: {', '.join(stores)} from the running `garderobe dev` "
        f"(pid {stack.pid}, {stack.path})",
        err=True,
    )
    return load_settings()


def preflight(settings: Settings) -> None:
    """Every store named, no published secret outside development, then one connection to
    each store: a missing URL, a bad secret or URL is one clear line, not a traceback."""
    missing = settings.missing_stores()
    if missing:
        fail(
            f"{', '.join(missing)} not set. Set them (see .env.example), or start "
            "`garderobe dev` in this directory: commands run here then use its stores."
        )
    try:
        settings.refuse_weak_secrets()
    except InsecureSettings as exc:
        fail(str(exc))

    from garderobe.infra.stores import StoreUnavailable

    async def check() -> None:
        async with opened_stores(settings):
            pass

    try:
        asyncio.run(check())
    except StoreUnavailable as exc:
        fail(str(exc))

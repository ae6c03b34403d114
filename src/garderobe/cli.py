"""The `garderobe` command: serve, worker, dev, db …"""

from __future__ import annotations

import asyncio
import importlib
import os
import sys
from collections.abc import Callable
from typing import Any, NoReturn

import click
from pydantic import ValidationError

from garderobe import registry
from garderobe.devserver import DEFAULT_SAMPLE_ITEMS
from garderobe.logs import configure_logging
from garderobe.settings import Settings

# Heavy modules (the app, the stores, Alembic) are imported inside the commands that use
# them: `garderobe dev` starts its embedded servers while they load, and `--help` stays quick.


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
    from garderobe.dev import stackfile

    settings = load_settings()
    if not settings.is_development or not settings.missing_stores():
        return settings
    try:
        stack = stackfile.read(settings)
    except stackfile.StaleDevStack as exc:
        fail(str(exc))
    if stack is None:
        return settings
    taken = stackfile.environment_for(settings, stack)
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
    """Connect to every store once so a bad URL is one clear line, not a traceback."""
    missing = settings.missing_stores()
    if missing:
        fail(
            f"{', '.join(missing)} not set. Set them (see .env.example), or start "
            "`garderobe dev` in this directory: commands run here then use its stores."
        )

    from garderobe.infra.stores import StoreUnavailable, open_stores

    async def check() -> None:
        stores = await open_stores(settings, registry.document_models())
        await stores.close()

    try:
        asyncio.run(check())
    except StoreUnavailable as exc:
        fail(str(exc))


class _DomainCommands(click.Group):
    """Subcommands contributed by the domains (registry.cli_command_paths), imported when used."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *registry.cli_command_paths()])

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        path = registry.cli_command_paths().get(cmd_name)
        if path is None:
            return super().get_command(ctx, cmd_name)
        module, _, name = path.partition(":")
        command: click.Command = getattr(importlib.import_module(module), name)
        return command


@click.group(cls=_DomainCommands, context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """garderobe: catalog and shop API."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=int, help="uvicorn worker processes")
@click.option("--reload", is_flag=True, help="restart on code changes (development)")
def serve(host: str, port: int, workers: int, reload: bool) -> None:
    """Run the API with uvicorn against the configured stores."""
    import uvicorn

    settings = store_settings()
    configure_logging(settings.log_level, json_lines=settings.json_logs)
    preflight(settings)
    uvicorn.run(
        "garderobe.main:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        reload=reload,
        log_config=None,
        proxy_headers=True,
    )


@main.command()
def worker() -> None:
    """Run the arq worker (mail, thumbnails, scheduled jobs)."""
    from garderobe.worker import run_worker

    settings = store_settings()
    preflight(settings)
    run_worker(settings)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option(
    "--sample-items",
    default=DEFAULT_SAMPLE_ITEMS,
    show_default=True,
    type=click.IntRange(min=0),
    help="sample items an empty catalog gets (with generated pictures)",
)
@click.option("--empty", is_flag=True, help="an empty catalog stays empty (no taxonomy, no items)")
def dev(host: str, port: int, sample_items: int, empty: bool) -> None:
    """API + worker + embedded stores for whatever the environment leaves unset.

    On an empty catalog: the taxonomy and a sample shop; on the first start: a dev admin and
    customer. Other commands run in this directory find the stores through the dev-stack file.
    """
    from garderobe.devserver import FirstStart, run_dev

    settings = load_settings()
    if settings.environment == "production":
        fail("`garderobe dev` is for development; use `garderobe serve` in production.")
    run_dev(settings, host=host, port=port, first=FirstStart(sample_items, empty))


@main.command()
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, writable=True, allow_dash=True),
    default="-",
    show_default=True,
    help="file to write (the repository keeps it as openapi.json; `make openapi`)",
)
def openapi(output: str) -> None:
    """Print the OpenAPI document, built from the code alone (no store, no .env)."""
    from garderobe.api.openapi import contract_document, render

    text = render(contract_document())
    if output == "-":
        click.echo(text, nl=False)
        return
    with open(output, "w", encoding="utf-8") as file:
        file.write(text)
    click.echo(f"wrote {output}", err=True)


@main.group()
def db() -> None:
    """PostgreSQL schema migrations (Alembic)."""


def _with_database(action: Callable[[str], None]) -> None:
    settings = store_settings()
    if not settings.database_url:
        fail("DATABASE_URL is not set (see .env.example), and no `garderobe dev` is running.")
    action(settings.database_url)


@db.command()
@click.argument("revision", default="head")
def upgrade(revision: str) -> None:
    """Apply migrations up to REVISION (default: head)."""
    from garderobe import migrate

    _with_database(lambda url: migrate.upgrade(url, revision))


@db.command()
@click.argument("revision", default="-1")
def downgrade(revision: str) -> None:
    """Revert migrations down to REVISION (default: one step)."""
    from garderobe import migrate

    _with_database(lambda url: migrate.downgrade(url, revision))


@db.command()
def current() -> None:
    """Show the applied revision."""
    from garderobe import migrate

    _with_database(migrate.current)

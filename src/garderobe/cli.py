"""The `garderobe` command: serve, worker, dev, db …"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from typing import Any, NoReturn

import click
from pydantic import ValidationError

from garderobe import migrate, registry
from garderobe.infra.stores import StoreUnavailable, open_stores
from garderobe.logs import configure_logging
from garderobe.settings import Settings


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


def preflight(settings: Settings) -> None:
    """Connect to every store once so a bad URL is one clear line, not a traceback."""
    missing = settings.missing_stores()
    if missing:
        fail(
            f"{', '.join(missing)} not set. Set them (see .env.example) "
            "or run `garderobe dev` to start embedded stores."
        )

    async def check() -> None:
        stores = await open_stores(settings, registry.document_models())
        await stores.close()

    try:
        asyncio.run(check())
    except StoreUnavailable as exc:
        fail(str(exc))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
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

    settings = load_settings()
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

    settings = load_settings()
    preflight(settings)
    run_worker(settings)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
def dev(host: str, port: int) -> None:
    """API + worker + embedded stores for whatever the environment leaves unset."""
    from garderobe.devserver import run_dev

    settings = load_settings()
    if settings.environment == "production":
        fail("`garderobe dev` is for development; use `garderobe serve` in production.")
    run_dev(settings, host=host, port=port)


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
    settings = load_settings()
    if not settings.database_url:
        fail("DATABASE_URL is not set (see .env.example).")
    action(settings.database_url)


@db.command()
@click.argument("revision", default="head")
def upgrade(revision: str) -> None:
    """Apply migrations up to REVISION (default: head)."""
    _with_database(lambda url: migrate.upgrade(url, revision))


@db.command()
@click.argument("revision", default="-1")
def downgrade(revision: str) -> None:
    """Revert migrations down to REVISION (default: one step)."""
    _with_database(lambda url: migrate.downgrade(url, revision))


@db.command()
def current() -> None:
    """Show the applied revision."""
    _with_database(migrate.current)


for command in registry.cli_commands():
    main.add_command(command)

"""The `garderobe` command: serve, worker, dev, db …"""

from __future__ import annotations

import importlib
from collections.abc import Callable

import click

from garderobe import registry
from garderobe.commandline import CommandStores, fail, load_settings, preflight, store_settings
from garderobe.dev.first_start import DEFAULT_SAMPLE_ITEMS, FirstStart
from garderobe.logs import configure_logging

# Heavy modules (the app, the stores, Alembic) are imported inside the commands that use
# them: `garderobe dev` starts its embedded servers while they load, and `--help` stays quick.


# Each domain's own commands: name -> "module:click object", imported only when the
# subcommand runs (the domains' modules load the stores' drivers, which `--help` and the
# start of `garderobe dev` need not wait for).
DOMAIN_COMMANDS = {
    "users": "garderobe.accounts.cli:users",
    "seed": "garderobe.catalog.cli:seed",
    "search": "garderobe.catalog.cli:search_group",
    "catalog": "garderobe.catalog.cli:catalog_group",
    "check": "garderobe.commerce.cli:check_group",
    "import": "garderobe.imports.cli:import_command",
}


class _DomainCommands(click.Group):
    """The command tree: the commands below plus DOMAIN_COMMANDS."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *DOMAIN_COMMANDS])

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        path = DOMAIN_COMMANDS.get(cmd_name)
        if path is None:
            return super().get_command(ctx, cmd_name)
        module, _, name = path.partition(":")
        command: click.Command = getattr(importlib.import_module(module), name)
        return command


@click.group(cls=_DomainCommands, context_settings={"help_option_names": ["-h", "--help"]})
@click.pass_context
def main(ctx: click.Context) -> None:
    """garderobe: catalog and shop API."""
    # What every subcommand, the domains' too, opens the stores with (commandline.py).
    ctx.obj = CommandStores(registry.document_models)


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
    from garderobe.dev.launch import run_dev

    settings = load_settings()
    if "environment" not in settings.model_fields_set:  # the default is production
        settings = load_settings(environment="development")
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
    from garderobe.api.openapi import render
    from garderobe.main import contract_document

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

"""`garderobe check consistency`: compare the stores and mend what diverged."""

from __future__ import annotations

import asyncio

import click

from garderobe import registry
from garderobe.commandline import preflight, store_settings
from garderobe.infra.stores import open_stores


@click.group(name="check")
def check_group() -> None:
    """Checks across the stores."""


@check_group.command(name="consistency")
@click.option("--repair/--report-only", default=True, show_default=True)
def consistency(repair: bool) -> None:
    """Report divergences between MongoDB items and PostgreSQL stock and index rows (and
    repair them). Exits 1 when divergences remain."""
    from garderobe.commerce import consistency as checks

    settings = store_settings()
    preflight(settings)

    async def run() -> int:
        stores = await open_stores(settings, registry.document_models())
        try:
            found = await checks.find(stores)
            for line in found.lines():
                click.echo(line)
            if found.total and repair:
                await checks.repair(stores, found)
                found = await checks.find(stores)
                click.echo(f"repaired; {found.total} divergences left")
            return found.total
        finally:
            await stores.close()

    left = asyncio.run(run())
    if left:
        raise SystemExit(1)

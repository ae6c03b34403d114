"""`garderobe check consistency`: compare the stores and mend what diverged."""

from __future__ import annotations

import asyncio

import click

from garderobe.commandline import opened_stores, preflight, store_settings


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
        async with opened_stores(settings) as stores:
            found = await checks.find(stores)
            for line in found.lines():
                click.echo(line)
            if found.total and repair:
                await checks.repair(stores, found)
                found = await checks.find(stores)
                click.echo(f"repaired; {found.total} divergences left")
            return found.total

    left = asyncio.run(run())
    if left:
        raise SystemExit(1)

"""`garderobe seed`, `garderobe search reindex` and `garderobe catalog migrate-variants`."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import click

from garderobe.catalog import seeding
from garderobe.catalog.index import counts, reconcile
from garderobe.catalog.taxonomy import loading
from garderobe.catalog.taxonomy.documents import Brand, Vocabulary
from garderobe.catalog.variants import migration
from garderobe.catalog.variants.migration import MigrationReport
from garderobe.commandline import opened_stores, preflight, store_settings
from garderobe.infra.stores import Stores
from garderobe.settings import Settings
from garderobe.uow import unit_of_work

BATCHES_IN_FLIGHT = 3


def _checked_settings() -> Settings:
    """Settings whose stores answer: a bad URL ends here with one line, before any loop runs."""

    settings = store_settings()
    preflight(settings)
    return settings


async def _seed(settings: Settings, path: Path, items: int, batch_size: int) -> None:
    async with opened_stores(settings) as stores:
        report = await loading.load_file(path)
        if report.changed:
            click.echo(f"taxonomy: {len(report.created)} created, {len(report.updated)} updated")
            for line in report.created + report.updated:
                click.echo(f"  {line}")
        else:
            click.echo("taxonomy unchanged")
        if items:
            await _generate(stores, items, batch_size)


async def _generate(stores: Stores, count: int, batch_size: int) -> None:
    vocabularies = {v.field: v async for v in Vocabulary.find_all()}
    factory = seeding.ItemFactory(
        await seeding.leaves(),
        await Brand.find_all().to_list(),
        vocabularies,
        seed=int(time.time()),
    )
    started = time.perf_counter()
    # Batches overlap: while MongoDB stores one, PostgreSQL writes the next and Python
    # builds the one after. Each batch is still its own unit of work, in the stated order.
    in_flight: dict[asyncio.Task[None], int] = {}

    async def store(batch: list[seeding.Sample]) -> None:
        async with unit_of_work(stores) as session:
            await seeding.insert_batch(session, batch)

    async def settle(limit: int, bar: Any) -> None:
        while len(in_flight) > limit:
            done, _ = await asyncio.wait(in_flight, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                task.result()  # a failed batch stops the seed with its error
                bar.update(in_flight.pop(task))

    with click.progressbar(length=count, label="items", show_pos=True) as bar:
        for batch in factory.batches(count, batch_size):
            await settle(BATCHES_IN_FLIGHT - 1, bar)
            in_flight[asyncio.create_task(store(batch))] = len(batch)
        await settle(0, bar)
    async with unit_of_work(stores) as session:
        await counts.compact(session)
    elapsed = time.perf_counter() - started
    click.echo(f"{count} items in {elapsed:.1f} s: {count / elapsed:,.0f} items/s")


@click.command(name="seed")
@click.option(
    "--file",
    "path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="taxonomy YAML (default: seed/taxonomy.yaml)",
)
@click.option("--items", default=0, show_default=True, help="also generate N sample items")
@click.option("--batch-size", default=1000, show_default=True)
def seed(path: Path | None, items: int, batch_size: int) -> None:
    """Load the taxonomy (idempotent) and optionally generate sample items."""
    settings = _checked_settings()
    asyncio.run(_seed(settings, loading.taxonomy_file(path), items, batch_size))


@click.group(name="search")
def search_group() -> None:
    """The PostgreSQL search projection."""


@search_group.command()
def reindex() -> None:
    """Rebuild the search projection from MongoDB and drop rows of vanished items."""
    settings = _checked_settings()

    async def run() -> None:
        async with opened_stores(settings) as stores:
            report = await reconcile.reconcile(stores, recount=True)
        click.echo(
            f"search projection: {report.upserted} upserted, {report.removed} removed, "
            f"{report.unchanged} unchanged"
        )

    asyncio.run(run())


@click.group(name="catalog")
def catalog_group() -> None:
    """The catalog's items."""


@catalog_group.command(name="migrate-variants")
def migrate_variants() -> None:
    """Give every item written before variants its one variant (after `garderobe db
    upgrade`); sizes no size system of the category reads are listed. Idempotent."""
    settings = _checked_settings()

    async def run() -> MigrationReport:
        async with opened_stores(settings) as stores:
            report = await migration.migrate_items(stores)
            await reconcile.reconcile(stores, recount=True)
        return report

    report = asyncio.run(run())
    click.echo(
        f"variants: {report.migrated} items migrated ({report.typed} sizes typed, "
        f"{report.without_size} without a size, {len(report.other)} kept as other)"
    )
    for item_id, category, size in report.other:
        click.echo(f"  other size {size!r}: item {item_id} ({category})")

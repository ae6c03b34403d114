"""The read index's scheduled jobs (registered in `garderobe.registry.cron_jobs`)."""

from __future__ import annotations

from typing import Any

from garderobe.catalog.index import changelog, counts
from garderobe.catalog.index.reconcile import reconcile
from garderobe.uow import unit_of_work


async def reconcile_search(ctx: dict[str, Any]) -> dict[str, int]:
    """arq cron job."""
    return vars(await reconcile(ctx["stores"]))


async def compact_facet_counts(ctx: dict[str, Any]) -> None:
    """arq cron job: keeps facet_counts about one row per (category path, token), however
    many item writes appended changes since the last run, and item_facet_changes to the last
    hour (what in-process facet indexes may still need)."""
    async with unit_of_work(ctx["stores"]) as session:
        await counts.compact(session)
        await changelog.prune(session)

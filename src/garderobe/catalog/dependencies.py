"""Dependencies of the catalog's routes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request

from garderobe.api.deps import StoresDep
from garderobe.catalog import cache
from garderobe.catalog.memory_index import MemoryIndex


async def catalog_write(stores: StoresDep) -> AsyncIterator[None]:
    """For routes that write MongoDB only (taxonomy, image order and alt texts): once the
    route has run, and before it answers, the cached catalog pages are obsolete.

    Routes that write in a PostgreSQL transaction mark their unit of work instead
    (`cache.changed`): their bump must wait for the commit, which happens after this.
    """
    try:
        yield
    finally:
        await cache.bump(stores.redis)


CatalogWrite = Depends(catalog_write, scope="function")


async def memory_index(request: Request, stores: StoresDep) -> MemoryIndex | None:
    """This process's in-memory index once loaded; None while it loads (its load is started
    if it is not under way) and when CATALOG_INDEX=database: the statements answer then."""
    found: MemoryIndex | None = request.app.state.memory_index
    if found is not None and not found.loaded:
        found.start_loading(stores.sessionmaker)
        return None
    return found


MemoryIndexDep = Annotated[MemoryIndex | None, Depends(memory_index)]

"""Dependencies of the catalog's routes."""

from __future__ import annotations

from collections.abc import AsyncIterator

from fastapi import Depends

from garderobe.api.deps import StoresDep
from garderobe.catalog import cache


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

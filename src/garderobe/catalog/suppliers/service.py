"""Suppliers (admins only): create, change, list, delete, and find them by name.

Items name their supplier by slug (the MongoDB document) and carry a `supplier=<slug>` token
among their read-index `facet_values` (`index.tokens.facet_tokens`), so "how many items name
this supplier" and "list them" are one query on the GIN index of `item_facets`, every status
counted. A supplier named by any item cannot be deleted.

Item writes take a share lock on the supplier's row (`require_supplier`) and deletion an
exclusive one before counting: an item write and a deletion of its supplier serialise, so no
item is left naming a supplier that is gone.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, or_, select, text, tuple_
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from garderobe.catalog import cache
from garderobe.catalog.index.tokens import TOKEN_SEPARATOR, words
from garderobe.catalog.suppliers.models import Supplier
from garderobe.catalog.suppliers.schemas import SupplierIn
from garderobe.catalog.taxonomy.documents import slugify
from garderobe.errors import Conflict, Forbidden, InvalidInput, NotFound
from garderobe.pagination import InvalidCursor, decode_cursor, encode_cursor

FACET = "supplier"
MAX_SLUG = 80
# How close a misspelt name must come to a supplier's (pg_trgm word_similarity, 0..1).
NAME_SIMILARITY = 0.4


class SupplierNotFound(NotFound):
    slug = "supplier-not-found"
    title = "Supplier not found"


class SupplierExists(Conflict):
    slug = "supplier-exists"
    title = "A supplier with this slug exists"


class SupplierInUse(Conflict):
    slug = "supplier-in-use"
    title = "Supplier in use"


class UnknownSupplier(InvalidInput):
    slug = "unknown-supplier"
    title = "Unknown supplier"


class SupplierFilterForbidden(Forbidden):
    slug = "supplier-filter-forbidden"
    title = "Only admins filter by supplier"


def listing_filter(slugs: list[str] | None, *, admin: bool) -> list[str] | None:
    """The listing's `supplier` filter: admins only. Anyone else is refused (403) rather
    than answered with an unfiltered page that would look filtered."""
    if slugs and not admin:
        raise SupplierFilterForbidden("Filtering items by supplier is for admins.")
    return slugs


def token(slug: str) -> str:
    """The read-index token of the items naming `slug`."""
    return f"{FACET}{TOKEN_SEPARATOR}{slug}"


def _like(value: str) -> str:
    """`value` as a literal inside a LIKE pattern (its % _ and \\ escaped)."""
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


async def get_supplier(session: AsyncSession, slug: str, *, lock: bool = False) -> Supplier:
    """The supplier, or SupplierNotFound; `lock` holds its row until the transaction ends."""
    query = select(Supplier).where(Supplier.slug == slug)
    supplier = await session.scalar(query.with_for_update() if lock else query)
    if supplier is None:
        raise SupplierNotFound(f"No supplier {slug!r}.")
    return supplier


async def list_suppliers(
    session: AsyncSession, *, name: str | None, cursor: str | None, limit: int
) -> tuple[list[Supplier], str | None]:
    """By name (then slug), keyset-paged; `name` keeps those whose name contains it."""
    query = select(Supplier).order_by(Supplier.name, Supplier.slug).limit(limit + 1)
    if name:
        query = query.where(Supplier.name.ilike(f"%{_like(name)}%", escape="\\"))
    if cursor:
        after_name, after_slug = decode_cursor(cursor, 2)
        if not (isinstance(after_name, str) and isinstance(after_slug, str)):
            raise InvalidCursor("The cursor is not valid.")
        query = query.where(tuple_(Supplier.name, Supplier.slug) > (after_name, after_slug))
    found = list(await session.scalars(query))
    last = found[limit - 1] if len(found) > limit else None
    return found[:limit], encode_cursor(last.name, last.slug) if last else None


async def create_supplier(session: AsyncSession, body: SupplierIn) -> Supplier:
    """A new supplier; its slug is derived from the name unless given (409 when taken)."""
    slug = body.slug or slugify(body.name)[:MAX_SLUG].strip("-")
    if not slug:
        raise InvalidInput("The name needs a letter or digit to make a slug from; send `slug`.")
    now = datetime.now(UTC)
    values = {**body.model_dump(exclude={"slug"}), "slug": slug, "id": uuid.uuid4()}
    # ON CONFLICT: two admins creating the same slug at once get one 201 and one 409.
    statement = (
        insert(Supplier)
        .values(**values, created_at=now, updated_at=now)
        .on_conflict_do_nothing(index_elements=[Supplier.slug])
        .returning(Supplier)
    )
    supplier: Supplier | None = await session.scalar(select(Supplier).from_statement(statement))
    if supplier is None:
        raise SupplierExists(f"A supplier {slug!r} exists already.")
    cache.changed(session)  # admins' cached search answers list suppliers
    return supplier


async def update_supplier(session: AsyncSession, slug: str, changes: dict[str, Any]) -> Supplier:
    """Change name, contact email, country or notes (the slug stays: items name it)."""
    supplier = await get_supplier(session, slug, lock=True)
    for name, value in changes.items():
        setattr(supplier, name, value)
    supplier.updated_at = datetime.now(UTC)
    await session.flush()
    cache.changed(session)
    return supplier


async def delete_supplier(session: AsyncSession, slug: str) -> None:
    """Remove a supplier no item names; else SupplierInUse (409) with the count."""
    supplier = await get_supplier(session, slug, lock=True)
    items = await count_items(session, slug)
    if items:
        raise SupplierInUse(
            f"{items} {'item names' if items == 1 else 'items name'} {slug!r} as their "
            "supplier; move them to another supplier first.",
            extensions={"items": items},
        )
    await session.delete(supplier)
    await session.flush()
    cache.changed(session)


async def require_supplier(session: AsyncSession, slug: str) -> None:
    """For item writes: the supplier exists (else UnknownSupplier, 422), and its row is
    share-locked until the write commits, so it cannot be deleted meanwhile."""
    found = await session.scalar(
        select(Supplier.id).where(Supplier.slug == slug).with_for_update(read=True)
    )
    if found is None:
        raise UnknownSupplier(f"No supplier {slug!r}; create it first (POST /api/v1/suppliers).")


async def count_items(session: AsyncSession, slug: str) -> int:
    """Items naming the supplier, in any status (from the read index)."""
    return (await item_counts(session, [slug])).get(slug, 0)


_ITEM_COUNTS = text("""
SELECT tok, count(*) AS n FROM item_facets, unnest(facet_values) AS tok
WHERE facet_values && CAST(:tokens AS text[]) AND tok = ANY(CAST(:tokens AS text[]))
GROUP BY tok
""")


async def item_counts(session: AsyncSession, slugs: Sequence[str]) -> dict[str, int]:
    """Items naming each supplier among `slugs`, in one statement (absent: none)."""
    if not slugs:
        return {}
    by_token = {token(s): s for s in slugs}
    rows = await session.execute(_ITEM_COUNTS, {"tokens": sorted(by_token)})
    return {by_token[row.tok]: int(row.n) for row in rows}


async def matching(session: AsyncSession, q: str, limit: int = 10) -> list[Supplier]:
    """Suppliers whose name contains the query or one of its words (three letters or
    more), or comes close to it (typos): for admins' search and suggestions."""
    query = " ".join(q.lower().split())
    patterns = [f"%{_like(w)}%" for w in dict.fromkeys([query, *words(query)]) if len(w) >= 3]
    name = func.lower(func.unaccent(Supplier.name))
    wanted = func.lower(func.unaccent(query))
    closeness = func.word_similarity(wanted, name)
    conditions = [closeness >= NAME_SIMILARITY]
    conditions += [name.like(func.unaccent(p), escape="\\") for p in patterns]
    statement = (
        select(Supplier)
        .where(or_(*conditions))
        .order_by(name.startswith(wanted).desc(), closeness.desc(), Supplier.name)
        .limit(limit)
    )
    return list(await session.scalars(statement))

"""Factories for test data: explicit arguments, no hidden fixtures."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from bson import ObjectId
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from garderobe.accounts.models import Role, User
from garderobe.accounts.security import hash_password, issue_token
from garderobe.catalog import cache
from garderobe.catalog.documents import (
    OTHER_SIZE,
    Item,
    ItemStatus,
    Money,
    Variant,
    VariantSize,
    legacy_sku,
)
from garderobe.catalog.index import writer as index
from garderobe.infra.stores import Stores
from garderobe.settings import Settings
from garderobe.sizing.systems import all_systems, parse_size
from garderobe.stock import service as stock
from garderobe.stock.service import NewStock
from garderobe.uow import unit_of_work

DEFAULT_PASSWORD = "correct horse battery staple"


async def create_user(
    sessionmaker: async_sessionmaker[AsyncSession],
    *,
    email: str | None = None,
    role: Role = Role.CUSTOMER,
    confirmed: bool = True,
    active: bool = True,
    password: str = DEFAULT_PASSWORD,
    full_name: str = "Test Shopper",
) -> User:
    user = User(
        id=uuid.uuid4(),
        email=email or f"user-{uuid.uuid4().hex[:8]}@example.org",
        password_hash=hash_password(password),
        full_name=full_name,
        role=role,
        is_active=active,
        email_confirmed_at=datetime.now(UTC) if confirmed else None,
    )
    async with sessionmaker() as session, session.begin():
        session.add(user)
    return user


def auth_headers(settings: Settings, user: User) -> dict[str, str]:
    token, _ = issue_token(settings, user.id, "access")
    return {"Authorization": f"Bearer {token}"}


def variant(
    size: str | None = None, colour: str | None = None, price: int | None = None
) -> Variant:
    """A variant for `create_item(variants=…)`; a size is "system:value" ("shoe_eu:42"), or
    read on the first size system it parses on ("M": letter, "W32 L34": jeans), else kept
    as an `other` size."""
    variant_id = str(ObjectId())
    typed = None
    codes = [system.code for system in all_systems()]
    if size is not None and size.partition(":")[0] in codes:
        system, _, value = size.partition(":")
        typed = VariantSize(system=system, value=value)
    elif size is not None:
        parsed = parse_size(size, codes)
        system, value = parsed or (OTHER_SIZE, size)
        typed = VariantSize(system=system, value=value)
    return Variant(
        id=variant_id,
        sku=legacy_sku(variant_id),
        size=typed,
        colour=colour,
        price=Money(amount=price) if price is not None else None,
    )


async def create_item(
    *,
    title: str = "Plain white T-shirt",
    category: str = "t-shirts",
    category_path: list[str] | None = None,
    brand: str | None = "uniqlo",
    price: int = 1999,
    currency: str = "EUR",
    status: ItemStatus = ItemStatus.ACTIVE,
    size: str | None = None,
    variants: list[Variant] | None = None,
    **fields: object,
) -> Item:
    """Insert an item straight into MongoDB (bypassing validation) for tests of other
    domains; `size` is its one variant's (typed as `variant` does)."""
    sold = variants or [variant(size)]
    item = Item(
        title=title,
        category=category,
        category_path=category_path or ["clothes", "tops", category],
        brand=brand,
        price=Money(amount=price, currency=currency),
        status=status,
        size=size if len(sold) == 1 else None,
        variants=[v.model_copy(update={"position": n}) for n, v in enumerate(sold)],
        **fields,  # type: ignore[arg-type]
    )
    await item.insert()
    return item


async def stock_items(stores: Stores, *items: Item, on_hand: int | list[int] = 1) -> None:
    """Stock rows for every variant of the items (idempotent): `on_hand` units each, or one
    number per variant of a single item."""
    async with unit_of_work(stores) as session:
        await add_stock(session, *items, on_hand=on_hand)


async def add_stock(session: AsyncSession, *items: Item, on_hand: int | list[int] = 1) -> None:
    rows = []
    for item in items:
        variants = item.sellable_variants()
        counts = on_hand if isinstance(on_hand, list) else [on_hand] * len(variants)
        rows += [
            NewStock(v.id, str(item.id), v.sku, n) for v, n in zip(variants, counts, strict=True)
        ]
    await stock.create_for_variants(session, rows)


async def index_items(stores: Stores, *items: Item, on_hand: int | list[int] | None = 1) -> None:
    """Write the items' stock rows (unless `on_hand` is None: sold out, or stocked already)
    and read-index rows as every catalog write does (category and brand names are their
    slugs here), and make the cached catalog pages obsolete."""
    async with unit_of_work(stores) as session:
        if on_hand is not None:
            await add_stock(session, *items, on_hand=on_hand)
        rows = [(item, list(item.category_path), item.brand) for item in items]
        await index.index_items_bulk(session, rows)
        cache.changed(session)


async def create_listed_item(
    stores: Stores, *, on_hand: int | list[int] | None = 1, **fields: object
) -> Item:
    """An item in MongoDB, with stock, and in the read index, as listings and search see it."""
    item = await create_item(**fields)  # type: ignore[arg-type]
    await index_items(stores, item, on_hand=on_hand)
    return item

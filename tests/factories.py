"""Factories for test data: explicit arguments, no hidden fixtures."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from garderobe.accounts.models import Role, User
from garderobe.accounts.security import hash_password, issue_token
from garderobe.catalog import cache
from garderobe.catalog.documents import Item, ItemStatus, Money
from garderobe.catalog.index import writer as index
from garderobe.infra.stores import Stores
from garderobe.settings import Settings
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


async def create_item(
    *,
    title: str = "Plain white T-shirt",
    category: str = "t-shirts",
    category_path: list[str] | None = None,
    brand: str | None = "uniqlo",
    price: int = 1999,
    currency: str = "EUR",
    status: ItemStatus = ItemStatus.ACTIVE,
    **fields: object,
) -> Item:
    """Insert an item straight into MongoDB (bypassing validation) for tests of other domains."""
    item = Item(
        title=title,
        category=category,
        category_path=category_path or ["clothes", "tops", category],
        brand=brand,
        price=Money(amount=price, currency=currency),
        status=status,
        **fields,  # type: ignore[arg-type]
    )
    await item.insert()
    return item


async def index_items(stores: Stores, *items: Item) -> None:
    """Write the items' read-index rows as every catalog write does (category and brand
    names are their slugs here), and make the cached catalog pages obsolete."""
    async with unit_of_work(stores) as session:
        rows = [(item, list(item.category_path), item.brand) for item in items]
        await index.index_items_bulk(session, rows)
        cache.changed(session)


async def create_listed_item(stores: Stores, **fields: object) -> Item:
    """An item in MongoDB and in the read index, as listings and search see it."""
    item = await create_item(**fields)  # type: ignore[arg-type]
    await index_items(stores, item)
    return item

"""Item bodies: an item with its image URLs (public base URL or presigned, by configuration),
its variants and what of them is available, and its rating summary, as JSON for admins and
for everyone else, and its ETag."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import TypeAdapter
from sqlalchemy.ext.asyncio import AsyncSession

from garderobe.catalog import service
from garderobe.catalog.documents import Item, Variant
from garderobe.catalog.schemas import ItemOut, RatingSummary
from garderobe.catalog.variants.presenters import NONE, Level, offering
from garderobe.catalog.variants.presenters import variant_out as variant_body
from garderobe.catalog.variants.schemas import VariantOut
from garderobe.infra.storage import ObjectStorage
from garderobe.media.urls import object_urls
from garderobe.settings import Settings
from garderobe.stock import service as stock

# What an item body leaves out for everyone but admins (see `item_json`, `ItemOut.of`).
ADMIN_ONLY_FIELDS = frozenset({"supplier"})
# What a variant's body leaves out for everyone but admins: the exact counts.
ADMIN_ONLY_VARIANT_FIELDS = frozenset({"stock"})
_VARIANTS = TypeAdapter(list[VariantOut])


def etag(item: Item, rating_version: int = 0, fit_version: str = "") -> str:
    """A strong ETag naming the item and its revision: `"<id>-<revision>"`; item detail
    adds `.<n>` once the item has a rating summary (its n-th change), and `.<fit version>`
    once it or its brand has fit verdicts, so a new review never leaves a client with a
    stale 304."""
    suffix = f".{rating_version}" if rating_version or fit_version else ""
    suffix += f".{fit_version}" if fit_version else ""
    return f'"{item.id}-{item.revision}{suffix}"'


async def item_out(
    session: AsyncSession,
    item: Item,
    storage: ObjectStorage,
    settings: Settings,
    rating: RatingSummary | None = None,
    *,
    admin: bool = False,
) -> ItemOut:
    """The item's body with its variants' availability and its rating summary; exact stock
    and the supplier are filled in only for an `admin`."""
    [out] = await item_outs(session, [item], storage, settings, {str(item.id): rating}, admin=admin)
    return out


async def item_outs(
    session: AsyncSession,
    items: Sequence[Item],
    storage: ObjectStorage,
    settings: Settings,
    ratings: Mapping[str, RatingSummary | None] | None = None,
    *,
    admin: bool = False,
    cards: bool = False,
) -> list[ItemOut]:
    """The items' bodies, their stock read in one statement; as `cards` (listings) without
    each variant's body: a card shows the sizes in stock and the price range."""
    levels = await _levels(session, items)
    found = []
    for item in items:
        urls = {
            image.id: await object_urls(storage, settings, image.key, image.thumbnails)
            for image in item.images
        }
        out = ItemOut.of(item, urls, admin=admin)
        few = settings.few_left_threshold
        shown = offering(item, levels, few_left=few, admin=admin, each=not cards)
        out.variants, out.availability = shown.variants, shown.availability
        out.sizes_in_stock, out.price_range = shown.sizes_in_stock, shown.price_range
        out.rating = (ratings or {}).get(str(item.id))
        found.append(out)
    return found


def public_fields() -> dict[str, Any]:
    """What a non-admin's item body leaves out (a pydantic `exclude`)."""
    return {
        **dict.fromkeys(ADMIN_ONLY_FIELDS, True),
        "variants": {"__all__": set(ADMIN_ONLY_VARIANT_FIELDS)},
    }


def item_json(out: ItemOut, *, admin: bool) -> bytes:
    """The item as JSON: for non-admins without the admin-only keys at all."""
    return out.model_dump_json(exclude=None if admin else public_fields()).encode()


async def variants_out(
    session: AsyncSession, item_id: str, settings: Settings, *, admin: bool
) -> list[VariantOut]:
    """An item's variants (non-admins: of an active item only) with their availability."""
    item = await service.get_item(item_id, include_inactive=admin)
    levels = await _levels(session, [item])
    shown = offering(item, levels, few_left=settings.few_left_threshold, admin=admin)
    return shown.variants


async def variant_out(
    session: AsyncSession, item: Item, variant: Variant, settings: Settings
) -> VariantOut:
    """One variant as admins see it, exact stock included."""
    level = (await _levels(session, [item])).get(variant.id, NONE)
    return variant_body(item, variant, level, few_left=settings.few_left_threshold, admin=True)


def variants_json(found: list[VariantOut], *, admin: bool) -> bytes:
    exclude: dict[str, Any] | None = None if admin else {"__all__": set(ADMIN_ONLY_VARIANT_FIELDS)}
    return _VARIANTS.dump_json(found, exclude=exclude)


async def _levels(session: AsyncSession, items: Sequence[Item]) -> dict[str, Level]:
    rows = await stock.levels(session, [str(item.id) for item in items])
    return {v: Level(r.on_hand, r.reserved) for v, r in rows.items()}

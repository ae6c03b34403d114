"""Sizes for shoppers: conversion on a kind's chart (a brand's own or the default) and the
shopper's saved sizes (private: read and written by the shopper only)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from garderobe.accounts import saved_sizes
from garderobe.accounts.service import User
from garderobe.catalog import service as items
from garderobe.catalog.fit import advice, charts, presenters
from garderobe.catalog.fit.profile import FitProfile, NoSavedSizes, profile
from garderobe.catalog.fit.schemas import (
    ConversionOut,
    ItemFitOut,
    SavedSizeOut,
    SavedSizesIn,
    SavedSizesOut,
)
from garderobe.catalog.taxonomy import service as taxonomy
from garderobe.sizing.charts import SizeChart, default_chart
from garderobe.sizing.conversion import SizeNotOnChart, convert
from garderobe.sizing.systems import UnknownSize, parse_size, size_system


async def chart(
    session: AsyncSession, kind: str, brand: str | None, *, completed: bool = False
) -> SizeChart:
    """The chart of `kind` for `brand` (the default when the brand has none; `completed`:
    see `charts.completed_chart`); 404 for an unknown brand, 422 for an unknown kind."""
    if brand is not None and await taxonomy.find_brand(brand) is None:
        raise taxonomy.BrandMissing(f"No brand {brand!r}.")
    return await charts.chart_for(session, kind, brand, completed=completed)


def read_size(on: SizeChart, text: str, system: str | None) -> tuple[str, str]:
    """(system, value) of a size given as text, on `system` or the first of the chart's
    systems it reads on; UnknownSize (422) naming the chart's values otherwise."""
    codes = [system] if system is not None else list(on.systems())
    found = parse_size(text, codes)
    if found is None:
        raise UnknownSize(text, [size_system(code) for code in codes])
    return found


async def conversion(
    session: AsyncSession,
    kind: str,
    size: str,
    *,
    system: str | None,
    brand: str | None,
    targets: Sequence[str],
) -> ConversionOut:
    """The sizes of the target systems (all the chart's others when none) equivalent to
    `size`, each with its ranges and whether the match is exact."""
    on = await chart(session, kind, brand, completed=True)
    code, value = read_size(on, size, system)
    row = on.row(code, value)
    if row is None:
        raise SizeNotOnChart(on, code, value)
    wanted = list(targets) or [s for s in on.systems() if s != code]
    return ConversionOut(
        kind=kind,
        brand=brand,
        chart="default" if on.brand is None else "brand",
        primary=on.primary,
        size=presenters.size_out(code, value, row.ranges),
        equivalents=[presenters.equivalent_out(e) for e in convert(on, code, value, wanted)],
    )


def checked_sizes(body: SavedSizesIn) -> dict[str, Any]:
    """Saved sizes as stored: each size canonical and on its kind's default chart."""
    sizes = {}
    for kind, given in sorted(body.sizes.items()):
        on = default_chart(kind)
        code, value = read_size(on, given.value, size_system(given.system).code)
        if on.row(code, value) is None:
            raise SizeNotOnChart(on, code, value)
        sizes[kind] = {"system": code, "value": value}
    measures = {k: v for k, v in body.body.model_dump().items() if v is not None}
    return {"sizes": sizes, "body": measures}


def saved_out(data: dict[str, Any] | None) -> SavedSizesOut:
    data = data or {"sizes": {}, "body": {}}
    sizes = {
        kind: SavedSizeOut(**size, label=size_system(size["system"]).label_of(size["value"]))
        for kind, size in data["sizes"].items()
    }
    return SavedSizesOut(sizes=sizes, body=dict(data["body"]))


async def my_sizes(session: AsyncSession, user_id: uuid.UUID) -> SavedSizesOut:
    """The shopper's own saved sizes (empty when none are saved)."""
    return saved_out(await saved_sizes.read(session, user_id))


async def save_my_sizes(
    session: AsyncSession, user_id: uuid.UUID, body: SavedSizesIn
) -> SavedSizesOut:
    """Replace the shopper's saved sizes (422 for a kind, system or size no chart has)."""
    data = checked_sizes(body)
    await saved_sizes.save(session, user_id, data)
    return saved_out(data)


async def saved_profile(session: AsyncSession, user_id: uuid.UUID) -> FitProfile:
    """The shopper's saved sizes as a fit profile; NoSavedSizes (422) when there are none."""
    data = await saved_sizes.read(session, user_id)
    found = profile(
        [(k, s["system"], s["value"]) for k, s in (data or {}).get("sizes", {}).items()],
        (data or {}).get("body", {}),
    )
    if not found:
        raise NoSavedSizes("fits=me needs saved sizes: PUT /api/v1/me/sizes first.")
    return found


async def item_fit(session: AsyncSession, item_id: str, user: User | None) -> ItemFitOut:
    """An active item's fit summary (404 otherwise) and, for `user`'s saved sizes, the
    size to choose."""
    item = await items.get_item(item_id, include_inactive=user is not None and user.is_admin)
    return await advice.item_fit(session, item, user.id if user is not None else None)

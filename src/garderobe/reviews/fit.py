"""A review's fit verdict: the size it names must be one the buyer ordered of the item, and
each change of a visible verdict is reported to the catalog's fit counts
(`catalog.fit.feedback.apply_fit_change`) in the review change's transaction."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy.ext.asyncio import AsyncSession

from garderobe.accounts.service import User
from garderobe.catalog import service as catalog
from garderobe.catalog.documents import OTHER_SIZE, Item
from garderobe.catalog.fit import feedback
from garderobe.commerce import purchases
from garderobe.errors import InvalidInput, NotFound
from garderobe.reviews.models import Review, ReviewStatus
from garderobe.sizing.systems import size_system


class FitSizeNotBought(InvalidInput):
    slug = "fit-size-not-bought"
    title = "Not a size you ordered"


def counted(review: Review) -> feedback.Verdict | None:
    """The verdict a review adds to the fit counts (a hidden one adds none)."""
    if review.status is not ReviewStatus.VISIBLE or review.fit_verdict is None:
        return None
    return cast(feedback.Verdict, review.fit_verdict)


def _names(text: str, system: str, value: str, label: str | None) -> bool:
    given = " ".join(text.split())
    if given == f"{system}:{value}" or (label and given.casefold() == label.casefold()):
        return True
    return system != OTHER_SIZE and size_system(system).parse(given) == value


async def bought_size(session: AsyncSession, user: User, item: Item, text: str) -> str:
    """The size ("letter:M") of the buyer's order line of `item` that `text` names;
    FitSizeNotBought (422, listing the sizes ordered) when it names none."""
    lines = await purchases.sizes_bought(session, user.id, str(item.id))
    for line in lines:
        variant = item.variant(line.variant_id) if line.variant_id else None
        if variant is not None and variant.size is not None:
            size = variant.size
            if _names(text, size.system, size.value, line.size):
                return f"{size.system}:{size.value}"
        elif line.size and _names(text, OTHER_SIZE, line.size, line.size):
            return f"{OTHER_SIZE}:{line.size}"
    ordered = sorted({line.size for line in lines if line.size})
    shown = ", ".join(ordered) or "no sized variant"
    raise FitSizeNotBought(
        f"You did not order this item in {text[:40]!r}; you ordered: {shown}.",
        extensions={"ordered": ordered},
    )


async def take_fit(
    session: AsyncSession, user: User, item: Item, fields: dict[str, Any]
) -> dict[str, Any]:
    """`fields` with the review's `fit` ({verdict, size} or None) as its two columns."""
    if "fit" not in fields:
        return fields
    fit = fields.pop("fit")
    if fit is None:
        return {**fields, "fit_verdict": None, "fit_size": None}
    size = await bought_size(session, user, item, fit["size"])
    return {**fields, "fit_verdict": fit["verdict"], "fit_size": size}


async def report(
    session: AsyncSession, item_id: str, old: feedback.Verdict | None, new: feedback.Verdict | None
) -> None:
    """Tell the catalog a visible verdict changed (nothing to tell when the item is gone)."""
    if old == new:
        return
    try:
        item = await catalog.get_item(item_id)
    except NotFound:
        return
    await feedback.apply_fit_change(session, item, old, new)

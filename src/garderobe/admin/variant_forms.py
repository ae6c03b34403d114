"""An item's variants in the admin panel: the forms of its page, read into the bodies the API
takes (`VariantIn`, `VariantPatch`, `StockIn`) and handed to the same service calls, audited
in their transaction. A form the service refuses comes back with the reason on the page.

Every form carries the item's revision as the page showed it: a change made meanwhile (by
the API or another admin) is refused as the API refuses a stale `If-Match`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from garderobe.accounts.models import User
from garderobe.admin import audit
from garderobe.catalog import service as catalog
from garderobe.catalog.documents import Item, Variant
from garderobe.catalog.variants import service as variants
from garderobe.catalog.variants.schemas import VariantIn, VariantPatch
from garderobe.errors import InvalidInput
from garderobe.stock import service as stock
from garderobe.stock.schemas import StockIn

Form = dict[str, str]
# What a form does to the item (at the revision its page showed), as (before, after) for
# the audit row.
Change = Callable[[AsyncSession, Item, int], Awaitable[tuple[Any, Any]]]
Body = TypeVar("Body", VariantIn, VariantPatch, StockIn)


class InvalidForm(InvalidInput):
    slug = "invalid-variant-form"
    title = "The form has a mistake"


def readable(error: ValidationError) -> str:
    return "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())


def _price(text: str, currency: str) -> dict[str, Any] | None:
    """A price typed in major units ("25", "25.50") as the API's Money; empty: none."""
    if not text.strip():
        return None
    try:
        amount = Decimal(text.strip().replace(",", "."))
    except InvalidOperation:
        raise InvalidForm(f"Price: {text!r} is not an amount (write it like 25.00).") from None
    if amount < 0 or amount != amount.quantize(Decimal("0.01")):
        raise InvalidForm(f"Price: {text!r} is not an amount in cents (write it like 25.00).")
    return {"amount": int(amount * 100), "currency": currency}


def _validated(schema: type[Body], data: dict[str, Any]) -> Body:
    try:
        return schema.model_validate(data)
    except ValidationError as invalid:
        raise InvalidForm(readable(invalid)) from invalid


def _text(form: Form, name: str) -> str | None:
    return form.get(name, "").strip() or None


def new_variant(item: Item, form: Form) -> VariantIn:
    data: dict[str, Any] = {name: _text(form, name) for name in ("sku", "size", "colour", "gtin")}
    data["size_system"] = _text(form, "size_system") if data["size"] else None
    data["price"] = _price(form.get("price", ""), item.price.currency)
    data["stock"] = _text(form, "stock") or 0
    return _validated(VariantIn, data)


def _as_shown(variant: Variant) -> dict[str, Any]:
    """The variant's fields as its edit form shows them (empty: none)."""
    size = variant.size
    return {
        "sku": variant.sku,
        "size": size.value if size else None,
        "size_system": size.system if size else None,
        "colour": variant.colour,
        "price": variant.price.model_dump() if variant.price else None,
        "gtin": variant.gtin,
    }


def variant_changes(item: Item, variant: Variant, form: Form) -> VariantPatch:
    """Only what the form changed: a field sent back as shown stays as it is (a size is
    not read again on another system, an old GTIN not checked again)."""
    sent: dict[str, Any] = {name: _text(form, name) for name in ("sku", "size", "colour", "gtin")}
    sent["size_system"] = _text(form, "size_system") if sent["size"] else None
    sent["price"] = _price(form.get("price", ""), item.price.currency)
    shown = _as_shown(variant)
    changed = {name: value for name, value in sent.items() if value != shown[name]}
    if "size_system" in changed or "size" in changed:
        changed.update(size=sent["size"], size_system=sent["size_system"])
    if changed.get("sku", "") is None:  # every variant has a SKU: left empty, it is kept
        del changed["sku"]
    return _validated(VariantPatch, changed)


def _snapshot(variant: Variant) -> dict[str, Any]:
    return variant.model_dump(mode="json", exclude={"position"})


def _found(item: Item, variant_id: str) -> Variant:
    variant = item.variant(variant_id)
    if variant is None:
        raise catalog.VariantNotFound(f"Item {item.id} has no variant {variant_id!r}.")
    return variant


def adding(form: Form) -> Change:
    async def change(session: AsyncSession, item: Item, revision: int) -> tuple[Any, Any]:
        _, added = await variants.add_variant(session, item, revision, new_variant(item, form))
        return None, _snapshot(added)

    return change


def changing(variant_id: str, form: Form) -> Change:
    async def change(session: AsyncSession, item: Item, revision: int) -> tuple[Any, Any]:
        current = _found(item, variant_id)
        patch = variant_changes(item, current, form)
        _, changed = await variants.change_variant(session, item, revision, variant_id, patch)
        return _snapshot(current), _snapshot(changed)

    return change


def removing(variant_id: str) -> Change:
    async def change(session: AsyncSession, item: Item, revision: int) -> tuple[Any, Any]:
        current = _found(item, variant_id)
        await variants.remove_variant(session, item, revision, variant_id)
        return _snapshot(current), None

    return change


def restocking(variant_id: str, form: Form) -> Change:
    """Units on hand through `catalog.service.set_on_hand`, so the read index follows."""

    async def change(session: AsyncSession, item: Item, revision: int) -> tuple[Any, Any]:
        wanted = _validated(StockIn, {"on_hand": form.get("on_hand", "").strip()}).on_hand
        rows = (await stock.item_stock(session, str(item.id))).variants
        before = next((row.on_hand for row in rows if row.variant_id == variant_id), None)
        await catalog.set_on_hand(session, str(item.id), wanted, variant_id)
        return (
            {"variant_id": variant_id, "on_hand": before},
            {"variant_id": variant_id, "on_hand": wanted},
        )

    return change


async def apply(
    session: AsyncSession, actor: User, item_id: str, revision: str, action: str, change: Change
) -> None:
    """Run one form's change on the item at the revision its page showed, and audit it."""
    item = await catalog.get_item(item_id)
    try:
        expected = int(revision)
    except ValueError:
        raise InvalidForm("The form lost the item's revision; reload the page.") from None
    before, after = await change(session, item, expected)
    audit.record(
        session,
        actor,
        action=action,
        target="catalog-item",
        target_id=item_id,
        before=before,
        after=after,
    )

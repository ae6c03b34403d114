"""Items as carts and orders see them: each variant's order-line description, current price
and whether it can be bought. Other domains get these, never the documents."""

from __future__ import annotations

from dataclasses import dataclass

from garderobe.catalog.documents import Item, ItemStatus
from garderobe.catalog.variants.presenters import size_label
from garderobe.errors import InvalidInput, NotFound


class VariantNotFound(NotFound):
    slug = "variant-not-found"
    title = "Variant not found"


class VariantRequired(InvalidInput):
    slug = "variant-required"
    title = "Name one of the item's variants"


@dataclass(frozen=True)
class VariantOffer:
    """One variant as carts and orders see it: how an order line describes it, its current
    price, and whether it can be bought now. Other domains get this, never the document."""

    item_id: str
    variant_id: str
    sku: str
    title: str
    brand: str | None
    size: str | None  # the size's label ("EU 38")
    colour: str | None
    image: str | None  # object key of the first image
    price: int  # minor units of `currency`
    currency: str
    for_sale: bool  # the item is active: listed and orderable
    category_path: tuple[str, ...] = ()  # department down to the category (discount scopes)
    weight_grams: int = 0  # per unit, for shipping by weight; 0 when the item has none


@dataclass(frozen=True)
class ItemOffer:
    """An item's variants as carts and orders see them."""

    id: str
    for_sale: bool
    variants: tuple[VariantOffer, ...]

    def find(self, variant_id: str) -> VariantOffer | None:
        """The variant a cart line holds, if the item still has it."""
        return next((v for v in self.variants if v.variant_id == variant_id), None)

    def variant(self, variant_id: str | None) -> VariantOffer:
        """The variant a line names; an item of one variant may be named without one.
        VariantRequired (422) or VariantNotFound (404) otherwise."""
        if variant_id is None:
            if len(self.variants) != 1:
                raise VariantRequired(
                    f"Item {self.id} comes in {len(self.variants)} variants: name one.",
                    extensions={
                        "item_id": self.id,
                        "variant_ids": [v.variant_id for v in self.variants],
                    },
                )
            return self.variants[0]
        found = self.find(variant_id)
        if found is not None:
            return found
        raise VariantNotFound(f"Item {self.id} has no variant {variant_id!r}.")


def offer_of(item: Item) -> ItemOffer:
    """What carts and orders see of the item."""
    image = item.images[0].key if item.images else None
    for_sale = item.status is ItemStatus.ACTIVE
    variants = tuple(
        VariantOffer(
            item_id=str(item.id),
            variant_id=variant.id,
            sku=variant.sku,
            title=item.title,
            brand=item.brand,
            size=size_label(variant.size) if variant.size else None,
            colour=variant.colour,
            image=image,
            price=item.price_of(variant).amount,
            currency=item.price.currency,
            for_sale=for_sale,
            category_path=tuple(item.category_path),
            weight_grams=item.weight_grams or 0,
        )
        for variant in item.sellable_variants()
    )
    return ItemOffer(id=str(item.id), for_sale=for_sale, variants=variants)

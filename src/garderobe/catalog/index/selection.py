"""What a listing selects from the read index, and the facet tokens it stands for.

One `Selection` describes a listing's filters (category subtree, field and attribute
values, sizes, colours, price range, availability, statuses, search words) and its page
(sort, cursor, limit). The statements over PostgreSQL (`browse.listing`, `browse.facets`)
and the in-memory bitmaps (`memory`) read the same tokens from it, so both answer the same
question.

Filters on the item (brand, condition, attributes …) are one clause each. Sizes, colours,
the price range and `in_stock` filter the item's offers (`index.offers`): together they are
one variant filter, met when one offer meets all of them.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from garderobe.catalog.documents import OTHER_SIZE, ItemStatus
from garderobe.catalog.index.offers import (
    COLOUR_FACET,
    SEPARATOR,
    SIZE_FACET,
    STOCK_FACET,
    VARIANT_FACET,
    Offer,
)
from garderobe.catalog.index.tokens import PRICE_TOKEN, TOKEN_SEPARATOR, token
from garderobe.sizing.systems import all_systems

Sort = Literal["newest", "price_asc", "price_desc", "relevance", "rating"]
PRICE = PRICE_TOKEN  # the price filter's key among the filters: no facet token starts with it
VARIANT = VARIANT_FACET  # the variant filter's key among the clauses
OFFER_FACETS = (SIZE_FACET, COLOUR_FACET)
IN_STOCK = f"{STOCK_FACET}{TOKEN_SEPARATOR}in"


@dataclass(frozen=True)
class SizeGroup:
    """Items that a size chart (or garment measurements) speaks for, with the sizes that
    fit: an item in one of the leaf `categories` (tokens; empty: any), of one of the `brands`
    (tokens; empty: any), with none of the `excluded` tokens, with one of the `measured`
    tokens (attribute values that fit; empty: not asked) and with an available variant of
    one of the `sizes` (size token values, "letter:M"; empty: any available variant).
    `catalog.fit` builds them; one per (garment kind, brand chart), and per kind one for
    measured items."""

    categories: tuple[str, ...] = ()
    brands: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()
    sizes: frozenset[str] = frozenset()
    measured: tuple[str, ...] = ()


@dataclass
class Selection:
    """A listing's filters and page, as the index answers them."""

    category_path: str | None = None
    fields: dict[str, list[str]] = field(default_factory=dict)
    attributes: dict[str, list[str]] = field(default_factory=dict)
    price_min: int | None = None
    price_max: int | None = None
    in_stock: bool = False
    # A to_tsquery('simple') expression from the search words of `q`; "" matches nothing.
    tsquery: str | None = None
    sort: Sort = "newest"
    cursor: str | None = None
    limit: int = 24
    statuses: tuple[ItemStatus, ...] = (ItemStatus.ACTIVE,)
    # Fit clauses ("fit", "size_across"): an item passes one when it is in one of its groups.
    size_groups: dict[str, tuple[SizeGroup, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class VariantFilter:
    """The filters on offers: size token values ("letter:M"), colour slugs, a price range."""

    sizes: frozenset[str] = frozenset()
    colours: frozenset[str] = frozenset()
    price_min: int | None = None
    price_max: int | None = None
    in_stock: bool = False

    @property
    def priced(self) -> bool:
        return self.price_min is not None or self.price_max is not None

    def __bool__(self) -> bool:
        return bool(self.sizes or self.colours or self.priced or self.in_stock)

    def size_ok(self, size: str) -> bool:
        return not self.sizes or size in self.sizes

    def colour_ok(self, colour: str) -> bool:
        return not self.colours or colour in self.colours

    def price_ok(self, price: int) -> bool:
        low, high = self.price_min, self.price_max
        return (low is None or price >= low) and (high is None or price <= high)

    def met_by(self, offer: Offer) -> bool:
        return (
            self.size_ok(offer.size) and self.colour_ok(offer.colour) and self.price_ok(offer.price)
        )

    def tokens(self, *, sizes: Sequence[str] | None = None) -> list[str]:
        """Tokens of which a row needs one to have an offer of the sizes (these `sizes`
        instead of the filter's, when given) and colours: the pair where both are
        filtered, else the one filtered, else anything in stock."""
        wanted = self.sizes if sizes is None else sizes
        if wanted and self.colours:
            pairs = [f"{s}{SEPARATOR}{c}" for s in sorted(wanted) for c in sorted(self.colours)]
            return [f"{VARIANT_FACET}{TOKEN_SEPARATOR}{p}" for p in pairs]
        if wanted:
            return [f"{SIZE_FACET}{TOKEN_SEPARATOR}{s}" for s in sorted(wanted)]
        if self.colours:
            return [f"{COLOUR_FACET}{TOKEN_SEPARATOR}{c}" for c in sorted(self.colours)]
        return [IN_STOCK]

    def colour_tokens(self, colour: str) -> list[str]:
        """Tokens of which a row needs one to have an offer in `colour` of the sizes."""
        if self.sizes:
            pairs = [f"{s}{SEPARATOR}{colour}" for s in sorted(self.sizes)]
            return [f"{VARIANT_FACET}{TOKEN_SEPARATOR}{p}" for p in pairs]
        return [f"{COLOUR_FACET}{TOKEN_SEPARATOR}{colour}"]


def size_values(text: str) -> set[str]:
    """The size token values a query-string size stands for: "letter:M" as given; a bare
    "M" or "38" stands for that value on every size system it parses on (and for an
    `other` size of that label)."""
    system, colon, value = text.partition(":")
    if colon and value:
        return {f"{system}:{value}"}
    found = {f"{OTHER_SIZE}:{text}"}
    for scale in all_systems():
        if (parsed := scale.parse(text)) is not None:
            found.add(f"{scale.code}:{parsed}")
    return found


def variant_filter(selection: Selection) -> VariantFilter:
    sizes = {v for text in selection.fields.get(SIZE_FACET, ()) for v in size_values(text)}
    return VariantFilter(
        sizes=frozenset(sizes),
        colours=frozenset(selection.fields.get(COLOUR_FACET, ())),
        price_min=selection.price_min,
        price_max=selection.price_max,
        in_stock=selection.in_stock,
    )


def _filter_tokens(facet: str, values: Sequence[str]) -> list[str]:
    """Tokens a query-string value may stand for: itself, and its canonical number form
    ("5.0" finds an attribute stored as 5)."""
    found: set[str] = set()
    for value in values:
        found.add(f"{facet}{TOKEN_SEPARATOR}{value}")
        with contextlib.suppress(ValueError, OverflowError):
            number = float(value) if "." in value or "e" in value.lower() else int(value)
            if (canonical := token(facet, number)) is not None:
                found.add(canonical)
    return sorted(found)


def filter_tokens(selection: Selection) -> dict[str, list[str]]:
    """Per filtered facet on the item (fields and attributes, not sizes or colours), the
    tokens of which a row needs one."""
    named = [(n, v) for n, v in selection.fields.items() if n not in OFFER_FACETS]
    named += [(f"attr.{name}", values) for name, values in selection.attributes.items()]
    return {facet: _filter_tokens(facet, values) for facet, values in named if values}


def status_tokens(selection: Selection) -> list[str]:
    return [f"status{TOKEN_SEPARATOR}{s.value}" for s in selection.statuses]


def category_token(selection: Selection) -> str | None:
    path = selection.category_path
    return f"category{TOKEN_SEPARATOR}{path}" if path else None


def group_rows(
    union: Callable[[Sequence[str]], Any], vf: VariantFilter, groups: Sequence[SizeGroup]
) -> Any:
    """The rows (bitmaps, from `union` of tokens) in one of the groups: the in-memory twin of
    `browse.listing`'s group clause. A group's sizes pair with the filter's colours, so the
    same variant has both."""
    found = union([])
    for group in groups:
        rows = union(vf.tokens(sizes=sorted(group.sizes)))
        if group.categories:
            rows &= union(group.categories)
        if group.brands:
            rows &= union(group.brands)
        if group.measured:
            rows &= union(group.measured)
        if group.excluded:
            rows -= union(group.excluded)
        found |= rows
    return found


@dataclass(frozen=True)
class Matches:
    """What the in-memory index, caught up for a request, knows of the items that meet a
    listing's filters: all their ids when they are few, else whether it has an id."""

    ids: Sequence[str] | None = None
    has: Callable[[str], bool] | None = None

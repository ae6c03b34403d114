"""What the read index stores of an item: its facet tokens and search words.

Every filterable value is kept as a `facet_values` token "<facet>=<value>"
("colour=black", "category=jeans", "attr.fit=slim", "status=active"): one GIN index answers
every filter, and facet counts are one `unnest` over the matching rows (`browse.facets`) or
intersections of bitmaps (`memory`).
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Sequence
from typing import Any

from garderobe.catalog.documents import Item
from garderobe.catalog.index.offers import Offer, offer_pairs

_WORD = re.compile(r"[^\W_]+(?:-[^\W_]+)*", re.UNICODE)


CATEGORY_SEPARATOR = " / "


TOKEN_SEPARATOR = "="  # noqa: S105 - not a password


# GIN entries are limited to about a third of a page: longer free-text values are left out of
# the tokens (they stay filterable by nothing but full-text search, as text attributes are).
MAX_TOKEN_VALUE = 200


# Lower bounds of the listing's price buckets (minor units); facet_counts holds one
# "#price=<lower bound>" token per item, so changing them needs `garderobe search reindex`.
PRICE_BOUNDARIES = [0, 1000, 2500, 5000, 10000, 25000, 50000, 100000]


PRICE_TOKEN = "#price"  # noqa: S105 - not a password; no facet name starts with "#"


# An item whose average rating is at least N carries "rating=N" for each N here: the filter
# `rating_min=N` is that one token, and its facet counts are "N stars and up".
RATING_FACET = "rating"


RATING_THRESHOLDS = (1, 2, 3, 4)


def words(value: str) -> list[str]:
    """Lower-cased words; a hyphenated word also yields its joined form (t-shirt -> tshirt)."""
    found: list[str] = []
    for match in _WORD.findall(value.lower()):
        found.append(match)
        if "-" in match:
            found += [match.replace("-", ""), *match.split("-")]
    return found


def token_value(value: Any) -> str | None:
    """The canonical text of a filterable value: booleans as true/false, whole numbers
    without a fraction (5.0 -> "5"), so a query-string value finds what was stored."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, str) and 0 < len(value) <= MAX_TOKEN_VALUE:
        return value
    return None


def token(facet: str, value: Any) -> str | None:
    canonical = token_value(value)
    return None if canonical is None else f"{facet}{TOKEN_SEPARATOR}{canonical}"


def split_token(raw: str) -> tuple[str, str]:
    """ "attr.fit=slim" -> ("attr.fit", "slim"); facet names never contain the separator."""
    facet, _, value = raw.partition(TOKEN_SEPARATOR)
    return facet, value


def facet_tokens(item: Item, offers: Sequence[Offer]) -> list[str]:
    """Every value a listing can filter or facet on, as "<facet>=<value>" tokens: the item's
    own, and its offers' sizes and colours (`index.offers`)."""
    pairs: list[tuple[str, Any]] = [("status", item.status.value)]
    pairs += [("category", slug) for slug in item.category_path]
    pairs += [("brand", item.brand), ("condition", item.condition)]
    pairs.append(("supplier", item.supplier))  # admins' filter and the delete guard only
    pairs += [("material", item.material), ("pattern", item.pattern)]
    pairs += offer_pairs(offers)
    for name, value in item.attributes.items():
        values = value if isinstance(value, list) else [value]
        pairs += [(f"attr.{name}", v) for v in values]
    found = (token(facet, value) for facet, value in pairs if value is not None)
    return sorted({t for t in found if t is not None})


def attribute_words(item: Item) -> str:
    values: list[str] = [
        *item.colours,
        item.pattern or "",
        item.material or "",
        item.condition or "",
    ]
    for value in item.attributes.values():
        if isinstance(value, list):
            values += [str(v) for v in value]
        elif isinstance(value, str):
            values.append(value)
    return " ".join(values)


def price_token(amount: int) -> str:
    """The price bucket an amount falls in, as a facet_counts token ("#price=2500")."""
    lower = PRICE_BOUNDARIES[max(bisect.bisect_right(PRICE_BOUNDARIES, amount) - 1, 0)]
    return f"{PRICE_TOKEN}{TOKEN_SEPARATOR}{lower}"


def rating_tokens(average: float) -> list[str]:
    """The rating tokens of an average (none while an item has no visible review)."""
    return [f"{RATING_FACET}{TOKEN_SEPARATOR}{n}" for n in RATING_THRESHOLDS if average >= n]


def without_rating(tokens: Sequence[str]) -> list[str]:
    return [t for t in tokens if not t.startswith(RATING_FACET + TOKEN_SEPARATOR)]

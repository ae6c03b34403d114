"""What a listing selects from the read index, and the facet tokens it stands for.

One `Selection` describes a listing's filters (category subtree, field and attribute
values, price range, statuses, search words) and its page (sort, cursor, limit). The
statements over PostgreSQL (`browse.listing`, `browse.facets`) and the in-memory bitmaps
(`memory`) read the same tokens from it, so both answer the same question.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from garderobe.catalog.documents import ItemStatus
from garderobe.catalog.index.tokens import PRICE_TOKEN, TOKEN_SEPARATOR, token

Sort = Literal["newest", "price_asc", "price_desc", "relevance", "rating"]
PRICE = PRICE_TOKEN  # the price filter's key among the filters: no facet token starts with it


@dataclass
class Selection:
    """A listing's filters and page, as the index answers them."""

    category_path: str | None = None
    fields: dict[str, list[str]] = field(default_factory=dict)
    attributes: dict[str, list[str]] = field(default_factory=dict)
    price_min: int | None = None
    price_max: int | None = None
    # A to_tsquery('simple') expression from the search words of `q`; "" matches nothing.
    tsquery: str | None = None
    sort: Sort = "newest"
    cursor: str | None = None
    limit: int = 24
    statuses: tuple[ItemStatus, ...] = (ItemStatus.ACTIVE,)


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
    """Per filtered facet (fields and attributes), the tokens of which a row needs one."""
    named = [(name, values) for name, values in selection.fields.items()]
    named += [(f"attr.{name}", values) for name, values in selection.attributes.items()]
    return {facet: _filter_tokens(facet, values) for facet, values in named if values}


def status_tokens(selection: Selection) -> list[str]:
    return [f"status{TOKEN_SEPARATOR}{s.value}" for s in selection.statuses]


def category_token(selection: Selection) -> str | None:
    path = selection.category_path
    return f"category{TOKEN_SEPARATOR}{path}" if path else None

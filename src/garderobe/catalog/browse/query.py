"""A listing's query parameters, parsed and normalized: equal queries are equal objects,
and so share one cache entry."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Literal

from garderobe.catalog import cache
from garderobe.catalog.documents import ItemStatus
from garderobe.catalog.fit.profile import FitProfile, profile
from garderobe.errors import InvalidInput
from garderobe.sizing.charts import default_chart, garment_kinds
from garderobe.sizing.systems import SizeSystem, size_system

SortParam = Literal["newest", "price_asc", "price_desc", "relevance", "rating"]
ATTRIBUTE_PREFIX = "attr."


RANGE_ENDS = (".min", ".max")


def attribute_filters(params: Mapping[str, Any]) -> dict[str, list[str]]:
    """`attr.fit=slim&attr.fit=regular` -> {"fit": ["slim", "regular"]}."""
    found: dict[str, list[str]] = {}
    getlist = getattr(params, "getlist", None)
    for key in params:
        if key.endswith(RANGE_ENDS):
            continue
        if key.startswith(ATTRIBUTE_PREFIX) and len(key) > len(ATTRIBUTE_PREFIX):
            values = getlist(key) if getlist else [params[key]]
            found[key[len(ATTRIBUTE_PREFIX) :]] = [str(v) for v in values]
    return found


def attribute_ranges(params: Mapping[str, Any]) -> dict[str, tuple[float | None, float | None]]:
    """`attr.chest_flat.min=50&attr.chest_flat.max=56` -> {"chest_flat": (50.0, 56.0)};
    422 for an end that is not a finite number."""
    found: dict[str, tuple[float | None, float | None]] = {}
    for key in params:
        if not (key.startswith(ATTRIBUTE_PREFIX) and key.endswith(RANGE_ENDS)):
            continue
        name, end = key[len(ATTRIBUTE_PREFIX) : -4], key[-3:]
        try:
            bound = float(params[key])
        except ValueError:
            raise InvalidInput(f"{key} must be a number.") from None
        if not name or not math.isfinite(bound):
            raise InvalidInput(f"{key} must be a finite number of an attribute.")
        low, high = found.get(name, (None, None))
        found[name] = (bound, high) if end == "min" else (low, bound)
    return dict(sorted(found.items()))


def _statuses(requested: list[str] | None) -> tuple[ItemStatus, ...]:
    if not requested:
        return (ItemStatus.ACTIVE,)
    try:
        return tuple(sorted({ItemStatus(s) for s in requested}))
    except ValueError as exc:
        raise InvalidInput(f"status must be one of {[s.value for s in ItemStatus]}.") from exc


def _size_in(text: str, system: SizeSystem) -> tuple[str, str]:
    """(system, canonical value) of a size filter value: "letter:M" on its own system,
    anything else on `system`."""
    prefix, colon, value = text.partition(":")
    if colon:
        return size_system(prefix).code, size_system(prefix).parse_or_raise(value)
    return system.code, system.parse_or_raise(text)


def _normalized(values: Sequence[str] | None) -> list[str]:
    return sorted(set(values or []))


@dataclass(frozen=True)
class ListingQuery:
    """The listing's parameters, parsed and normalized: equal queries are equal objects."""

    category: str | None = None
    fields: dict[str, list[str]] = field(default_factory=dict)
    attributes: dict[str, list[str]] = field(default_factory=dict)
    # Number attributes as ranges (garment measurements): attr.<name>.min / .max.
    ranges: dict[str, tuple[float | None, float | None]] = field(default_factory=dict)
    price_min: int | None = None
    price_max: int | None = None
    q: str | None = None
    sort: SortParam = "newest"
    cursor: str | None = None
    limit: int = 24
    facets: bool = False
    in_stock: bool = False
    statuses: tuple[ItemStatus, ...] = (ItemStatus.ACTIVE,)
    # Admins' pages show admin-only fields (the supplier): they are cached apart.
    admin: bool = False
    # fits=me and body dimensions (`fit`); sizes given in the shopper's `size_system`
    # (`size_across`), matched across systems through the charts.
    fit: FitProfile | None = None
    size_across: FitProfile | None = None
    size_system: str | None = None

    @classmethod
    def parse(
        cls,
        params: Mapping[str, Any],
        *,
        fields: Mapping[str, list[str] | None],
        q: str | None,
        sort: SortParam | None,
        statuses: list[str] | None,
        **rest: Any,
    ) -> ListingQuery:
        """`params` is the raw query string (for `attr.*`); the rest come parsed."""
        words = " ".join(q.split()) if q else None
        if sort == "relevance" and not words:
            raise InvalidInput("sort=relevance needs a search query `q`.")
        return cls(
            fields={k: _normalized(v) for k, v in sorted(fields.items()) if v},
            attributes={k: _normalized(v) for k, v in sorted(attribute_filters(params).items())},
            ranges=attribute_ranges(params),
            q=words,
            sort=sort or ("relevance" if words else "newest"),
            statuses=_statuses(statuses),
            **rest,
        )

    def with_size_system(self, code: str | None) -> ListingQuery:
        """The query with its sizes read in the shopper's system `code` (a value may name
        its own, "letter:M", as the size facet gives it; UnknownSizeSystem, UnknownSize:
        422) and matched across systems on every kind's chart that has the size's system;
        a size no chart has is matched as itself."""
        if code is None:
            return self
        system = size_system(code)
        fields = {k: v for k, v in self.fields.items() if k != "size"}
        wanted, exact = [], set()
        for text in self.fields.get("size", ()):
            on, value = _size_in(text, system)
            kinds = [k for k in garment_kinds() if on in default_chart(k).systems()]
            wanted += [(kind, on, value) for kind in kinds]
            if not kinds:
                exact.add(f"{on}:{value}")
        if exact:
            fields["size"] = sorted(exact)
        across = profile(wanted, {}) if wanted else None
        return replace(self, fields=fields, size_across=across, size_system=system.code)

    def cache_key(self) -> str:
        return cache.key("items", asdict(self))

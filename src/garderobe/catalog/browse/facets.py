"""Disjunctive facet counts and price statistics of a listing, from the read index.

A facet's counts apply every filter but its own (picking "slim" still shows how many
"regular" there are). So a row that fails two or more filters counts for no facet, and:

* with two or more filters, one statement reads only the rows that fail at most one (an OR
  of the filters taken all-but-one at a time, which the GIN index answers), remembers which
  one each fails, and counts their `facet_values` tokens in one `unnest` + `GROUP BY`;
* with one filter or none, a facet's own counts are those of the whole category, which
  `facet_counts` holds per category path (`index.writer` keeps it): no item row is read for
  them, and the other facets count only the rows that pass the filter.

`facet_counts` covers active items without search words; other listings (admins' status
filters, `q`) always take the statement.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from garderobe.catalog.browse.listing import Params, base_conditions, clauses
from garderobe.catalog.documents import ItemStatus
from garderobe.catalog.index.selection import PRICE, Selection
from garderobe.catalog.index.tokens import (
    PRICE_BOUNDARIES,
    RATING_FACET,
    TOKEN_SEPARATOR,
    split_token,
)
from garderobe.catalog.memory.index import MemoryIndex, Tally
from garderobe.catalog.taxonomy.documents import AttributeType

FIELD_FACETS = ("brand", "size", "colour", "condition", "material", "pattern")
MAX_FACET_VALUES = 50


@dataclass
class FacetCounts:
    fields: dict[str, list[tuple[Any, int]]]
    price_min: int | None
    price_max: int | None
    price_buckets: dict[int, int]  # lower bound -> count


def facet_names(filtered: Iterable[str], schema: Mapping[str, str]) -> tuple[list[str], set[str]]:
    """The facets to count (fixed fields, category, the category's facetable attributes
    `schema` and any `filtered` attribute) and which of them hold booleans."""
    attributes = dict(schema)
    for name in filtered:
        attributes.setdefault(name, AttributeType.ENUM.value)
    names = [*FIELD_FACETS, "category", *(f"attr.{n}" for n in sorted(attributes))]
    names.append(RATING_FACET)
    booleans = {
        f"attr.{n}" for n, kind in attributes.items() if kind == AttributeType.BOOLEAN.value
    }
    return names, booleans


def _all_but_one(found: dict[str, str]) -> str:
    """Rows failing at most one of the filters, as an OR of ANDs the GIN index can answer."""
    sqls = list(found.values())
    if len(sqls) < 2:
        return "TRUE"
    groups = [" AND ".join(s for j, s in enumerate(sqls) if j != i) for i in range(len(sqls))]
    return "(" + " OR ".join(f"({g})" for g in groups) + ")"


def _statement(selection: Selection, params: Params, *, disjunctive: bool) -> str:
    found = clauses(selection, params)
    conditions = base_conditions(selection, params)
    failing = "NULL"
    if not disjunctive:
        conditions += found.values()
    elif found:
        # The prefix of the one facet a row fails ("colour="), or NULL when it passes all.
        # Facet names come from the query string (attr.<name>): bound, never interpolated.
        failing = "CASE " + " ".join(
            f"WHEN NOT ({sql}) THEN {params.bind(name if name == PRICE else name + '=')}"
            for name, sql in found.items()
        )
        failing += " END"
        conditions.append(_all_but_one(found))
    bounds = params.bind(PRICE_BOUNDARIES, "int[]")
    price_rows = f"failing IS NULL OR failing = {params.bind(PRICE)}"
    return f"""
        WITH candidates AS MATERIALIZED (
            SELECT facet_values, price_amount, {failing} AS failing
            FROM item_facets WHERE {" AND ".join(conditions)}
        )
        SELECT 't' AS kind, tok AS key, count(*) AS n
        FROM candidates, unnest(facet_values) AS tok
        WHERE failing IS NULL OR starts_with(tok, failing)
        GROUP BY tok
        UNION ALL
        SELECT 'b', width_bucket(price_amount, {bounds})::text, count(*)
        FROM candidates WHERE {price_rows} GROUP BY 2
        UNION ALL
        SELECT 'r', min(price_amount)::text || ':' || max(price_amount)::text, count(*)
        FROM candidates WHERE {price_rows}
    """  # noqa: S608 - only generated placeholders (:p0 …) and fixed SQL are interpolated


async def _scan(session: AsyncSession, selection: Selection, *, disjunctive: bool) -> Tally:
    params = Params()
    statement = _statement(selection, params, disjunctive=disjunctive)
    tally = Tally({}, {})
    for row in await session.execute(text(statement), params.values):
        if row.kind == "t":
            tally.tokens[row.key] = row.n
        elif row.kind == "b":
            tally.buckets[PRICE_BOUNDARIES[int(row.key) - 1]] = row.n
        elif row.key is not None:
            first, _, last = row.key.partition(":")
            tally.price_min, tally.price_max = int(first), int(last)
    return tally


async def _category_counts(session: AsyncSession, selection: Selection) -> Tally:
    """Counts of every token over the whole category (no filter), from facet_counts; the
    price range from the price index (a min and a max are one index probe each)."""
    where, bound = "", {}
    if selection.category_path:
        where, bound = (
            "WHERE category_path @> CAST(:path AS text[])",
            {"path": [selection.category_path]},
        )
    rows = await session.execute(
        text(
            f"SELECT token, sum(n) AS n FROM facet_counts {where} "  # noqa: S608
            "GROUP BY token HAVING sum(n) > 0"
        ),
        bound,
    )
    tally = Tally({}, {})
    price_prefix = PRICE + TOKEN_SEPARATOR
    for row in rows:
        if row.token.startswith(price_prefix):
            tally.buckets[int(row.token.removeprefix(price_prefix))] = int(row.n)
        else:
            tally.tokens[row.token] = int(row.n)
    params = Params()
    conditions = " AND ".join(base_conditions(selection, params))
    statement = f"SELECT min(price_amount), max(price_amount) FROM item_facets WHERE {conditions}"  # noqa: S608
    low, high = (await session.execute(text(statement), params.values)).one()
    tally.price_min, tally.price_max = low, high
    return tally


def _category_filter(selection: Selection) -> tuple[bool, str | None]:
    """Whether facet_counts can give this listing's own-filter counts, and the one filtered
    facet they are for (None when there is no filter)."""
    if selection.statuses != (ItemStatus.ACTIVE,) or selection.tsquery is not None:
        return False, None
    found = clauses(selection, Params())
    return len(found) <= 1, next(iter(found), None)


async def _tally(session: AsyncSession, selection: Selection) -> Tally:
    counted, filtered = _category_filter(selection)
    if not counted:
        return await _scan(session, selection, disjunctive=True)
    whole = await _category_counts(session, selection)
    if filtered is None:
        return whole
    passing = await _scan(session, selection, disjunctive=False)
    if filtered == PRICE:
        passing.buckets = whole.buckets
        passing.price_min, passing.price_max = whole.price_min, whole.price_max
        return passing
    prefix = filtered + TOKEN_SEPARATOR
    tokens = {t: n for t, n in passing.tokens.items() if not t.startswith(prefix)}
    tokens.update((t, n) for t, n in whole.tokens.items() if t.startswith(prefix))
    passing.tokens = tokens
    return passing


def _typed(value: str, boolean: bool) -> Any:
    return value == "true" if boolean and value in ("true", "false") else value


async def facets(
    session: AsyncSession,
    selection: Selection,
    names: Sequence[str],
    booleans: Collection[str],
    memory: MemoryIndex | None = None,
) -> FacetCounts:
    """Disjunctive value counts of the facets `names` (the top MAX_FACET_VALUES of each),
    price min/max and price buckets. `booleans` names the facets whose values are
    true/false. With `memory` (this process's bitmaps), listings without search words are
    counted there after it caught up with the index; otherwise by the statements here."""
    if memory is not None and selection.tsquery is None and await memory.refresh(session):
        tally = memory.tally(selection, names)
    else:
        tally = await _tally(session, selection)
    counts: dict[str, list[tuple[Any, int]]] = {name: [] for name in names}
    for raw, n in tally.tokens.items():
        facet, value = split_token(raw)
        if facet in counts:
            counts[facet].append((_typed(value, facet in booleans), n))
    for values in counts.values():
        values.sort(key=lambda pair: (-pair[1], str(pair[0])))
        del values[MAX_FACET_VALUES:]
    return FacetCounts(counts, tally.price_min, tally.price_max, tally.buckets)

"""Disjunctive facet counts and price statistics of a listing, from the read index.

A facet's counts apply every filter but its own (picking "slim" still shows how many
"regular" there are), and count items, not variants. Sizes, colours and prices are those of
the offers (`index.offers`): the size facet counts, per size, the items with an offer of
that size that meets the colour and price filters (the same variant); the colour facet
likewise; the price facet, per bucket, the items with an offer in it that meets the size
and colour filters. A sold-out item is listed, but offers nothing: it counts for no size,
colour or price. So:

* one statement reads the rows that fail at most one filter on the item (an OR of the
  filters taken all-but-one at a time, which the GIN index answers), remembers which one
  each fails, counts their `facet_values` tokens in one `unnest` + `GROUP BY`, and their
  offers in another;
* without a variant filter and with one filter on the item or none, a facet's own counts
  are those of the whole category, which `facet_counts` holds per category path
  (`index.writer` keeps it): no item row is read for them, and the other facets count only
  the rows that pass the filter.

`facet_counts` covers active items without search words; other listings (admins' status
filters, `q`) always take the statement.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from garderobe.catalog.browse.listing import Params, base_conditions, clauses, offer_parts
from garderobe.catalog.documents import ItemStatus
from garderobe.catalog.index.offers import SIZE_FACET, size_of_token
from garderobe.catalog.index.selection import (
    IN_STOCK,
    VARIANT,
    Selection,
    VariantFilter,
    variant_filter,
)
from garderobe.catalog.index.tokens import (
    PRICE_BOUNDARIES,
    PRICE_TOKEN,
    RATING_FACET,
    TOKEN_SEPARATOR,
    split_token,
)
from garderobe.catalog.memory.counting import Tally
from garderobe.catalog.memory.index import MemoryIndex
from garderobe.catalog.taxonomy.documents import AttributeType
from garderobe.catalog.variants.presenters import size_order

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


def _failing(found: dict[str, str], params: Params) -> str:
    """The prefix of the one item filter a row fails ("brand="), NULL when it fails none.
    Facet names come from the query string (attr.<name>): bound, never interpolated."""
    if not found:
        return "NULL"
    cases = " ".join(
        f"WHEN NOT ({sql}) THEN {params.bind(name + '=')}" for name, sql in found.items()
    )
    return f"CASE {cases} END"


def _offer_rows(vf: VariantFilter, params: Params) -> list[str]:
    """Conditions narrowing the rows to those whose offers can count (any offer at all;
    with sizes and colours, an offer of one of them)."""
    if not vf:
        return []
    found = [f"facet_values @> {params.bind([IN_STOCK], 'text[]')}"]
    if vf.sizes and vf.colours:
        sizes = [f"size{TOKEN_SEPARATOR}{s}" for s in sorted(vf.sizes)]
        colours = [f"colour{TOKEN_SEPARATOR}{c}" for c in sorted(vf.colours)]
        found.append(f"facet_values && {params.bind(sizes + colours, 'text[]')}")
    return found


def _statement(selection: Selection, params: Params, *, disjunctive: bool) -> str:
    """Counts of the rows failing at most one item filter (`disjunctive`), or of those
    passing every filter."""
    found = {k: v for k, v in clauses(selection, params).items() if k != VARIANT}
    vf = variant_filter(selection)
    conditions = base_conditions(selection, params)
    if disjunctive:
        failing = _failing(found, params)
        conditions.append(_all_but_one(found))
    else:
        failing = "NULL"
        conditions += found.values()
    conditions += _offer_rows(vf, params)
    size_ok, colour_ok, price_ok = offer_parts(vf, params, "e")
    passes = "TRUE"
    if vf:  # each row asks its own offers (a semi-join on `m` is planned as a nested loop)
        met = f"{size_ok} AND {colour_ok} AND {price_ok}"
        passes = f"EXISTS (SELECT 1 FROM unnest(offers) AS e WHERE {met})"  # noqa: S608
    bounds = params.bind(PRICE_BOUNDARIES, "int[]")
    return f"""
        WITH c AS MATERIALIZED (
            SELECT item_id, facet_values, offers, {failing} AS failing, {passes} AS passes
            FROM item_facets WHERE {" AND ".join(conditions)}
        ), m AS MATERIALIZED (
            SELECT c.item_id, c.failing, split_part(e, '|', 1) AS s, split_part(e, '|', 2) AS col,
                   split_part(e, '|', 3)::int AS p,
                   {size_ok} AS s_ok, {colour_ok} AS c_ok, {price_ok} AS p_ok
            FROM c, unnest(c.offers) AS e
        )
        SELECT 't' AS kind, tok AS key, count(*) AS n
        FROM c, unnest(c.facet_values) AS tok
        WHERE (c.failing IS NULL OR starts_with(tok, c.failing)) AND c.passes
        GROUP BY tok
        UNION ALL
        SELECT 's', s, count(DISTINCT item_id) FROM m
        WHERE failing IS NULL AND c_ok AND p_ok AND s <> '' GROUP BY s
        UNION ALL
        SELECT 'c', col, count(DISTINCT item_id) FROM m
        WHERE failing IS NULL AND s_ok AND p_ok AND col <> '' GROUP BY col
        UNION ALL
        SELECT 'b', width_bucket(p, {bounds})::text, count(DISTINCT item_id) FROM m
        WHERE failing IS NULL AND s_ok AND c_ok GROUP BY 2
        UNION ALL
        SELECT 'r', min(p)::text || ':' || max(p)::text, count(*) FROM m
        WHERE failing IS NULL AND s_ok AND c_ok
    """  # noqa: S608 - only generated placeholders (:p0 …) and fixed SQL are interpolated


_OFFER_KINDS = {"s": "size", "c": "colour"}


async def _scan(session: AsyncSession, selection: Selection, *, disjunctive: bool) -> Tally:
    params = Params()
    statement = _statement(selection, params, disjunctive=disjunctive)
    tally = Tally({}, {})
    for row in await session.execute(text(statement), params.values):
        if row.kind == "t" and not row.key.startswith(("size=", "colour=")):
            tally.tokens[row.key] = row.n
        elif row.kind in _OFFER_KINDS:
            tally.tokens[f"{_OFFER_KINDS[row.kind]}{TOKEN_SEPARATOR}{row.key}"] = row.n
        elif row.kind == "b":
            tally.buckets[PRICE_BOUNDARIES[int(row.key) - 1]] = row.n
        elif row.kind == "r" and row.key is not None:
            first, _, last = row.key.partition(":")
            tally.price_min, tally.price_max = int(first), int(last)
    return tally


async def _category_counts(session: AsyncSession, selection: Selection) -> Tally:
    """Counts of every token over the whole category (no filter), from facet_counts; the
    price range over the items available."""
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
    price_prefix = PRICE_TOKEN + TOKEN_SEPARATOR
    for row in rows:
        if row.token.startswith(price_prefix):
            tally.buckets[int(row.token.removeprefix(price_prefix))] = int(row.n)
        else:
            tally.tokens[row.token] = int(row.n)
    params = Params()
    conditions = base_conditions(selection, params)
    conditions.append(f"facet_values @> {params.bind([IN_STOCK], 'text[]')}")
    # Only what is available has a price to filter by: the lowest and highest offers.
    statement = (
        "SELECT min(price_amount), max(price_top) FROM item_facets "  # noqa: S608
        f"WHERE {' AND '.join(conditions)}"
    )
    low, high = (await session.execute(text(statement), params.values)).one()
    tally.price_min, tally.price_max = low, high
    return tally


def _category_filter(selection: Selection) -> tuple[bool, str | None]:
    """Whether facet_counts can give this listing's own-filter counts, and the one filtered
    facet they are for (None when there is no filter): never under a variant filter, whose
    facets count the offers that meet it."""
    if selection.statuses != (ItemStatus.ACTIVE,) or selection.tsquery is not None:
        return False, None
    found = clauses(selection, Params())
    return len(found) <= 1 and VARIANT not in found, next(iter(found), None)


async def _tally(session: AsyncSession, selection: Selection) -> Tally:
    counted, filtered = _category_filter(selection)
    if not counted:
        return await _scan(session, selection, disjunctive=True)
    whole = await _category_counts(session, selection)
    if filtered is None:
        return whole
    passing = await _scan(session, selection, disjunctive=False)
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
    *,
    caught_up: bool = False,
) -> FacetCounts:
    """Disjunctive value counts of the facets `names` (the top MAX_FACET_VALUES of each),
    price min/max and price buckets. `booleans` names the facets whose values are
    true/false. With `memory` (this process's bitmaps), listings without search words are
    counted there after it caught up with the index (`caught_up`: the caller's refresh did
    that a moment ago); otherwise by the statements here."""
    if (
        memory is not None
        and selection.tsquery is None
        and (caught_up or await memory.refresh(session))
    ):
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
    if SIZE_FACET in counts:  # the most frequent sizes, shown in scale order
        counts[SIZE_FACET].sort(key=lambda pair: _size_order(pair[0]))
    return FacetCounts(counts, tally.price_min, tally.price_max, tally.buckets)


def _size_order(value: object) -> tuple[int, int, str]:
    size = size_of_token(value) if isinstance(value, str) else None
    return size_order(size) if size is not None else (10**6, 0, str(value))

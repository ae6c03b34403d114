"""Migrating a catalogue seeded before variants: the same stock and facet counts after.

    .venv/bin/python bench/variant_migration.py --old-checkout DIR [--items 100000]

DIR is a checkout of the last release before variants with its own `.venv` (for example
`git worktree add --detach ../before-variants 1caa8cf && make -C ../before-variants venv`).
On one set of fresh stores, that release migrates the database and seeds N items
(`garderobe seed`), and its API answers the broadest facet listing; then this checkout's
`garderobe db upgrade` (migration 0014), `garderobe seed` (this release's taxonomy, with the
categories' size systems) and `garderobe catalog migrate-variants` run, timed, and this API
answers the same listing. Printed: the stock totals of both, the facet counts
that must agree (brand, colour, category, the sizes summed), the sizes each release shows
and how many stayed "other" sizes. Exits non-zero when totals or counts differ.
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import GARDEROBE, environment, serving, stores
from garderobe.settings import Settings

COMPARED = ("brand", "colour", "category")
Facets = dict[str, Counter[str]]


def _run(garderobe: str, env: dict[str, str], *args: str) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run([garderobe, *args], env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return time.perf_counter() - started, (done.stdout + done.stderr).strip()


def _facets(garderobe: str, env: dict[str, str]) -> Facets:
    """The broadest facet listing's counts as this release's API answers them."""
    argv = [garderobe, "serve", "--host", "127.0.0.1", "--port", "{port}"]
    with serving(argv, env, "/health/live") as base:
        body: dict[str, Any] = httpx.get(
            f"{base}/api/v1/items", params={"facets": "true", "limit": 1}, timeout=600
        ).json()
    fields = body["facets"]["fields"]
    return {name: Counter({v["value"]: v["count"] for v in fields[name]}) for name in fields}


async def _stock(settings: Settings) -> tuple[int, int, int]:
    """(rows, units on hand, units reserved) of the stock table."""
    url = make_url(str(settings.database_url)).set(drivername="postgresql")
    conn = await asyncpg.connect(url.render_as_string(hide_password=False))
    try:
        row = await conn.fetchrow(
            "SELECT count(*), coalesce(sum(on_hand), 0), coalesce(sum(reserved), 0) FROM stock"
        )
        assert row is not None
        return int(row[0]), int(row[1]), int(row[2])
    finally:
        await conn.close()


def _report(before: Facets, after: Facets) -> list[str]:
    """The facet differences (none when the migration kept every count)."""
    wrong = [name for name in COMPARED if before.get(name) != after.get(name)]
    sizes = (
        sum(before.get("size", Counter()).values()),
        sum(after.get("size", Counter()).values()),
    )
    print(f"sizes     before: {len(before.get('size', {}))} values, {sizes[0]:,} counted")
    print(f"          after:  {len(after.get('size', {}))} values, {sizes[1]:,} counted")
    other = {v: n for v, n in after.get("size", Counter()).items() if v.startswith("other:")}
    print(f"          left as other sizes: {sum(other.values()):,} items in {len(other)} values")
    if sizes[0] != sizes[1]:
        wrong.append("size (summed)")
    return wrong


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--old-checkout", type=Path, required=True)
    parser.add_argument("--items", type=int, default=100_000)
    args = parser.parse_args()
    checkout = args.old_checkout.resolve()
    old = str(checkout / ".venv" / "bin" / "garderobe")
    with stores(migrated=False) as (settings, embedded):
        env = environment(settings)
        # The older release's commands find its own migrations, not this checkout's.
        old_env = {**env, "GARDEROBE_ALEMBIC_INI": str(checkout / "alembic.ini")}
        print(f"stores: {'embedded ' + ', '.join(embedded) if embedded else 'from environment'}")
        _run(old, old_env, "db", "upgrade")
        seconds, _ = _run(old, old_env, "seed", "--items", str(args.items))
        print(f"seeded {args.items:,} items before variants in {seconds:.0f} s")
        before = _facets(old, old_env)
        stock_before = asyncio.run(_stock(settings))
        # The upgrade as docs/catalog.md states it: the schema, this release's taxonomy (the
        # categories' size systems), then the documents.
        upgrade, _ = _run(GARDEROBE, env, "db", "upgrade")
        _run(GARDEROBE, env, "seed")
        seconds, said = _run(GARDEROBE, env, "catalog", "migrate-variants")
        print(
            f"db upgrade {upgrade:.1f} s; migrate-variants {seconds:.0f} s "
            f"({args.items / seconds:,.0f} items/s)"
        )
        print("          " + said.splitlines()[0] if said else "")
        after = _facets(GARDEROBE, env)
        stock_after = asyncio.run(_stock(settings))
    print(f"stock     before {stock_before}  after {stock_after}  (rows, on hand, reserved)")
    wrong = _report(before, after)
    if stock_before != stock_after:
        wrong.append("stock")
    print("differs:  " + (", ".join(wrong) if wrong else "nothing"))
    sys.exit(1 if wrong else 0)


if __name__ == "__main__":
    main()

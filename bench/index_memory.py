"""Where the in-memory index's bytes go, per item: `ItemBitmaps` loaded with N synthetic
rows shaped like the sample catalogue's (`catalog.seeding`: ~4 variants an item, their size,
colour, variant and stock tokens, the words of each weight), without any store.

    .venv/bin/python bench/index_memory.py [--items 100000]

Prints, per structure, its bytes and bytes per item (Python objects by `sys.getsizeof`,
bitmaps by their own count of their containers' bytes) and the process's RSS growth over
the load (the figure the budget `CATALOG_INDEX_MEMORY_MB` is about; it includes what the
allocator keeps of the load's short-lived rows).
"""

from __future__ import annotations

import argparse
import gc
import random
import re
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from pyroaring import BitMap

from garderobe.catalog.memory.bitmaps import ItemBitmaps

SIZES = [f"letter:{s}" for s in ("XS", "S", "M", "L", "XL", "XXL", "3XL")] + [
    f"eu_women:{n}" for n in range(34, 48, 2)
]
COLOURS = [f"c{n}" for n in range(24)]
WORDS = [f"w{n}" for n in range(400)]
CATEGORIES = [
    (f"dept{d}", f"group{d}-{g}", f"leaf{d}-{g}-{n}")
    for d in range(4)
    for g in range(6)
    for n in range(4)
]


def rows(count: int, seed: int = 7) -> Iterator[SimpleNamespace]:
    """Rows as the full load reads them (`memory.index._EVERYTHING`), in item id order."""
    rng = random.Random(seed)
    for n in range(count):
        path = rng.choice(CATEGORIES)
        colours = rng.sample(COLOURS, rng.choice([1, 1, 2]))
        start = rng.randrange(len(SIZES) - 6)
        sizes = SIZES[start : start + (1 if rng.random() < 0.2 else rng.randint(2, 6))]
        tokens = {"status=active", "stock=in", *(f"category={c}" for c in path)}
        tokens |= {f"brand=b{rng.randrange(300)}", f"condition=k{rng.randrange(4)}"}
        tokens |= {f"supplier=s{rng.randrange(20)}", f"material=m{rng.randrange(12)}"}
        tokens |= {
            f"pattern=p{rng.randrange(10)}",
            *(f"attr.a{a}=v{rng.randrange(8)}" for a in range(4)),
        }
        tokens |= {f"size={s}" for s in sizes} | {f"colour={c}" for c in colours}
        tokens |= {f"variant={s}|{c}" for s in sizes for c in colours}
        price = int(rng.lognormvariate(8.2, 0.8)) // 10 * 10 + 90
        uneven = rng.random() < 0.08
        offers = [
            f"{s}|{c}|{price * (11 if s == sizes[-1] else 10) // 10}"
            for s in sizes
            for c in colours
        ]
        yield SimpleNamespace(
            item_id=f"{n:024x}",
            price_amount=price,
            offers=offers if uneven else None,
            facet_values=sorted(tokens),
            words_a=rng.sample(WORDS[:150], 5),
            words_b=rng.sample(WORDS[:300], 4),
            words_c=rng.sample(WORDS[100:], 6),
            words_d=rng.sample(WORDS, 10),
        )


def rss_kb() -> int:
    found = re.search(r"^VmRSS:\s+(\d+) kB", Path("/proc/self/status").read_text(), re.MULTILINE)
    return int(found.group(1)) if found else 0


def bitmap_bytes(bitmaps: Any) -> int:
    total = 0
    for bitmap in bitmaps:
        stats = bitmap.get_statistics()
        containers = sum(stats[f"n_bytes_{k}_containers"] for k in ("array", "run", "bitset"))
        total += containers + 16 * stats["n_containers"] + 64  # headers, the Python object
    return total


def deep(value: Any) -> int:
    """Bytes of a container of Python objects and what it holds (not shared small ints)."""
    if isinstance(value, dict):
        return sys.getsizeof(value) + sum(deep(k) + deep(v) for k, v in value.items())
    if isinstance(value, list | tuple | set):
        return sys.getsizeof(value) + sum(deep(v) for v in value)
    if isinstance(value, BitMap):
        return 0  # counted with the bitmaps
    return sys.getsizeof(value)


def structures(state: ItemBitmaps) -> dict[str, int]:
    words = [b for weighted in state.words.values() for b in weighted]
    return {
        "facet token bitmaps": bitmap_bytes(state.tokens.values()),
        "word bitmaps (4 per word)": bitmap_bytes(words),
        "price bins and buckets": bitmap_bytes([*state.bins, *state.buckets]),
        "uneven offers": deep(state.offers) + bitmap_bytes([state.uneven]),
        "ids and positions": state.ids.nbytes(),
        "prices": sys.getsizeof(state.prices),
        "dictionaries (tokens, words, vocabulary)": deep(state.by_facet)
        + sys.getsizeof(state.tokens)
        + sys.getsizeof(state.words)
        + deep(state.vocabulary)
        + sum(sys.getsizeof(t) for t in state.words.values()),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=100_000)
    args = parser.parse_args()
    gc.collect()
    before = rss_kb()
    started = time.perf_counter()
    state = ItemBitmaps()
    chunk: list[SimpleNamespace] = []
    for row in rows(args.items):
        chunk.append(row)
        if len(chunk) == 5000:
            state.add_rows(chunk)
            chunk = []
    state.add_rows(chunk)
    del chunk
    state.finish_load()
    gc.collect()
    seconds = time.perf_counter() - started
    grown = (rss_kb() - before) * 1024
    figures = structures(state)
    print(f"{args.items:,} items loaded in {seconds:.1f} s;", end=" ")
    print(f"{len(state.tokens):,} tokens, {len(state.words):,} words")
    figures["sum of structures"] = sum(figures.values())
    figures["RSS growth over the load"] = grown
    figures["ItemBitmaps.footprint()"] = state.footprint()
    for name, size in figures.items():
        print(f"  {name:45} {size / 2**20:8.1f} MB {size / args.items:8.0f} B/item")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

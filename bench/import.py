# ruff: noqa: N999 - the script is named for what it measures, as the brief names it
"""Bulk import: lines/s of `garderobe import` on the embedded stores, a correct report,
a re-import that changes nothing, and a killed import that resumes to the same catalogue.

    python bench/import.py [--lines 100000]

The file is NDJSON: T-shirts of three sizes each, with 1% planted bad lines, the four kinds
in turn (an attribute the category lacks, an unknown size, negative stock, a cut-off line).
1. `garderobe import FILE --report R` runs it (timed; the rate is lines read per second of
   the whole command, upload included); the report must name exactly the planted lines.
2. The same command again: nothing created or updated, every item at its revision.
3. On fresh stores, `garderobe import` is killed (SIGKILL) a third of the way through, and a
   `garderobe worker` started after it picks the import up at its checkpoint: the final
   catalogue (items, variants, stock) must equal the first run's.
Exits non-zero when a check fails. Stores come from the environment or start embedded (see
bench/common.py).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import asyncpg
from pymongo import AsyncMongoClient
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import GARDEROBE, ROOT, environment, stores
from garderobe.settings import Settings

KINDS = ("invalid-attributes", "unknown-size", "validation-error", "malformed-line")
FITS = ("slim", "regular", "relaxed", "oversized")
# The killed import's claim is a dead worker's after this long without a heartbeat: longer
# than a batch takes, or the worker would take it over from a live job.
STALE_SECONDS = 20


def say(text: str) -> None:
    print(text, flush=True)  # the subprocesses write to the same output


def _line(n: int) -> str:
    """Line n (from 1): a valid T-shirt, or every hundredth line (at 50) a planted bad one."""
    item: dict[str, Any] = {
        "title": f"Bench tee {n}",
        "category": "t-shirts",
        "brand": "uniqlo",
        "colours": ["white"],
        "price": {"amount": 1000 + n % 900},
        "attributes": {"fit": FITS[n % len(FITS)]},
        "status": "active",
        "variants": [
            {"sku": f"BN{n:07d}-{size}", "size": size, "stock": (n + i) % 7}
            for i, size in enumerate(("S", "M", "L"))
        ],
    }
    kind = _planted(n)
    if kind == "invalid-attributes":
        item["attributes"]["wheels"] = 4
    elif kind == "unknown-size":
        item["variants"][0]["size"] = "ZZ9"
    elif kind == "validation-error":
        item["variants"][1]["stock"] = -1
    text = json.dumps(item)
    return text[: len(text) // 2] if kind == "malformed-line" else text


def _planted(n: int) -> str | None:
    return KINDS[(n // 100) % len(KINDS)] if n % 100 == 50 else None


def write_file(path: Path, lines: int) -> dict[int, str]:
    with path.open("w", encoding="utf-8") as out:
        for n in range(1, lines + 1):
            out.write(_line(n) + "\n")
    return {n: kind for n in range(1, lines + 1) if (kind := _planted(n))}


def _garderobe(env: dict[str, str], *args: str) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run([GARDEROBE, *args], env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return time.perf_counter() - started, done.stdout.strip().splitlines()[-2]


async def _imports(settings: Settings) -> list[asyncpg.Record]:
    url = make_url(str(settings.database_url)).set(drivername="postgresql")
    connection = await asyncpg.connect(url.render_as_string(hide_password=False))
    try:
        return await connection.fetch("SELECT * FROM imports ORDER BY created_at")  # type: ignore[no-any-return]
    finally:
        await connection.close()


async def catalogue(settings: Settings, *, versions: bool) -> str:
    """A digest of the catalogue: items and their variants (by SKU) and stock; with
    `versions`, each item's revision and updated_at too (what a write would change)."""
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(settings.mongodb_url)
    digest = hashlib.sha256()
    try:
        items = client[settings.mongodb_database]["items"].find({}).sort("_id", 1)
        async for doc in items:
            variants = sorted(
                (
                    v["sku"],
                    json.dumps(v["size"]),
                    v["colour"],
                    json.dumps(v["price"]),
                    v["position"],
                )
                for v in doc["variants"]
            )
            fields = [str(doc["_id"]), doc["title"], json.dumps(doc["attributes"]), variants]
            if versions:
                fields += [doc["revision"], doc["updated_at"].isoformat()]
            digest.update(json.dumps(fields, default=str).encode())
    finally:
        await client.close()
    url = make_url(str(settings.database_url)).set(drivername="postgresql")
    connection = await asyncpg.connect(url.render_as_string(hide_password=False))
    try:
        for row in await connection.fetch("SELECT sku, on_hand FROM stock ORDER BY sku"):
            digest.update(f"{row['sku']}={row['on_hand']};".encode())
        listed = await connection.fetchval("SELECT count(*) FROM item_search")
    finally:
        await connection.close()
    return f"{digest.hexdigest()[:16]} ({listed} items listed)"


def _report(path: Path) -> dict[int, str]:
    entries = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return {e["line"]: e["problem"]["type"].rsplit("/", 1)[1] for e in entries}


def first_and_again(settings: Settings, source: Path, planted: dict[int, str]) -> list[str]:
    """Runs 1 and 2; returns the failed checks, and prints the figures."""
    env, failed = environment(settings), []
    _garderobe(env, "seed")
    report = source.with_suffix(".report.ndjson")
    seconds, summary = _garderobe(env, "import", str(source), "--report", str(report))
    first = asyncio.run(_imports(settings))[-1]
    say(
        f"import: {first['lines_read']:,} lines in {seconds:.1f} s: "
        f"{first['lines_read'] / seconds:,.0f} lines/s ({summary})"
    )
    say(f"  the job's own rate: {first['lines_read'] / (first['busy_ms'] / 1000):,.0f} lines/s")
    found = _report(report)
    if found != planted:
        failed.append(f"report: {len(found)} lines, planted {len(planted)}")
    say(f"report: {len(found)} refused lines, the planted ones: {found == planted}")
    before = asyncio.run(catalogue(settings, versions=True))
    seconds, summary = _garderobe(env, "import", str(source))
    again = asyncio.run(_imports(settings))[-1]
    after = asyncio.run(catalogue(settings, versions=True))
    unchanged = (again["created"], again["updated"]) == (0, 0) and before == after
    say(f"re-import: {seconds:.1f} s, {summary}; catalogue unchanged: {unchanged}")
    if not unchanged:
        failed.append("the re-import changed the catalogue")
    return failed


def killed_and_resumed(settings: Settings, source: Path, lines: int) -> None:
    """Run 3: kill `garderobe import` a third of the way, resume with a worker."""
    env = {**environment(settings), "IMPORT_STALE_SECONDS": str(STALE_SECONDS)}
    _garderobe(env, "seed")
    process = subprocess.Popen(
        [GARDEROBE, "import", str(source)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    while not (rows := asyncio.run(_imports(settings))) or rows[-1]["lines_read"] < lines // 3:
        if process.poll() is not None:
            raise SystemExit("the import finished before it could be killed; use more --lines")
        time.sleep(0.2)
    process.send_signal(signal.SIGKILL)
    process.wait()
    killed_at = asyncio.run(_imports(settings))[-1]["lines_read"]
    time.sleep(STALE_SECONDS + 1)  # its claim's heartbeat goes stale
    started = time.perf_counter()
    worker = subprocess.Popen([GARDEROBE, "worker"], env=env, cwd=ROOT)
    try:
        while asyncio.run(_imports(settings))[-1]["state"] in ("queued", "running"):
            time.sleep(0.5)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    done = asyncio.run(_imports(settings))[-1]
    say(
        f"killed at {killed_at:,} lines; the worker finished it in "
        f"{time.perf_counter() - started:.1f} s ({done['state']}, {done['lines_read']:,} read, "
        f"{done['refused']} refused)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--lines", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="garderobe-import-bench-") as folder:
        source = Path(folder) / "items.ndjson"
        planted = write_file(source, args.lines)
        say(f"{args.lines:,} lines, {len(planted)} planted bad ({source.stat().st_size:,} bytes)")
        with stores() as (settings, started):
            say(f"embedded: {', '.join(started) or 'none'}")
            failed = first_and_again(settings, source, planted)
            reference = asyncio.run(catalogue(settings, versions=False))
        with stores() as (settings, _):
            killed_and_resumed(settings, source, args.lines)
            resumed = asyncio.run(catalogue(settings, versions=False))
        say(f"catalogue: first run {reference}, killed and resumed {resumed}")
        if resumed != reference:
            failed.append("the resumed import gave another catalogue")
    for failure in failed:
        say(f"FAILED: {failure}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

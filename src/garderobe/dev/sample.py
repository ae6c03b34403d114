"""The sample shop `garderobe dev` loads into empty stores: the taxonomy, items in every leaf
category, and a generated picture per item that goes through the real upload path (cleaned
by Pillow, stored in S3, thumbnails made by the worker through the outbox).

The documents are written before the API opens; the pictures follow in the background. The
items still waiting for a picture are listed in a file under the dev data directory, so a
start interrupted halfway finishes the pictures on the next start and adds nothing else.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from tempfile import SpooledTemporaryFile

from anyio import to_thread

from garderobe.catalog import seeding
from garderobe.catalog import service as catalog
from garderobe.catalog.documents import Item
from garderobe.catalog.images import service as images
from garderobe.catalog.taxonomy import loading
from garderobe.catalog.taxonomy.documents import Brand, Category, Vocabulary
from garderobe.dev.pictures import garment_picture
from garderobe.infra.stores import Stores
from garderobe.media.uploads import ParsedForm, UploadedFile
from garderobe.uow import unit_of_work

log = logging.getLogger("garderobe.dev")

PENDING_FILE = "sample-pictures.json"
BATCH_SIZE = 500
UPLOADS_IN_FLIGHT = 3
PROGRESS_EVERY_SECONDS = 5.0
THUMBNAIL_PATIENCE_SECONDS = 60.0


@dataclass(frozen=True)
class SampleShop:
    """What a start loaded: nothing on a later start (`loaded` False)."""

    loaded: bool
    categories: int = 0
    leaves: int = 0
    items: int = 0


def pending_file(data_dir: Path) -> Path:
    return data_dir.resolve() / PENDING_FILE


def pending_pictures(data_dir: Path) -> list[str]:
    """Ids of sample items still waiting for their picture (empty when all are done)."""
    with contextlib.suppress(FileNotFoundError, ValueError):
        ids: list[str] = json.loads(pending_file(data_dir).read_text(encoding="utf-8"))
        return ids
    return []


async def catalog_is_empty() -> bool:
    no_categories = await Category.get_pymongo_collection().find_one({}) is None
    return no_categories and await Item.get_pymongo_collection().find_one({}) is None


async def load_sample_shop(stores: Stores, data_dir: Path, *, items: int) -> SampleShop:
    """On an empty catalog: the taxonomy and `items` sample items spread over every leaf
    category (round robin, so each leaf has one as soon as `items` >= the leaf count)."""
    if not await catalog_is_empty():
        return SampleShop(loaded=False)
    await loading.load_file()
    leaves = await seeding.leaves()
    ids = await _create_items(stores, leaves, items) if items and leaves else []
    if ids:
        pending_file(data_dir).write_text(json.dumps(ids), encoding="utf-8")
    categories = await Category.get_pymongo_collection().count_documents({})
    return SampleShop(loaded=True, categories=categories, leaves=len(leaves), items=len(ids))


async def _create_items(stores: Stores, leaves: Sequence[seeding.Leaf], count: int) -> list[str]:
    vocabularies = {v.field: v async for v in Vocabulary.find_all()}
    brands = await Brand.find_all().to_list()
    # One factory per leaf: ItemFactory picks the leaf itself, and a random pick over a few
    # hundred items would leave some leaves empty. Fixed seeds: every fresh start alike.
    factories = [
        seeding.ItemFactory([leaf], brands, vocabularies, seed=number)
        for number, leaf in enumerate(leaves)
    ]
    made = [factories[n % len(factories)].item() for n in range(count)]
    for start in range(0, len(made), BATCH_SIZE):
        async with unit_of_work(stores) as session:
            await seeding.insert_batch(session, made[start : start + BATCH_SIZE])
    return [str(sample.item.id) for sample in made]


async def upload_picture(stores: Stores, item_id: str) -> bool:
    """Draw the item's picture and upload it like an admin would; False when the item is
    gone or has images already (so resuming never adds a second picture)."""
    try:
        item = await catalog.get_item(item_id)
    except catalog.ItemNotFound:
        return False
    if item.images:
        return False
    data = await to_thread.run_sync(garment_picture, item.category_path, item.colours, item.pattern)
    with SpooledTemporaryFile(max_size=len(data) + 1) as spool:
        spool.write(data)
        spool.seek(0)
        form = ParsedForm(
            files=[UploadedFile("files", f"{item_id}.jpg", "image/jpeg", spool, len(data))],
            fields={"alt": [item.title]},
        )
        async with unit_of_work(stores) as session:
            await images.upload(session, stores.storage, stores.settings, item, form)
    return True


async def _with_thumbnails(ids: set[str]) -> int:
    done = 0
    async for doc in Item.get_pymongo_collection().find({}, {"images": 1}):
        images = doc.get("images") or []
        if str(doc["_id"]) in ids and images and images[0].get("thumbnails"):
            done += 1
    return done


async def fill_pictures(stores: Stores, data_dir: Path) -> None:
    """Upload the pending pictures with a progress line every few seconds, then wait for the
    worker's thumbnails. Meant to run as a background task next to the API."""
    ids = pending_pictures(data_dir)
    if not ids:
        return
    began = time.perf_counter()
    queue: asyncio.Queue[str] = asyncio.Queue()
    for item_id in ids:
        queue.put_nowait(item_id)
    uploaded = 0

    async def uploader() -> None:
        nonlocal uploaded
        while not queue.empty():
            item_id = queue.get_nowait()
            try:
                await upload_picture(stores, item_id)
                uploaded += 1
            except Exception:
                log.exception("sample picture for item %s failed; skipping it", item_id)

    log.info("sample pictures: uploading %d in the background", len(ids))
    uploaders = [asyncio.create_task(uploader()) for _ in range(UPLOADS_IN_FLIGHT)]
    try:
        await _report_progress(uploaders, set(ids), lambda: uploaded)
    finally:
        for task in uploaders:
            task.cancel()
    pending_file(data_dir).unlink(missing_ok=True)
    log.info("sample pictures: done in %.0f s", time.perf_counter() - began)


async def _report_progress(
    uploaders: list[asyncio.Task[None]], ids: set[str], uploaded: Callable[[], int]
) -> None:
    """A progress line every few seconds until the uploads are done and the worker has made
    their thumbnails (or stopped making progress on them for THUMBNAIL_PATIENCE_SECONDS)."""
    began = time.perf_counter()
    thumbs, last_change = 0, began
    while True:
        await asyncio.sleep(PROGRESS_EVERY_SECONDS)
        now_thumbs = await _with_thumbnails(ids)
        if now_thumbs != thumbs:
            thumbs, last_change = now_thumbs, time.perf_counter()
        log.info(
            "sample pictures: %d/%d uploaded, %d with thumbnails (%.0f s)",
            uploaded(),
            len(ids),
            thumbs,
            time.perf_counter() - began,
        )
        if not all(task.done() for task in uploaders):
            continue
        if thumbs >= uploaded() or time.perf_counter() - last_change > THUMBNAIL_PATIENCE_SECONDS:
            return

"""Images named by import lines: existing image ids linked, URLs fetched from a real local
HTTP server and processed as uploads, nothing fetched twice, refusals that write nothing."""

from __future__ import annotations

import hashlib
import io
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from typing import Any

import httpx
import pytest
from PIL import Image

from garderobe.imports import jobs
from garderobe.imports.reading import ndjson_records
from garderobe.infra.stores import Stores
from garderobe.settings import Settings
from tests.catalog.test_images import picture, with_gps_and_orientation
from tests.factories import create_item
from tests.imports.helpers import (
    catalogue,
    die_before_commit,
    ndjson,
    refusals,
    run_import,
    start,
    tee,
)
from tests.imports.image_server import ImageServer

Jobs = Callable[[], Awaitable[int]]
LIVE = timedelta(minutes=3)
PROBLEMS = "https://garderobe.dev/problems/"


@pytest.fixture
async def server() -> AsyncIterator[ImageServer]:
    started = ImageServer()
    await started.start()
    yield started
    await started.stop()


async def _images(client: httpx.AsyncClient, item_id: str) -> list[dict[str, Any]]:
    response = await client.get(f"/api/v1/items/{item_id}/images")
    assert response.status_code == 200, response.text
    images: list[dict[str, Any]] = response.json()
    return images


def _without_urls(images: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Image bodies without their URLs (presigned anew on every read)."""
    return [{k: v for k, v in image.items() if k != "urls"} for image in images]


async def _only_item(client: httpx.AsyncClient, admin: dict[str, str]) -> dict[str, Any]:
    (item,) = await catalogue(client, admin)
    return item


async def test_an_image_url_is_fetched_and_processed_as_an_upload(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    stores: Stores,
    run_jobs: Jobs,
    server: ImageServer,
) -> None:
    url = server.serve("/front.jpg", picture(exif=with_gps_and_orientation()))
    line = tee(images=[{"url": url, "alt": "Front", "colour": "white"}])
    done = await run_import(client, admin, run_jobs, ndjson(line))
    assert (done["created"], done["refused"]) == (1, 0)
    item = await _only_item(client, admin)
    (image,) = await _images(client, item["id"])
    assert (image["alt"], image["colour"], image["content_type"]) == (
        "Front",
        "white",
        "image/jpeg",
    )
    assert (image["width"], image["height"]) == (32, 64)  # the orientation applied, as uploads
    assert set(image["urls"]) == {"original", "200", "600"}  # the thumbnail job ran
    original = await stores.storage.get(f"items/{item['id']}/{image['id']}.jpg")
    assert hashlib.sha256(original).hexdigest() == image["id"]
    assert not Image.open(io.BytesIO(original)).getexif()  # metadata stripped
    for width in (200, 600):
        assert await stores.storage.exists(f"items/{item['id']}/thumbs/{image['id']}-{width}.webp")
    assert server.requested == ["/front.jpg"]


async def test_reimporting_fetches_nothing_and_changes_nothing(
    client: httpx.AsyncClient, admin: dict[str, str], run_jobs: Jobs, server: ImageServer
) -> None:
    front = server.serve("/front.jpg", picture())
    back = server.serve("/back.png", picture("PNG", colour="blue"), "image/png")
    body = ndjson(tee(images=[front, {"url": back, "alt": "Back"}]))
    await run_import(client, admin, run_jobs, body)
    before = await _only_item(client, admin)
    again = await run_import(client, admin, run_jobs, body)
    assert (again["unchanged"], again["updated"], again["refused"]) == (1, 0, 0)
    after = await _only_item(client, admin)
    assert (after["revision"], after["updated_at"]) == (before["revision"], before["updated_at"])
    assert _without_urls(after["images"]) == _without_urls(before["images"])
    assert server.requested == ["/front.jpg", "/back.png"]  # once each


async def test_a_corrected_file_adds_and_reorders_images(
    client: httpx.AsyncClient, admin: dict[str, str], run_jobs: Jobs, server: ImageServer
) -> None:
    front = server.serve("/front.jpg", picture())
    await run_import(client, admin, run_jobs, ndjson(tee(images=[front])))
    side = server.serve("/side.jpg", picture(size=(40, 40)))
    done = await run_import(client, admin, run_jobs, ndjson(tee(images=[side, front])))
    assert done["updated"] == 1
    item = await _only_item(client, admin)
    images = await _images(client, item["id"])
    assert [(i["width"], i["height"]) for i in images] == [(40, 40), (64, 32)]  # side first
    assert server.requested == ["/front.jpg", "/side.jpg"]  # the front is not fetched again
    assert all(set(image["urls"]) == {"original", "200", "600"} for image in images)


async def test_an_existing_image_id_is_linked_without_a_fetch(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    stores: Stores,
    run_jobs: Jobs,
    server: ImageServer,
) -> None:
    uploaded = await create_item(title="Uploaded")
    response = await client.post(
        f"/api/v1/items/{uploaded.id}/images",
        headers=admin,
        files=[("files", ("a.jpg", picture(colour="navy"), "image/jpeg"))],
    )
    assert response.status_code == 201, response.text
    await run_jobs()
    (stored,) = await _images(client, str(uploaded.id))
    done = await run_import(client, admin, run_jobs, ndjson(tee(images=[stored["id"]])))
    assert (done["created"], done["refused"]) == (1, 0)
    imported = next(i for i in await catalogue(client, admin) if i["title"] == "Plain tee")
    (linked,) = await _images(client, imported["id"])
    assert (linked["id"], linked["width"]) == (stored["id"], stored["width"])
    assert set(linked["urls"]) == {"original", "200", "600"}
    # Objects of its own: deleting the uploaded item's images leaves the imported item's.
    assert await stores.storage.exists(f"items/{imported['id']}/{stored['id']}.jpg")
    assert await stores.storage.exists(f"items/{imported['id']}/thumbs/{stored['id']}-200.webp")
    assert server.requested == []


async def _refusal(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    stores: Stores,
    settings: Settings,
    images: list[Any],
    **changes: Any,
) -> dict[str, Any]:
    """Import a good line and one naming `images` under the settings with `changes`; the
    second is refused alone, having written nothing. Its problem."""
    body = ndjson(tee("GOOD"), tee("BAD", title="Bad", images=images))
    started = await start(client, admin, body)
    changed = settings.model_copy(update=changes)
    run = await jobs.run_slice(stores, changed, uuid.UUID(started["id"]), stale_after=LIVE)
    assert run is not None
    assert (run.state, run.created, run.refused) == ("done", 1, 1)
    problems = await refusals(client, admin, started["id"])
    assert list(problems) == [2]
    item = await _only_item(client, admin)  # the good line's; the refused one wrote nothing
    assert item["variants"][0]["sku"] == "GOOD-S"
    return problems[2]


@pytest.mark.parametrize(
    ("path", "body", "content_type", "slug"),
    [
        ("/page.html", b"<html>shop</html>", "text/html", "unsupported-image-type"),
        ("/fake.jpg", b"certainly not a jpeg", "image/jpeg", "unsupported-image-type"),
        ("/gone.jpg", None, "", "image-unreachable"),
    ],
)
async def test_a_line_whose_image_is_not_an_image_or_unreachable_is_refused(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    stores: Stores,
    settings: Settings,
    server: ImageServer,
    path: str,
    body: bytes | None,
    content_type: str,
    slug: str,
) -> None:
    url = server.serve(path, body, content_type) if body is not None else server.at(path)
    first = server.serve("/ok.jpg", picture())  # fetched, then dropped with the line
    problem = await _refusal(client, admin, stores, settings, [first, url])
    assert problem["type"] == PROBLEMS + slug
    assert url in problem["detail"] or slug == "unsupported-image-type"
    assert not await stores.storage.list("items/")


async def test_an_unreachable_host_is_refused(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    stores: Stores,
    settings: Settings,
    server: ImageServer,
) -> None:
    await server.stop()  # nothing listens on its port any more
    problem = await _refusal(client, admin, stores, settings, [server.at("/a.jpg")])
    assert (problem["type"], problem["title"]) == (
        PROBLEMS + "image-unreachable",
        "Image could not be fetched",
    )


async def test_an_oversized_image_is_refused(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    stores: Stores,
    settings: Settings,
    server: ImageServer,
) -> None:
    url = server.serve("/huge.jpg", picture(size=(400, 400)))
    problem = await _refusal(client, admin, stores, settings, [url], import_image_max_bytes=1000)
    assert (problem["type"], problem["status"], problem["max_bytes"]) == (
        PROBLEMS + "payload-too-large",
        413,
        1000,
    )


async def test_an_image_slower_than_the_timeout_is_refused(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    stores: Stores,
    settings: Settings,
    server: ImageServer,
) -> None:
    server.delay = 2.0
    url = server.serve("/slow.jpg", picture())
    problem = await _refusal(
        client, admin, stores, settings, [url], import_image_timeout_seconds=0.2
    )
    assert problem["type"] == PROBLEMS + "image-unreachable"
    assert "Timeout" in problem["detail"]


async def test_an_unknown_image_id_is_refused(
    client: httpx.AsyncClient, admin: dict[str, str], stores: Stores, settings: Settings
) -> None:
    problem = await _refusal(client, admin, stores, settings, ["ab" * 32])
    assert problem["type"] == PROBLEMS + "image-not-found"


@pytest.mark.parametrize(
    ("url", "reason"),
    [("https://127.0.0.1:{port}/a.jpg", "loopback"), ("http://192.0.2.1/a.jpg", "https://")],
)
async def test_a_private_or_plain_http_url_is_refused_in_production_mode(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    stores: Stores,
    settings: Settings,
    server: ImageServer,
    url: str,
    reason: str,
) -> None:
    target = url.format(port=server.port)
    production = {"environment": "production", "import_image_allow_private_urls": None}
    problem = await _refusal(client, admin, stores, settings, [target], **production)
    assert problem["type"] == PROBLEMS + "image-url-refused"
    assert reason in problem["detail"]
    assert server.requested == []


async def test_csv_rows_name_images_with_their_alt_texts(
    client: httpx.AsyncClient, admin: dict[str, str], run_jobs: Jobs, server: ImageServer
) -> None:
    front = server.serve("/front.jpg", picture())
    back = server.serve("/back.jpg", picture(colour="blue"))
    rows = (
        "item,title,category,brand,price,attr.fit,status,sku,size,stock,images,image_alts\n"
        f"t,Plain tee,t-shirts,uniqlo,1500,slim,active,TEE-S,S,2,{front}|{back},|Back\n"
        "t,,,,,,,TEE-M,M,3,,\n"
    )
    done = await run_import(client, admin, run_jobs, rows.encode(), "csv")
    assert (done["created"], done["refused"]) == (1, 0)
    item = await _only_item(client, admin)
    assert [image["alt"] for image in await _images(client, item["id"])] == ["", "Back"]


async def test_a_crash_mid_import_resumes_without_duplicate_images(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    stores: Stores,
    run_jobs: Jobs,
    server: ImageServer,
) -> None:
    urls = [server.serve(f"/{c}.jpg", picture(colour=c)) for c in ("red", "green", "blue")]
    body = ndjson(*(tee(f"K{n}", title=f"Tee {n}", images=[u]) for n, u in enumerate(urls)))
    await start(client, admin, body)
    # The whole file as one batch reaches MongoDB (items with their images), then the
    # worker dies: the stock rows, the checkpoint and the thumbnail jobs are lost.
    with pytest.raises(RuntimeError):
        await die_before_commit(stores, list(ndjson_records(io.BytesIO(body), 0, 1, 10**6)))
    assert len(server.requested) == 3
    await run_jobs()  # the import from its checkpoint, then the thumbnails
    items = await catalogue(client, admin)
    assert [item["title"] for item in items] == ["Tee 0", "Tee 1", "Tee 2"]
    assert len(server.requested) == 3  # nothing fetched again
    for item in items:
        (image,) = await _images(client, item["id"])
        assert set(image["urls"]) == {"original", "200", "600"}
        stored = await stores.storage.list(f"items/{item['id']}/")
        assert len(stored) == 3  # the original and two thumbnails, once each

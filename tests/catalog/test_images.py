"""Image uploads into the real (embedded) S3 server: validation, dedupe, metadata, jobs."""

from __future__ import annotations

import io
from collections.abc import Awaitable, Callable
from datetime import timedelta

import httpx
import pytest
from PIL import Image

from garderobe.accounts.models import Role
from garderobe.catalog.documents import Item
from garderobe.catalog.images import jobs, service
from garderobe.catalog.index import reconcile
from garderobe.catalog.taxonomy import loading
from garderobe.infra.stores import Stores
from garderobe.settings import Settings
from tests.factories import auth_headers, create_item, create_listed_item, create_user

RunJobs = Callable[[], Awaitable[int]]
GPS_IFD = 0x8825
ORIENTATION = 0x0112


def picture(
    fmt: str = "JPEG",
    size: tuple[int, int] = (64, 32),
    colour: str = "red",
    exif: Image.Exif | None = None,
) -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", size, colour)
    kwargs = {"exif": exif} if exif is not None else {}
    image.save(out, format=fmt, **kwargs)
    return out.getvalue()


def with_gps_and_orientation() -> Image.Exif:
    exif = Image.Exif()
    exif[ORIENTATION] = 6  # rotate 90° clockwise to display
    exif[GPS_IFD] = {1: "N", 2: (52.0, 31.0, 12.0), 3: "E", 4: (13.0, 24.0, 18.0)}
    return exif


@pytest.fixture
async def admin(stores: Stores, settings: Settings) -> dict[str, str]:
    return auth_headers(settings, await create_user(stores.sessionmaker, role=Role.ADMIN))


def _url(item: Item) -> str:
    return f"/api/v1/items/{item.id}/images"


async def _upload(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    item: Item,
    *files: tuple[str, bytes, str],
    alt: list[str] | None = None,
) -> httpx.Response:
    return await client.post(
        _url(item), headers=admin, files=[("files", f) for f in files], data={"alt": alt or []}
    )


@pytest.mark.parametrize(
    ("fmt", "content_type"), [("JPEG", "image/jpeg"), ("PNG", "image/png"), ("WEBP", "image/webp")]
)
async def test_valid_images_are_stored_and_listed(
    client: httpx.AsyncClient,
    stores: Stores,
    admin: dict[str, str],
    fmt: str,
    content_type: str,
) -> None:
    item = await create_item()
    response = await _upload(
        client, admin, item, ("shirt.bin", picture(fmt), "text/plain"), alt=["Front view"]
    )
    assert response.status_code == 201, response.text
    [image] = response.json()
    assert (image["content_type"], image["width"], image["height"]) == (content_type, 64, 32)
    assert image["alt"] == "Front view"
    stored = await stores.storage.list(f"items/{item.id}/")
    assert [o.key.rsplit(".", 1)[1] for o in stored] == [
        content_type.split("/")[1].replace("jpeg", "jpg")
    ]


async def test_the_same_image_twice_is_stored_once(
    client: httpx.AsyncClient, stores: Stores, admin: dict[str, str]
) -> None:
    item = await create_item()
    data = picture()
    await _upload(client, admin, item, ("a.jpg", data, "image/jpeg"))
    again = await _upload(
        client, admin, item, ("b.jpg", data, "image/jpeg"), ("c.jpg", data, "image/jpeg")
    )
    assert len(again.json()) == 1
    assert len(await stores.storage.list(f"items/{item.id}/")) == 1


async def test_a_text_file_named_jpg_is_415(
    client: httpx.AsyncClient, stores: Stores, admin: dict[str, str]
) -> None:
    item = await create_item()
    response = await _upload(client, admin, item, ("cat.jpg", b"just some text", "image/jpeg"))
    assert response.status_code == 415
    assert response.json()["type"].endswith("/unsupported-image-type")
    assert await stores.storage.list(f"items/{item.id}/") == []


async def test_gif_is_415(client: httpx.AsyncClient, stores: Stores, admin: dict[str, str]) -> None:
    response = await _upload(
        client, admin, await create_item(), ("a.gif", picture("GIF"), "image/gif")
    )
    assert response.status_code == 415


async def test_a_truncated_jpeg_is_422(
    client: httpx.AsyncClient, stores: Stores, admin: dict[str, str]
) -> None:
    data = picture(size=(400, 300))
    response = await _upload(
        client, admin, await create_item(), ("cut.jpg", data[: len(data) // 2], "image/jpeg")
    )
    assert response.status_code == 422
    assert response.json()["type"].endswith("/corrupt-image")


async def test_a_pixel_bomb_is_refused_before_decoding(
    client: httpx.AsyncClient, stores: Stores, admin: dict[str, str], settings: Settings
) -> None:
    # 10000 x 5000 of one colour: a tiny file that would need 150 MB to decode.
    out = io.BytesIO()
    Image.new("1", (10000, 5000)).save(out, format="PNG")
    assert len(out.getvalue()) < settings.media_max_file_bytes
    response = await _upload(
        client, admin, await create_item(), ("bomb.png", out.getvalue(), "image/png")
    )
    assert response.status_code == 422
    assert response.json()["type"].endswith("/image-too-large")


async def test_an_oversize_file_is_413_and_nothing_is_stored(
    client: httpx.AsyncClient, stores: Stores, admin: dict[str, str], settings: Settings
) -> None:
    item = await create_item()
    big = b"\xff\xd8" + b"0" * (settings.media_max_file_bytes + 1)
    response = await _upload(client, admin, item, ("big.jpg", big, "image/jpeg"))
    assert response.status_code == 413
    assert await stores.storage.list(f"items/{item.id}/") == []


async def test_more_images_than_the_item_may_hold_is_413(
    client: httpx.AsyncClient,
    stores: Stores,
    admin: dict[str, str],
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(settings, "media_max_images_per_item", 2)
    item = await create_item()
    files = [(f"{c}.png", picture("PNG", colour=c), "image/png") for c in ("red", "blue")]
    assert (await _upload(client, admin, item, *files)).status_code == 201
    third = await _upload(
        client, admin, item, ("g.png", picture("PNG", colour="green"), "image/png")
    )
    assert third.status_code == 413


async def test_uploads_are_admin_only_and_need_an_existing_item(
    client: httpx.AsyncClient, stores: Stores, settings: Settings, admin: dict[str, str]
) -> None:
    item = await create_item()
    customer = auth_headers(settings, await create_user(stores.sessionmaker))
    files = [("files", ("a.jpg", picture(), "image/jpeg"))]
    assert (await client.post(_url(item), files=files)).status_code == 401
    assert (await client.post(_url(item), files=files, headers=customer)).status_code == 403
    missing = await client.post("/api/v1/items/" + "0" * 24 + "/images", files=files, headers=admin)
    assert missing.status_code == 404


async def test_gps_is_stripped_and_orientation_applied(
    client: httpx.AsyncClient, stores: Stores, admin: dict[str, str]
) -> None:
    item = await create_item()
    data = picture(size=(80, 40), exif=with_gps_and_orientation())
    assert GPS_IFD in Image.open(io.BytesIO(data)).getexif()
    [image] = (await _upload(client, admin, item, ("gps.jpg", data, "image/jpeg"))).json()
    stored = Image.open(
        io.BytesIO(
            await stores.storage.get((await stores.storage.list(f"items/{item.id}/"))[0].key)
        )
    )
    exif = stored.getexif()
    assert GPS_IFD not in exif
    assert ORIENTATION not in exif
    assert stored.size == (40, 80)  # turned upright
    assert (image["width"], image["height"]) == (40, 80)


async def test_thumbnails_are_made_by_the_job(
    client: httpx.AsyncClient, stores: Stores, admin: dict[str, str], run_jobs: RunJobs
) -> None:
    item = await create_listed_item(stores)
    await _upload(client, admin, item, ("big.png", picture("PNG", size=(900, 450)), "image/png"))
    await run_jobs()
    [image] = (await client.get(_url(item))).json()
    assert set(image["urls"]) == {"original", "200", "600"}
    thumbs = {o.key for o in await stores.storage.list(f"items/{item.id}/thumbs/")}
    assert len(thumbs) == 2
    small = Image.open(io.BytesIO(await stores.storage.get(sorted(thumbs)[0])))
    assert small.format == "WEBP"
    assert small.width in (200, 600)
    shown = (await client.get(f"/api/v1/items/{item.id}")).json()["images"][0]
    assert set(shown["urls"]) == {"original", "200", "600"}  # the item itself shows them too
    listed = (await client.get("/api/v1/items")).json()["items"][0]["images"][0]
    assert set(listed["urls"]) == {"original", "200", "600"}
    async with httpx.AsyncClient() as raw:  # the presigned URL really serves the object
        fetched = await raw.get(image["urls"]["original"])
    assert fetched.status_code == 200
    assert fetched.content[:8] == b"\x89PNG\r\n\x1a\n"


async def test_reorder_alt_and_delete(
    client: httpx.AsyncClient, stores: Stores, admin: dict[str, str], run_jobs: RunJobs
) -> None:
    item = await create_item()
    files = [(f"{c}.png", picture("PNG", colour=c), "image/png") for c in ("red", "blue")]
    first, second = (await _upload(client, admin, item, *files)).json()
    order = await client.put(
        f"{_url(item)}/order", headers=admin, json={"image_ids": [second["id"], first["id"]]}
    )
    assert [i["id"] for i in order.json()] == [second["id"], first["id"]]
    partial = await client.put(
        f"{_url(item)}/order", headers=admin, json={"image_ids": [first["id"]]}
    )
    assert partial.status_code == 422
    alt = await client.patch(
        f"{_url(item)}/{first['id']}", headers=admin, json={"alt": "Back view"}
    )
    assert next(i for i in alt.json() if i["id"] == first["id"])["alt"] == "Back view"
    gone = await client.delete(f"{_url(item)}/{first['id']}", headers=admin)
    assert gone.status_code == 204
    await run_jobs()
    keys = {o.key for o in await stores.storage.list(f"items/{item.id}/")}
    assert all(first["id"] not in key for key in keys)
    assert any(second["id"] in key for key in keys)


async def test_image_changes_keep_the_index_row_current(
    client: httpx.AsyncClient, stores: Stores, admin: dict[str, str], run_jobs: RunJobs
) -> None:
    """Each change bumps the item's revision; the index row follows, so reconciliation and
    `garderobe check consistency` see nothing stale."""
    item = await create_listed_item(stores)
    files = [(f"{c}.png", picture("PNG", colour=c), "image/png") for c in ("red", "blue")]
    first, second = (await _upload(client, admin, item, *files)).json()
    await run_jobs()  # thumbnails
    await client.put(
        f"{_url(item)}/order", headers=admin, json={"image_ids": [second["id"], first["id"]]}
    )
    await client.patch(f"{_url(item)}/{first['id']}", headers=admin, json={"alt": "Back"})
    await client.delete(f"{_url(item)}/{second['id']}", headers=admin)
    current = await Item.get(item.id)
    assert current is not None
    assert current.revision >= item.revision + 6  # upload, 2 thumbnails, order, alt, delete
    stale, orphans, _ = await reconcile.divergent(stores)
    assert (stale, orphans) == ([], [])


async def test_deleting_an_item_removes_its_objects(
    client: httpx.AsyncClient, stores: Stores, admin: dict[str, str], run_jobs: RunJobs
) -> None:
    item = await create_item()
    await _upload(client, admin, item, ("a.png", picture("PNG"), "image/png"))
    await run_jobs()
    revision = (await client.get(f"/api/v1/items/{item.id}", headers=admin)).headers["etag"]
    deleted = await client.delete(
        f"/api/v1/items/{item.id}", headers={**admin, "If-Match": revision}
    )
    assert deleted.status_code == 204
    await run_jobs()
    assert await stores.storage.list(f"items/{item.id}/") == []


async def test_sweeper_deletes_only_orphans(
    client: httpx.AsyncClient, stores: Stores, admin: dict[str, str]
) -> None:
    item = await create_item()
    await _upload(client, admin, item, ("a.png", picture("PNG"), "image/png"))
    orphan = f"items/{item.id}/left-behind.png"
    await stores.storage.put(orphan, picture("PNG", colour="blue"), "image/png")
    assert await service.sweep_orphans(stores.storage, timedelta(hours=1)) == []  # too new
    removed = await service.sweep_orphans(stores.storage, timedelta(0))
    assert removed == [orphan]
    assert len(await stores.storage.list(f"items/{item.id}/")) == 1


async def test_scheduled_sweeper_removes_orphans_past_the_grace(
    stores: Stores, settings: Settings
) -> None:
    orphan = "items/000000000000000000000000/left-behind.png"
    await stores.storage.put(orphan, picture("PNG"), "image/png")
    within_grace = {"settings": settings, "stores": stores}
    assert await jobs.sweep_orphaned_media(within_grace) == 0
    no_grace = settings.model_copy(update={"media_orphan_grace_hours": 0})
    assert await jobs.sweep_orphaned_media({"settings": no_grace, "stores": stores}) == 1
    assert await stores.storage.list("items/000000000000000000000000/") == []


async def test_an_image_names_the_colour_it_shows(
    client: httpx.AsyncClient, stores: Stores, admin: dict[str, str]
) -> None:
    """Of the colours vocabulary (slug or label, 422 naming them otherwise); a PATCH without
    `colour` keeps it, null clears it; item detail shows it beside the alt text."""
    await loading.load_file()
    item = await create_listed_item(stores)
    (image,) = (await _upload(client, admin, item, ("a.png", picture("PNG"), "image/png"))).json()
    url = f"{_url(item)}/{image['id']}"
    named = await client.patch(url, headers=admin, json={"alt": "", "colour": "Black"})
    assert named.status_code == 200, named.text
    assert (named.json()[0]["colour"], named.json()[0]["alt"]) == ("black", "")
    described = await client.patch(url, headers=admin, json={"alt": "Front"})
    assert (described.json()[0]["colour"], described.json()[0]["alt"]) == ("black", "Front")
    detail = (await client.get(f"/api/v1/items/{item.id}")).json()
    assert (detail["images"][0]["colour"], detail["images"][0]["alt"]) == ("black", "Front")
    unknown = await client.patch(url, headers=admin, json={"alt": "x", "colour": "tartan"})
    assert unknown.status_code == 422
    assert "black" in unknown.json()["allowed"]
    cleared = await client.patch(url, headers=admin, json={"alt": "Front", "colour": None})
    assert (cleared.json()[0]["colour"], cleared.json()[0]["alt"]) == (None, "Front")

"""/api/v1/items/{id}/images: admin uploads and management of an item's images.

Documented under the `media` tag, as before the images moved into the catalog."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, status

from garderobe.accounts.apikeys.dependencies import CatalogWriter
from garderobe.api.deps import DbSession, SettingsDep, StorageDep
from garderobe.catalog import service as catalog
from garderobe.catalog.dependencies import CatalogWrite
from garderobe.catalog.images import service as images
from garderobe.catalog.images.schemas import ImageAltIn, ImageDetailOut, ImageOrderIn
from garderobe.media.uploads import parse_multipart

router = APIRouter(prefix="/api/v1/items/{item_id}/images", tags=["media"])
_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "Problem: not logged in"},
    403: {"description": "Problem: admin role needed"},
    404: {"description": "Problem: no such item or image"},
}


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=list[ImageDetailOut],
    summary="Upload images (admin): multipart `files` (one or more) and optional `alt` fields",
    description="The type is read from the bytes (JPEG, PNG, WebP). Metadata such as EXIF/GPS "
    "is stripped and the orientation applied; the same image twice is stored once. "
    "Thumbnails are made by a background job.",
    responses={
        **_ERRORS,
        400: {"description": "Problem: malformed multipart body"},
        413: {"description": "Problem: file or image count over the limit"},
        415: {"description": "Problem: not a JPEG, PNG or WebP"},
        422: {"description": "Problem: corrupt image, too many pixels, or a NUL in a field"},
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["files"],
                        "properties": {
                            "files": {
                                "type": "array",
                                "items": {"type": "string", "format": "binary"},
                            },
                            "alt": {"type": "array", "items": {"type": "string"}},
                        },
                    }
                }
            },
        }
    },
)
async def upload_images(
    item_id: str,
    request: Request,
    _: CatalogWriter,
    session: DbSession,
    storage: StorageDep,
    settings: SettingsDep,
) -> list[ImageDetailOut]:
    item = await catalog.get_item(item_id)  # 404 before reading a byte of the body
    form = await parse_multipart(
        request.headers.get("content-type", ""),
        request.stream(),
        max_file_bytes=settings.media_max_file_bytes,
        max_files=settings.media_max_images_per_item,
    )
    try:
        await images.upload(session, storage, settings, item, form)
    finally:
        form.close()
    return await images.image_details(storage, settings, item_id)


@router.get(
    "",
    response_model=list[ImageDetailOut],
    responses=_ERRORS,
    summary="An item's images with their URLs (public or presigned)",
)
async def list_images(
    item_id: str, storage: StorageDep, settings: SettingsDep
) -> list[ImageDetailOut]:
    return await images.image_details(storage, settings, item_id)


@router.put(
    "/order",
    response_model=list[ImageDetailOut],
    responses=_ERRORS,
    summary="Reorder an item's images (admin): every image id exactly once",
    dependencies=[CatalogWrite],
)
async def reorder_images(
    item_id: str,
    body: ImageOrderIn,
    _: CatalogWriter,
    session: DbSession,
    storage: StorageDep,
    settings: SettingsDep,
) -> list[ImageDetailOut]:
    await images.reorder(session, item_id, body.image_ids)
    return await images.image_details(storage, settings, item_id)


@router.patch(
    "/{image_id}",
    response_model=list[ImageDetailOut],
    responses=_ERRORS,
    summary="Change an image's alt text or the colour it shows (admin)",
    dependencies=[CatalogWrite],
)
async def update_alt(
    item_id: str,
    image_id: str,
    body: ImageAltIn,
    _: CatalogWriter,
    session: DbSession,
    storage: StorageDep,
    settings: SettingsDep,
) -> list[ImageDetailOut]:
    await images.describe(session, item_id, image_id, body.changes())
    return await images.image_details(storage, settings, item_id)


@router.delete(
    "/{image_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=_ERRORS,
    summary="Remove an image (admin); its objects are deleted by a job",
)
async def delete_image(item_id: str, image_id: str, _: CatalogWriter, session: DbSession) -> None:
    await images.delete_image(session, item_id, image_id)

"""URLs of stored objects: public base URL or presigned, by configuration."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from garderobe.infra.storage import ObjectStorage
from garderobe.settings import Settings


async def object_urls(
    storage: ObjectStorage, settings: Settings, original: str, thumbnails: Mapping[str, str]
) -> dict[str, str]:
    """{"original": url, "200": url, "600": url …}: the original's key and the thumbnails'
    keys by width, thumbnails in ascending width."""
    expires = timedelta(seconds=settings.media_url_expires_seconds)
    urls = {"original": await storage.url_for(original, expires=expires)}
    for width, key in sorted(thumbnails.items(), key=lambda kv: int(kv[0])):
        urls[width] = await storage.url_for(key, expires=expires)
    return urls

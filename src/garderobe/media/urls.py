"""URLs of an image's original and thumbnails: public base URL or presigned, by configuration.

Free of catalog imports, so the catalog's routes can use it without an import cycle.
"""

from __future__ import annotations

from datetime import timedelta

from garderobe.infra.storage import ObjectStorage
from garderobe.media.models import ItemImage
from garderobe.settings import Settings


async def image_urls(
    storage: ObjectStorage, settings: Settings, image: ItemImage
) -> dict[str, str]:
    """{"original": url, "200": url, "600": url …} (thumbnail widths once the job made them)."""
    expires = timedelta(seconds=settings.media_url_expires_seconds)
    urls = {"original": await storage.url_for(image.key, expires=expires)}
    for width, key in sorted(image.thumbnails.items(), key=lambda kv: int(kv[0])):
        urls[width] = await storage.url_for(key, expires=expires)
    return urls

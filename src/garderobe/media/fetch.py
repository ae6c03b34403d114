"""Image bytes from a URL an outsider names (an import line's): HTTPS only (plain HTTP in
development and test, as webhook URLs), through the egress guard (no loopback, private or
link-local address outside development, checked after DNS and pinned), no redirects, a
timeout, and a size limit: the body is read chunk by chunk and dropped the moment it passes
it. A declared content type must be one an upload may have; the bytes decide in the end
(`images.clean`, as for an upload)."""

from __future__ import annotations

from tempfile import SpooledTemporaryFile

import anyio
import httpx

from garderobe.errors import InvalidInput, PayloadTooLarge
from garderobe.infra import egress
from garderobe.media.images import FORMATS, NotAnImage
from garderobe.settings import Settings

SPOOL_BYTES = 1024 * 1024
# What a server may call an image: the upload's types, or no particular type.
DECLARED_TYPES = {content_type for content_type, _ in FORMATS.values()} | {
    "application/octet-stream",
    "binary/octet-stream",
}


class ImageUrlRefused(InvalidInput):
    slug = "image-url-refused"
    title = "Image URL refused"


class ImageUnreachable(InvalidInput):
    slug = "image-unreachable"
    title = "Image could not be fetched"


def private_allowed(settings: Settings) -> bool:
    """Whether image URLs may point at loopback and private addresses: in development only,
    unless IMPORT_IMAGE_ALLOW_PRIVATE_URLS says otherwise (the test suite's server)."""
    return egress.private_allowed(settings.import_image_allow_private_urls, settings)


def client(settings: Settings) -> httpx.AsyncClient:
    return egress.client(
        allow_private=private_allowed(settings), timeout=settings.import_image_timeout_seconds
    )


def checked_url(settings: Settings, url: str) -> httpx.URL:
    """The URL if this environment may fetch it, else ImageUrlRefused."""
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise ImageUrlRefused(f"{url!r} is not a URL: {exc}.") from exc
    plain_allowed = settings.environment in ("development", "test")
    if parsed.scheme != "https" and not (parsed.scheme == "http" and plain_allowed):
        raise ImageUrlRefused(f"Image URLs must start with https:// ({url!r}).")
    if not parsed.host:
        raise ImageUrlRefused(f"{url!r} names no host.")
    return parsed


async def fetch_image(
    http: httpx.AsyncClient, settings: Settings, url: str
) -> SpooledTemporaryFile[bytes]:
    """The body at `url` in a spooled file (the caller closes it), or the problem: refused
    URL or address, unreachable, not 2xx, a declared type no upload has, too large."""
    limit = settings.import_image_max_bytes
    body = SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - closed by the caller
    try:
        # httpx's timeout bounds each read; the deadline bounds the whole (a slow drip).
        with anyio.fail_after(settings.import_image_timeout_seconds):
            await _download(http, checked_url(settings, url), url, limit, body)
    except egress.DestinationRefused as exc:
        body.close()
        raise ImageUrlRefused(f"{url}: {exc}.") from exc
    except (httpx.HTTPError, TimeoutError) as exc:
        body.close()
        raise ImageUnreachable(f"{url}: {type(exc).__name__} {exc}".strip() + ".") from exc
    except BaseException:
        body.close()
        raise
    body.seek(0)
    return body


async def _download(
    http: httpx.AsyncClient,
    target: httpx.URL,
    url: str,
    limit: int,
    body: SpooledTemporaryFile[bytes],
) -> None:
    async with http.stream("GET", target) as response:
        _check_response(response, url, limit)
        size = 0
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > limit:
                raise _too_large(url, limit)
            body.write(chunk)


def _check_response(response: httpx.Response, url: str, limit: int) -> None:
    if response.status_code != 200:
        raise ImageUnreachable(
            f"{url} answered {response.status_code}, not 200 (redirects are not followed).",
            extensions={"upstream_status": response.status_code},
        )
    declared = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if declared and declared not in DECLARED_TYPES:
        raise NotAnImage(f"{url} is {declared}: only JPEG, PNG and WebP images are accepted.")
    length = response.headers.get("content-length", "")
    if length.isdigit() and int(length) > limit:
        raise _too_large(url, limit)


def _too_large(url: str, limit: int) -> PayloadTooLarge:
    return PayloadTooLarge(f"{url} is larger than {limit} bytes.", extensions={"max_bytes": limit})

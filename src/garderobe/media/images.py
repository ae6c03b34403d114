"""Image bytes: identify from content, refuse bombs and corrupt files, strip metadata,
apply orientation, make thumbnails. CPU-bound: callers run these in a worker thread."""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass
from typing import IO

from PIL import Image, ImageOps, UnidentifiedImageError

from garderobe.errors import InvalidInput, UnsupportedMediaType

FORMATS = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "WEBP": ("image/webp", "webp"),
}


class NotAnImage(UnsupportedMediaType):
    slug = "unsupported-image-type"
    title = "Unsupported image type"


class CorruptImage(InvalidInput):
    slug = "corrupt-image"
    title = "Corrupt or truncated image"


class ImageTooLarge(InvalidInput):
    slug = "image-too-large"
    title = "Image has too many pixels"


@dataclass(frozen=True)
class CleanImage:
    data: bytes
    content_type: str
    extension: str
    width: int
    height: int

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def _open(file: IO[bytes], max_pixels: int) -> tuple[str, tuple[int, int]]:
    """Format and size from the header alone: nothing is decoded yet."""
    file.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file) as probe:
                fmt, size = probe.format or "", probe.size
                if fmt in FORMATS and size[0] * size[1] <= max_pixels:
                    probe.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageTooLarge(f"More than {max_pixels} pixels.") from exc
    except UnidentifiedImageError as exc:
        raise NotAnImage("Only JPEG, PNG and WebP images are accepted.") from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise CorruptImage(f"The image could not be read: {exc}") from exc
    if fmt not in FORMATS:
        raise NotAnImage(f"{fmt or 'This'} is not accepted: only JPEG, PNG and WebP.")
    if size[0] * size[1] > max_pixels:
        raise ImageTooLarge(f"{size[0]}x{size[1]} is more than {max_pixels} pixels.")
    return fmt, size


def clean(file: IO[bytes], max_pixels: int) -> CleanImage:
    """The image re-encoded from its pixels: upright, and with no EXIF/GPS or other metadata."""
    fmt, _ = _open(file, max_pixels)
    file.seek(0)
    try:
        with Image.open(file) as source:
            source.load()
            image = ImageOps.exif_transpose(source)
    except (OSError, SyntaxError, ValueError) as exc:
        raise CorruptImage(f"The image could not be decoded: {exc}") from exc
    out = io.BytesIO()
    if fmt == "JPEG":
        image.convert("RGB").save(out, format="JPEG", quality=90, optimize=True)
    elif fmt == "PNG":
        image.save(out, format="PNG", optimize=True)
    else:
        image.save(out, format="WEBP", quality=90)
    content_type, extension = FORMATS[fmt]
    return CleanImage(out.getvalue(), content_type, extension, image.width, image.height)


def thumbnail(data: bytes, width: int) -> bytes:
    """A WebP `width` pixels wide (never wider than the original: no upscaling)."""
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        target = min(width, image.width)
        height = max(1, round(image.height * target / image.width))
        resized = image.convert("RGBA" if image.mode in ("RGBA", "LA", "P") else "RGB")
        resized = resized.resize((target, height), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        resized.save(out, format="WEBP", quality=82)
        return out.getvalue()

"""The image record embedded in a catalog item (the bytes live in object storage)."""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel, Field


class ItemImage(BaseModel):
    id: str = Field(description="Content hash (sha256 hex) of the stored image")
    key: str = Field(description="Object key of the original (metadata stripped)")
    content_type: str
    width: int
    height: int
    size_bytes: int
    alt: str = ""
    thumbnails: dict[str, str] = Field(
        default_factory=dict, description="Width label (e.g. '200') -> object key of a WebP"
    )
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC))

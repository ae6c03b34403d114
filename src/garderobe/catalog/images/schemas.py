"""Request and response bodies of an item's images."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field


class ImageDetailOut(BaseModel):
    """An image as the media endpoints show it: what ItemOut lists, plus its content type."""

    id: str
    alt: str
    width: int
    height: int
    content_type: str
    urls: dict[str, str] = Field(description="`original` plus one per thumbnail width")


class ImageAltIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    alt: Annotated[str, Field(max_length=300)]


class ImageOrderIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    image_ids: list[str]

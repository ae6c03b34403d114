"""Request and response bodies of an item's images."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field


class ImageDetailOut(BaseModel):
    """An image as the media endpoints show it: what ItemOut lists, plus its content type."""

    id: str
    alt: str
    colour: str | None = Field(default=None, description="The colour it shows, if named")
    width: int
    height: int
    content_type: str
    urls: dict[str, str] = Field(description="`original` plus one per thumbnail width")


class ImageAltIn(BaseModel):
    """What an admin says of an image: its alt text and, when sent, the colour it shows
    (null: none; left out: unchanged)."""

    model_config = ConfigDict(extra="forbid")
    alt: Annotated[str, Field(max_length=300)]
    colour: Annotated[str, Field(min_length=1, max_length=40)] | None = Field(
        default=None, description="A colour of the vocabulary (slug or label), or null"
    )

    def changes(self) -> dict[str, str | None]:
        return self.model_dump(include=self.model_fields_set)


class ImageOrderIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    image_ids: list[str]

"""Request and response bodies of an item's images."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

IMAGE_ID = re.compile(r"^[0-9a-f]{64}$")


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


class ImageSource(BaseModel):
    """An image a bulk-import line names: an image the shop stores already (its id) or a URL
    to fetch, with the alt text and colour an upload may be given. A bare string stands for
    an id when it is one (64 hex digits), else for a URL."""

    model_config = ConfigDict(extra="forbid")
    id: Annotated[str, Field(pattern=IMAGE_ID.pattern)] | None = None
    url: Annotated[str, Field(min_length=1, max_length=2048)] | None = None
    alt: Annotated[str, Field(max_length=300)] | None = None
    colour: Annotated[str, Field(min_length=1, max_length=40)] | None = None

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        if isinstance(value, str):
            return {"id": value} if IMAGE_ID.match(value) else {"url": value}
        return value

    @model_validator(mode="after")
    def _one_source(self) -> ImageSource:
        if (self.id is None) == (self.url is None):
            raise ValueError("name the image by exactly one of `id` and `url`")
        return self

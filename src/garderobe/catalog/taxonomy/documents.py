"""The taxonomy's documents in MongoDB: categories with their typed attribute definitions,
brands, and the closed vocabularies of the common item fields (condition, colours, pattern).

Portable to the nx-27017 stand-in as the item documents are (see `catalog.documents`).
"""

from __future__ import annotations

import enum
import re
import unicodedata
from typing import Annotated

import pymongo
from beanie import Document, Indexed
from pydantic import BaseModel, Field


def slugify(label: str) -> str:
    """'Button down' -> 'button-down', '3/4' -> '3-4', "Levi's" -> 'levis', 'H&M' -> 'h-m'."""
    text = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode().lower()
    text = text.replace("'", "")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


class AttributeType(enum.StrEnum):
    ENUM = "enum"
    MULTI_ENUM = "multi_enum"
    TEXT = "text"
    NUMBER = "number"
    BOOLEAN = "boolean"


class Choice(BaseModel):
    value: str = Field(description="Slug stored on items and used in filters")
    label: str


class AttributeDefinition(BaseModel):
    """One typed attribute a category's items may (or must) carry."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")
    label: str
    type: AttributeType
    choices: list[Choice] = Field(default_factory=list)
    required: bool = False
    unit: str | None = None
    min: float | None = None
    max: float | None = None


class Category(Document):
    slug: Annotated[str, Indexed(unique=True)]
    name: str
    parent: str | None = None
    path: list[str] = Field(description="Slugs from the department down to this category")
    position: int = 0
    attributes: list[AttributeDefinition] = Field(default_factory=list)
    size_systems: list[str] = Field(
        default_factory=list,
        description="Codes of the size systems its items use (`garderobe.sizing`), in the "
        "order sizes are read and shown; empty: its parent's",
    )
    garment: str | None = Field(
        default=None,
        description="What its items are worn as (tops, bottoms, shoes …): with a size's "
        "system, it names the size chart that says what the size fits; none: its parent's",
    )

    class Settings:
        name = "categories"
        indexes = [pymongo.IndexModel([("parent", 1), ("position", 1)])]


class Brand(Document):
    slug: Annotated[str, Indexed(unique=True)]
    name: str

    class Settings:
        name = "brands"


class Vocabulary(Document):
    """The closed value list of a common item field (condition, colours, pattern)."""

    field: Annotated[str, Indexed(unique=True)]
    choices: list[Choice]

    class Settings:
        name = "vocabularies"

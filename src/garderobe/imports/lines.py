"""An import line made into what `POST /api/v1/items` takes, checked as that route checks
its body: unstorable strings, then the `ItemCreate` schema, then (the service's part)
the category's schema. Lines upsert by SKU, so every variant of a line must name one."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from beanie import PydanticObjectId
from pydantic import BaseModel, ConfigDict

from garderobe.api.hygiene import json_problems
from garderobe.catalog.images.schemas import ImageSource
from garderobe.catalog.schemas import ItemCreate
from garderobe.catalog.taxonomy import service as taxonomy
from garderobe.catalog.taxonomy.documents import AttributeDefinition, AttributeType
from garderobe.imports.problems import invalid_fields
from garderobe.imports.reading import LIST_SEPARATOR, Record

TRUE, FALSE = {"true", "yes", "1"}, {"false", "no", "0"}


@dataclass(frozen=True)
class Line:
    number: int
    body: ItemCreate
    skus: list[str]
    images: list[ImageSource] | None = None  # None: the line leaves the item's images alone

    @property
    def new_item_id(self) -> PydanticObjectId:
        """The id the line's item gets if it is new: derived from its first SKU, so a line
        replayed after a crash between the MongoDB insert and the PostgreSQL commit finds
        the item it inserted instead of inserting a second."""
        digest = hashlib.sha256(b"garderobe-import:" + self.skus[0].encode()).digest()
        return PydanticObjectId(digest[:12])


class _LineImages(BaseModel):
    """A line's `images` (not a field of `ItemCreate`: images are uploaded on their own)."""

    model_config = ConfigDict(extra="forbid")
    images: list[ImageSource]


class AttributeTypes:
    """Typing of CSV cells (all text) by the category's attribute schema: booleans,
    numbers and `|`-separated lists; the schemas are loaded once per category."""

    def __init__(self) -> None:
        self._schemas: dict[str, dict[str, AttributeDefinition]] = {}

    async def typed(self, data: dict[str, Any]) -> dict[str, Any]:
        category, attributes = data.get("category"), data.get("attributes")
        if not isinstance(category, str) or not isinstance(attributes, dict):
            return data
        if category not in self._schemas:
            try:
                found = await taxonomy.get_category(category)
            except taxonomy.CategoryNotFound:
                return data  # the catalog's validation names the problem
            definitions = await taxonomy.effective_attributes(found)
            self._schemas[category] = {d.name: d for d in definitions}
        schema = self._schemas[category]
        typed = {name: _typed(schema.get(name), value) for name, value in attributes.items()}
        return {**data, "attributes": typed}


def _typed(definition: AttributeDefinition | None, text: Any) -> Any:
    if definition is None or not isinstance(text, str):
        return text
    kind, value = definition.type, text.strip()
    if kind is AttributeType.MULTI_ENUM:
        return [part.strip() for part in value.split(LIST_SEPARATOR)]
    if kind is AttributeType.BOOLEAN and value.casefold() in TRUE | FALSE:
        return value.casefold() in TRUE
    if kind is AttributeType.NUMBER:
        try:
            number = float(value)
        except ValueError:
            return text  # refused by the schema check, as the API refuses it
        return int(number) if number.is_integer() else number
    return text


async def parsed(record: Record, types: AttributeTypes) -> Line:
    """The line as an item body, or the problem the API would answer for it."""
    data: Mapping[str, Any] = record.data or {}
    unstorable = list(json_problems(data, "line"))
    if unstorable:
        raise invalid_fields(unstorable, "unstorable_string")
    if record.tabular:
        data = await types.typed(dict(data))
    images = None
    if "images" in data:
        data = dict(data)
        images = _LineImages.model_validate({"images": data.pop("images")}).images
    body = ItemCreate.model_validate(data)
    if not body.variants:
        raise invalid_fields([("variants", "an import line lists its variants")], "missing")
    missing = [(f"variants.{n}.sku", "required") for n, v in enumerate(body.variants) if not v.sku]
    if missing:
        raise invalid_fields(missing, "missing")
    return Line(record.line, body, [v.sku for v in body.variants if v.sku], images)

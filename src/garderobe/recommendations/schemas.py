"""Response bodies of the recommendations."""

from __future__ import annotations

from pydantic import BaseModel, Field

from garderobe.catalog.schemas import ItemOut


class Recommendations(BaseModel):
    items: list[ItemOut] = Field(
        description="Active items, best first, in the listing's item shape; never the item "
        "asked about, nor sold ones"
    )

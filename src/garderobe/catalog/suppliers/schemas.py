"""Request and response bodies of the suppliers (admins only)."""

from __future__ import annotations

from pydantic import BaseModel, EmailStr, Field

from garderobe.accounts.schemas import Country
from garderobe.api.fields import Omittable, Request, UtcDatetime


class SupplierIn(Request):
    name: str = Field(min_length=1, max_length=120)
    slug: str | None = Field(
        default=None,
        max_length=80,
        pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$",
        description="Derived from the name when left out; never changes afterwards",
    )
    contact_email: EmailStr | None = None
    country: Country | None = Field(default=None, description="ISO 3166-1 alpha-2, e.g. PT")
    notes: str = Field(default="", max_length=5000)


class SupplierPatch(Request):
    """Only the given fields change; contact_email and country may be cleared with null."""

    name: Omittable[str] = Field(default=None, min_length=1, max_length=120)
    contact_email: EmailStr | None = None
    country: Country | None = Field(default=None, description="ISO 3166-1 alpha-2, e.g. PT")
    notes: Omittable[str] = Field(default=None, max_length=5000)


class SupplierOut(BaseModel):
    slug: str
    name: str
    contact_email: str | None
    country: str | None
    notes: str
    items: int = Field(description="Items naming this supplier, in any status")
    created_at: UtcDatetime
    updated_at: UtcDatetime


class SupplierPage(BaseModel):
    items: list[SupplierOut]
    next_cursor: str | None


class SupplierRef(BaseModel):
    slug: str
    name: str

"""Suppliers in the admin panel: every write goes through the catalog's supplier service
(slug derivation, validation, the delete guard, the search cache), audited in its
transaction. A refusal (a supplier items still name, a taken slug) is shown on the page."""

from __future__ import annotations

import uuid
from typing import Any

from pydantic import ValidationError
from sqladmin import ModelView
from starlette.requests import Request

# WTForms (SQLAdmin's form library) ships no type information.
from wtforms import Form, StringField, TextAreaField  # type: ignore[import-untyped]
from wtforms.validators import InputRequired, Optional  # type: ignore[import-untyped]

from garderobe.accounts.models import User
from garderobe.admin import audit
from garderobe.admin.auth import signed_in_admin, stores_of
from garderobe.catalog.suppliers import service as suppliers
from garderobe.catalog.suppliers.models import Supplier
from garderobe.catalog.suppliers.schemas import SupplierIn, SupplierPatch
from garderobe.uow import unit_of_work

FIELDS = ["name", "contact_email", "country", "notes"]


REQUIRED_TEXT = ("name", "notes")  # never null: left out when the form has none


def _form(data: dict[str, Any], fields: list[str]) -> dict[str, Any]:
    """The form's values as the API would receive them: an empty optional field is null."""
    found: dict[str, Any] = {}
    for name in fields:
        value = data.get(name)
        if name not in REQUIRED_TEXT:
            found[name] = value or None
        elif value is not None:
            found[name] = value
    return found


def _readable(error: ValidationError) -> str:
    return "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())


class SupplierForm(Form):  # type: ignore[misc]
    """Declared rather than derived from the table: the slug may be left empty (the service
    derives it from the name), which a form built from its NOT NULL column would refuse.
    The service's schemas check every value."""

    name = StringField("Name", [InputRequired()])
    slug = StringField(
        "Slug", [Optional()], description="Left empty: made from the name. Never changes."
    )
    contact_email = StringField("Contact email", [Optional()])
    country = StringField("Country", [Optional()], description="ISO 3166-1 alpha-2, e.g. PT")
    notes = TextAreaField("Notes", [Optional()])


async def _actor(request: Request) -> User:
    actor = await signed_in_admin(request)
    if actor is None:
        raise ValueError("Sign in again: the admin session has ended.")
    return actor


class SupplierAdmin(ModelView, model=Supplier):
    name_plural = "Suppliers"
    icon = "fa-solid fa-truck"
    column_list = [Supplier.name, Supplier.slug, Supplier.country, Supplier.contact_email]
    column_searchable_list = [Supplier.name, Supplier.slug]
    column_default_sort = [(Supplier.name, False)]
    form = SupplierForm
    form_create_rules = ["name", "slug", "contact_email", "country", "notes"]
    form_edit_rules = FIELDS

    async def insert_model(self, request: Request, data: dict[str, Any]) -> Any:
        actor = await _actor(request)
        try:
            body = SupplierIn.model_validate(_form(data, ["slug", *FIELDS]))
        except ValidationError as invalid:
            raise ValueError(_readable(invalid)) from invalid
        async with unit_of_work(stores_of(request)) as session:
            supplier = await suppliers.create_supplier(session, body)
            after = audit.snapshot(supplier, ["slug", *FIELDS])
            audit.record(
                session,
                actor,
                action="create",
                target="supplier",
                target_id=supplier.slug,
                before=None,
                after=after,
            )
        return supplier

    async def update_model(self, request: Request, pk: str, data: dict[str, Any]) -> Any:
        actor = await _actor(request)
        try:
            changes = SupplierPatch.model_validate(_form(data, FIELDS)).model_dump(
                exclude_unset=True
            )
        except ValidationError as invalid:
            raise ValueError(_readable(invalid)) from invalid
        async with unit_of_work(stores_of(request)) as session:
            current = await session.get(Supplier, uuid.UUID(pk))
            if current is None:
                raise ValueError("No such supplier.")
            before = audit.snapshot(current, list(changes))
            supplier = await suppliers.update_supplier(session, current.slug, changes)
            audit.record(
                session,
                actor,
                action="update",
                target="supplier",
                target_id=supplier.slug,
                before=before,
                after=audit.snapshot(supplier, list(changes)),
            )
        return supplier

    async def delete_model(self, request: Request, pk: Any) -> None:
        """Refused while items name the supplier: SQLAdmin shows the message on the list."""
        actor = await _actor(request)
        async with unit_of_work(stores_of(request)) as session:
            current = await session.get(Supplier, uuid.UUID(str(pk)))
            if current is None:
                raise ValueError("No such supplier.")
            before = audit.snapshot(current, ["slug", *FIELDS])
            await suppliers.delete_supplier(session, current.slug)
            audit.record(
                session,
                actor,
                action="delete",
                target="supplier",
                target_id=current.slug,
                before=before,
                after=None,
            )

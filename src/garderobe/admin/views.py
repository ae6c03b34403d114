"""Admin views over accounts and stock: what may be edited, and the audit of every edit."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import ValidationError
from sqladmin import ModelView
from sqladmin.filters import AllUniqueStringValuesFilter, BooleanFilter
from sqladmin.helpers import get_object_identifier
from sqlalchemy.orm import object_session
from starlette.requests import Request

from garderobe.accounts.models import Address, User
from garderobe.admin import audit
from garderobe.admin.auth import signed_in_admin, stores_of
from garderobe.admin.models import AdminAuditEntry
from garderobe.catalog import service as catalog
from garderobe.errors import DomainError
from garderobe.stock.models import Stock
from garderobe.stock.schemas import StockIn
from garderobe.uow import unit_of_work


class AuditedView(ModelView):
    """Edits through the panel write an audit row in the edit's own transaction: SQLAdmin
    calls `on_model_change` with the unchanged object, in the session it then commits."""

    can_create = False
    can_delete = False
    audited_fields: ClassVar[list[str]] = []

    def check_change(self, data: dict[str, Any], model: Any) -> None:
        """Refuse an edit the shop's rules forbid (raise ValueError: the form shows it)."""

    async def on_model_change(
        self, data: dict[str, Any], model: Any, is_created: bool, request: Request
    ) -> None:
        self.check_change(data, model)
        actor = await signed_in_admin(request)
        session = object_session(model)
        if actor is None or session is None:
            raise ValueError("Sign in again: the admin session has ended.")
        fields = [f for f in self.audited_fields if f in data]
        audit.record(
            session,
            actor,
            action="update",
            target=self.identity,
            target_id=str(get_object_identifier(model)),
            before=audit.snapshot(model, fields),
            after={f: data[f] for f in fields},
        )


class UserAdmin(AuditedView, model=User):
    name_plural = "Users"
    icon = "fa-solid fa-user"
    # The password hash is never listed, shown or editable: passwords change through the
    # API's reset flow only.
    column_list = [User.email, User.full_name, User.role, User.is_active, User.created_at]
    column_details_exclude_list = [User.password_hash]
    column_searchable_list = [User.email]
    column_filters = [AllUniqueStringValuesFilter(User.role), BooleanFilter(User.is_active)]
    column_default_sort = [(User.created_at, True)]
    form_columns = [User.full_name, User.phone, User.role, User.is_active]
    audited_fields = ["full_name", "phone", "role", "is_active"]


class AddressAdmin(AuditedView, model=Address):
    name_plural = "Addresses"
    icon = "fa-solid fa-location-dot"
    column_list = [Address.user_id, Address.recipient, Address.city, Address.country]
    column_searchable_list = [Address.recipient, Address.city, Address.postal_code]
    form_columns = [
        Address.recipient,
        Address.line1,
        Address.line2,
        Address.city,
        Address.postal_code,
        Address.country,
        Address.phone,
    ]
    audited_fields = ["recipient", "line1", "line2", "city", "postal_code", "country", "phone"]


class StockAdmin(ModelView, model=Stock):
    """Units per variant. An edit of on hand goes through `catalog.service.set_on_hand`, as
    the API's does: a row written here directly would leave the read index (what shoppers
    see in stock, the facets) behind. The item's page in "Catalog items" edits the same."""

    name_plural = "Stock"
    icon = "fa-solid fa-boxes-stacked"
    can_create = False
    can_delete = False
    column_list = [Stock.item_id, Stock.sku, Stock.on_hand, Stock.reserved, Stock.updated_at]
    column_searchable_list = [Stock.item_id, Stock.sku]
    form_columns = [Stock.on_hand]

    async def update_model(self, request: Request, pk: str, data: dict[str, Any]) -> Any:
        """Refused (shown on the form) below the units reserved by open orders."""
        actor = await signed_in_admin(request)
        if actor is None:
            raise ValueError("Sign in again: the admin session has ended.")
        try:
            on_hand = StockIn.model_validate({"on_hand": data.get("on_hand")}).on_hand
        except ValidationError as invalid:
            raise ValueError(f"On hand: {invalid.errors()[0]['msg']}") from invalid
        async with unit_of_work(stores_of(request)) as session:
            row = await session.get(Stock, pk)
            if row is None:
                raise ValueError("No such stock row.")
            before = row.on_hand
            if on_hand < row.reserved:
                raise ValueError(
                    f"On hand cannot go below the {row.reserved} units reserved by open orders."
                )
            try:
                await catalog.set_on_hand(session, row.item_id, on_hand, row.variant_id)
            except DomainError as refused:
                raise ValueError(refused.detail) from refused
            audit.record(
                session,
                actor,
                action="update",
                target=self.identity,
                target_id=row.variant_id,
                before={"on_hand": before},
                after={"on_hand": on_hand},
            )
        return row


class AuditAdmin(ModelView, model=AdminAuditEntry):
    name = "Audit entry"
    name_plural = "Audit log"
    icon = "fa-solid fa-clipboard-list"
    can_create = can_edit = can_delete = False
    column_list = [
        AdminAuditEntry.created_at,
        AdminAuditEntry.actor_email,
        AdminAuditEntry.action,
        AdminAuditEntry.target,
        AdminAuditEntry.target_id,
    ]
    column_searchable_list = [AdminAuditEntry.actor_email, AdminAuditEntry.target_id]
    column_default_sort = [(AdminAuditEntry.created_at, True)]

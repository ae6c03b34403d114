"""Discounts and shipping in the panel: the discounts with their redemption counts, each
order's discount lines, the zones and methods. Terms are set through the API
(/api/v1/admin/discounts, /api/v1/admin/shipping), whose checks a form here would bypass;
the panel may switch a discount off or on, audited in the change's transaction."""

from __future__ import annotations

from sqladmin import ModelView

from garderobe.admin.views import AuditedView
from garderobe.pricing.models import Discount, DiscountRedemption, ShippingMethod, ShippingZone


class DiscountAdmin(AuditedView, model=Discount):
    name_plural = "Discounts"
    icon = "fa-solid fa-tags"
    column_list = [
        Discount.code,
        Discount.name,
        Discount.kind,
        Discount.value,
        Discount.scope,
        Discount.used,
        Discount.usage_limit,
        Discount.ends_at,
        Discount.active,
    ]
    column_labels = {Discount.used: "Redemptions"}
    column_searchable_list = [Discount.code, Discount.name]
    column_default_sort = [(Discount.created_at, True)]
    form_columns = [Discount.active]
    audited_fields = ["active"]


class DiscountRedemptionAdmin(ModelView, model=DiscountRedemption):
    name_plural = "Discount redemptions"
    icon = "fa-solid fa-ticket"
    can_create = can_edit = can_delete = False
    column_list = [
        DiscountRedemption.code,
        DiscountRedemption.name,
        DiscountRedemption.order_id,
        DiscountRedemption.amount,
        DiscountRedemption.created_at,
    ]
    column_searchable_list = [DiscountRedemption.code]
    column_default_sort = [(DiscountRedemption.created_at, True)]


class ShippingZoneAdmin(ModelView, model=ShippingZone):
    name_plural = "Shipping zones"
    icon = "fa-solid fa-globe"
    can_create = can_edit = can_delete = False
    column_list = [ShippingZone.name, ShippingZone.countries]


class ShippingMethodAdmin(ModelView, model=ShippingMethod):
    name_plural = "Shipping methods"
    icon = "fa-solid fa-truck"
    can_create = can_edit = can_delete = False
    column_list = [
        ShippingMethod.name,
        ShippingMethod.zone_id,
        ShippingMethod.basis,
        ShippingMethod.free_over,
        ShippingMethod.active,
    ]

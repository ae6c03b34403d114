"""Mount the admin panel on the app; bind it to the stores once they are open.

SQLAdmin wants its session maker when it is mounted, but the stores open in the lifespan:
the panel gets an unbound `async_sessionmaker` now, bound to the engine by `bind`.
"""

from __future__ import annotations

from fastapi import FastAPI
from sqladmin import Admin
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.middleware import Middleware

from garderobe.admin import csrf
from garderobe.admin.api_key_views import ApiKeyAdmin
from garderobe.admin.auth import AdminAuth
from garderobe.admin.catalog_views import TEMPLATES, CatalogAdmin
from garderobe.admin.order_views import (
    OrderAdmin,
    OrderEventAdmin,
    OrderItemAdmin,
    OutboxAdmin,
    TransactionAdmin,
)
from garderobe.admin.pricing_views import (
    DiscountAdmin,
    DiscountRedemptionAdmin,
    ShippingMethodAdmin,
    ShippingZoneAdmin,
)
from garderobe.admin.review_views import ReviewAdmin
from garderobe.admin.size_chart_views import SizeChartAdmin
from garderobe.admin.supplier_views import SupplierAdmin
from garderobe.admin.views import AddressAdmin, AuditAdmin, StockAdmin, UserAdmin
from garderobe.admin.webhook_views import WebhookAdmin
from garderobe.infra.stores import Stores
from garderobe.settings import Settings

BASE_URL = "/admin"
VIEWS = [
    UserAdmin,
    AddressAdmin,
    OrderAdmin,
    OrderItemAdmin,
    OrderEventAdmin,
    TransactionAdmin,
    StockAdmin,
    SupplierAdmin,
    OutboxAdmin,
    AuditAdmin,
    ReviewAdmin,
    DiscountAdmin,
    DiscountRedemptionAdmin,
    ShippingZoneAdmin,
    ShippingMethodAdmin,
]


class Panel:
    def __init__(self, app: FastAPI, settings: Settings) -> None:
        self.sessionmaker: async_sessionmaker[AsyncSession] = async_sessionmaker(
            class_=AsyncSession, expire_on_commit=False
        )
        self.admin = Admin(
            app,
            session_maker=self.sessionmaker,
            base_url=BASE_URL,
            title="garderobe admin",
            authentication_backend=AdminAuth(settings),
            middlewares=[Middleware(csrf.SameOriginMiddleware)],
            templates_dir=str(TEMPLATES),
        )
        csrf.install_templates(self.admin.templates.env)
        # SQLAdmin stores the session maker on the view *class*; a subclass per panel keeps
        # two apps in one process (tests, a served copy) from sharing one.
        for view in VIEWS:
            self.admin.add_view(type(view.__name__, (view,), {}))
        self.admin.add_view(CatalogAdmin)
        self.admin.add_view(SizeChartAdmin)
        self.admin.add_view(ApiKeyAdmin)
        self.admin.add_view(WebhookAdmin)

    def bind(self, stores: Stores) -> None:
        self.sessionmaker.configure(bind=stores.engine)
        self.admin.admin.state.stores = stores


def install_admin(app: FastAPI, settings: Settings) -> Panel:
    panel = Panel(app, settings)
    app.state.admin_panel = panel
    return panel


def bind_admin(app: FastAPI, stores: Stores) -> None:
    panel: Panel | None = getattr(app.state, "admin_panel", None)
    if panel is not None:
        panel.bind(stores)

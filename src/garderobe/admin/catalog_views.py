"""Catalog items (MongoDB) in the admin panel: a page of its own that calls the catalog
service the API calls, since SQLAdmin's model views only speak SQLAlchemy."""

from __future__ import annotations

from pathlib import Path

from sqladmin import BaseView, expose
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from garderobe.admin import audit
from garderobe.admin.auth import signed_in_admin, stores_of
from garderobe.catalog import presenters as catalog_presenters
from garderobe.catalog import service as catalog
from garderobe.catalog.documents import ItemStatus
from garderobe.errors import DomainError
from garderobe.uow import unit_of_work

TEMPLATES = Path(__file__).parent / "templates"


class CatalogAdmin(BaseView):
    name = "Catalog items"
    icon = "fa-solid fa-tags"
    identity = "catalog"

    @expose("/catalog", methods=["GET"], identity="catalog")
    async def list_items(self, request: Request) -> Response:
        params = request.query_params
        status = params.get("status", "")
        items = await catalog.find_items_for_admin(
            title=params.get("search", "").strip(),
            category=params.get("category", "").strip(),
            brand=params.get("brand", "").strip(),
            status=ItemStatus(status) if status in set(ItemStatus) else None,
        )
        context = {"items": items, "params": params, "statuses": list(ItemStatus)}
        return await self.templates.TemplateResponse(
            request, "garderobe_admin/catalog_list.html", context
        )

    @expose("/catalog/{item_id}", methods=["GET"], identity="catalog-item")
    async def item_detail(self, request: Request) -> Response:
        try:
            item = await catalog.get_item(request.path_params["item_id"])
        except DomainError:
            return Response("No such item.", status_code=404)
        stores = stores_of(request)
        async with stores.reader() as session:
            shown = await catalog_presenters.item_out(
                session, item, stores.storage, stores.settings, admin=True
            )
        context = {"item": shown, "statuses": list(ItemStatus)}
        return await self.templates.TemplateResponse(
            request, "garderobe_admin/catalog_item.html", context
        )

    @expose("/catalog/{item_id}/status", methods=["POST"], identity="catalog-item-status")
    async def change_status(self, request: Request) -> Response:
        """The same service call as `PATCH /api/v1/items/{id}` with a new status, plus the
        audit row in its transaction."""
        actor = await signed_in_admin(request)
        item_id = request.path_params["item_id"]
        wanted = str((await request.form()).get("status", ""))
        back = request.url_for("admin:view-catalog-item", item_id=item_id)
        if actor is None or wanted not in set(ItemStatus):
            return Response("Refused.", status_code=400)
        try:
            async with unit_of_work(stores_of(request)) as session:
                item = await catalog.get_item(item_id)
                before = item.status
                await catalog.patch_item(session, item, {"status": wanted}, item.revision)
                audit.record(
                    session,
                    actor,
                    action="status",
                    target="catalog-item",
                    target_id=item_id,
                    before={"status": before},
                    after={"status": wanted},
                )
        except DomainError as refused:
            return Response(f"Refused: {refused.detail}", status_code=refused.status_code)
        return RedirectResponse(back, status_code=302)

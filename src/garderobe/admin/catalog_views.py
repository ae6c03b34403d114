"""Catalog items (MongoDB) in the admin panel: a page of its own that calls the catalog
service the API calls, since SQLAdmin's model views only speak SQLAlchemy. An item's page
lists its variants with their stock and carries their forms (`variant_forms`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqladmin import BaseView, expose
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from garderobe.admin import audit, variant_forms
from garderobe.admin.auth import signed_in_admin, stores_of
from garderobe.catalog import presenters as catalog_presenters
from garderobe.catalog import service as catalog
from garderobe.catalog import validation
from garderobe.catalog.documents import ItemStatus
from garderobe.errors import DomainError
from garderobe.sizing.systems import size_system
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
        return await self._item_page(request)

    async def _item_page(
        self, request: Request, refused: dict[str, Any] | None = None, status_code: int = 200
    ) -> Response:
        """The item with its variants; `refused` names the form a change was refused on,
        the reason and what was sent (shown back in that form)."""
        try:
            item = await catalog.get_item(request.path_params["item_id"])
        except DomainError:
            return Response("No such item.", status_code=404)
        stores = stores_of(request)
        async with stores.reader() as session:
            shown = await catalog_presenters.item_out(
                session, item, stores.storage, stores.settings, admin=True
            )
        systems, colours, missing = await _variant_choices(item.category)
        context = {
            "item": shown,
            "statuses": list(ItemStatus),
            "size_systems": systems,
            "colours": colours,
            "category_missing": missing,
            # What the edit forms show: a variant's own price (its body has the effective one).
            "own_prices": {v.id: v.price for v in item.sellable_variants()},
            "refused": refused or {},
        }
        return await self.templates.TemplateResponse(
            request, "garderobe_admin/catalog_item.html", context, status_code=status_code
        )

    @expose("/catalog/{item_id}/variants", methods=["POST"], identity="catalog-variant-add")
    async def add_variant(self, request: Request) -> Response:
        form = await _form(request)
        return await self._change(request, "variant:add", "add", form, variant_forms.adding(form))

    @expose(
        "/catalog/{item_id}/variants/{variant_id}",
        methods=["POST"],
        identity="catalog-variant-change",
    )
    async def change_variant(self, request: Request) -> Response:
        form, variant_id = await _form(request), request.path_params["variant_id"]
        change = variant_forms.changing(variant_id, form)
        return await self._change(request, "variant:change", variant_id, form, change)

    @expose(
        "/catalog/{item_id}/variants/{variant_id}/delete",
        methods=["POST"],
        identity="catalog-variant-delete",
    )
    async def delete_variant(self, request: Request) -> Response:
        form, variant_id = await _form(request), request.path_params["variant_id"]
        change = variant_forms.removing(variant_id)
        key = f"delete-{variant_id}"
        return await self._change(request, "variant:delete", key, form, change)

    @expose(
        "/catalog/{item_id}/variants/{variant_id}/stock",
        methods=["POST"],
        identity="catalog-variant-stock",
    )
    async def set_variant_stock(self, request: Request) -> Response:
        form, variant_id = await _form(request), request.path_params["variant_id"]
        change = variant_forms.restocking(variant_id, form)
        return await self._change(request, "variant:stock", f"stock-{variant_id}", form, change)

    async def _change(
        self,
        request: Request,
        action: str,
        key: str,
        form: dict[str, str],
        change: variant_forms.Change,
    ) -> Response:
        """One form's change in its own transaction; refused, the page again with the reason
        beside that form (the status of the API's refusal: 409, 412, 422 …)."""
        actor = await signed_in_admin(request)
        item_id = request.path_params["item_id"]
        if actor is None:
            return Response("Refused.", status_code=400)
        try:
            async with unit_of_work(stores_of(request)) as session:
                revision = form.get("revision", "")
                await variant_forms.apply(session, actor, item_id, revision, action, change)
        except DomainError as refused:
            reason = {"form": key, "message": refused.detail, "sent": form}
            return await self._item_page(request, reason, refused.status_code)
        back = request.url_for("admin:view-catalog-item", item_id=item_id)
        return RedirectResponse(back, status_code=302)

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


async def _variant_choices(category: str) -> tuple[list[tuple[str, str]], list[Any], str | None]:
    """The size systems (code, label) and colours the variant forms offer; a category gone
    from the taxonomy offers none, and the page says why (the service refuses the forms)."""
    try:
        rules = await validation.variant_rules(category)
    except DomainError as gone:
        return [], [], gone.detail
    return (
        [(code, size_system(code).label) for code in rules.size_systems],
        list(rules.colours),
        None,
    )


async def _form(request: Request) -> dict[str, str]:
    return {name: str(value) for name, value in (await request.form()).items()}

"""Webhook subscriptions in the admin panel: a page of their own (the secret is shown once,
on the page that answers the creation, which a model form's redirect would lose), calling
the service the API calls, audited in its transaction."""

from __future__ import annotations

import uuid
from typing import Any

from pydantic import ValidationError
from sqladmin import BaseView, expose
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from garderobe.admin import audit
from garderobe.admin.auth import signed_in_admin, stores_of
from garderobe.errors import DomainError
from garderobe.uow import unit_of_work
from garderobe.webhooks import service
from garderobe.webhooks.events import EVENT_TYPES
from garderobe.webhooks.schemas import SubscriptionIn, SubscriptionPatch

AUDITED = ["url", "event_types", "description", "active"]


def _readable(error: ValidationError) -> list[str]:
    return [f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors()]


def _subscription_in(form: FormData) -> SubscriptionIn:
    return SubscriptionIn.model_validate(
        {
            "url": str(form.get("url", "")).strip(),
            "event_types": [str(value) for value in form.getlist("event_types")],
            "description": str(form.get("description", "")).strip(),
        }
    )


class WebhookAdmin(BaseView):
    name = "Webhooks"
    icon = "fa-solid fa-satellite-dish"
    identity = "webhooks"

    async def _page(self, request: Request, **context: Any) -> Response:
        async with stores_of(request).reader() as session:
            found = await service.list_subscriptions(session)
        context = {"subscriptions": found, "event_types": EVENT_TYPES, "problems": [], **context}
        status = 422 if context["problems"] else 200
        return await self.templates.TemplateResponse(
            request, "garderobe_admin/webhooks.html", context, status_code=status
        )

    @expose("/webhooks", methods=["GET"], identity="webhooks")
    async def list_subscriptions(self, request: Request) -> Response:
        return await self._page(request)

    @expose("/webhooks", methods=["POST"], identity="webhooks-create")
    async def create_subscription(self, request: Request) -> Response:
        """Subscribe a URL; the answer is the one page that shows its secret."""
        actor = await signed_in_admin(request)
        if actor is None:
            return Response("Refused.", status_code=400)
        form = await request.form()
        stores = stores_of(request)
        try:
            body = _subscription_in(form)
            async with unit_of_work(stores) as session:
                created = await service.create_subscription(session, stores.settings, body)
                audit.record(
                    session,
                    actor,
                    action="create",
                    target="webhook",
                    target_id=str(created.id),
                    before=None,
                    after=audit.snapshot(created, AUDITED),
                )
        except ValidationError as invalid:
            return await self._page(request, problems=_readable(invalid), form=form)
        except DomainError as refused:
            return await self._page(request, problems=[refused.detail], form=form)
        return await self._page(request, created=created)

    @expose("/webhooks/{subscription_id}/active", methods=["POST"], identity="webhooks-active")
    async def switch(self, request: Request) -> Response:
        """On or off; turned on again, its waiting deliveries resume."""
        actor = await signed_in_admin(request)
        if actor is None:
            return Response("Refused.", status_code=400)
        active = str((await request.form()).get("active")) == "true"
        subscription_id = uuid.UUID(request.path_params["subscription_id"])
        stores = stores_of(request)
        try:
            async with unit_of_work(stores) as session:
                before = audit.snapshot(
                    await service.get_subscription(session, subscription_id), ["active"]
                )
                changed = await service.update_subscription(
                    session, stores.settings, subscription_id, SubscriptionPatch(active=active)
                )
                audit.record(
                    session,
                    actor,
                    action="update",
                    target="webhook",
                    target_id=str(subscription_id),
                    before=before,
                    after=audit.snapshot(changed, ["active"]),
                )
        except DomainError as refused:
            return Response(f"Refused: {refused.detail}", status_code=refused.status_code)
        return RedirectResponse(request.url_for("admin:view-webhooks"), status_code=302)

"""API keys in the admin panel: a page of their own calling the service the API calls,
audited in its transaction. A new or rotated key is shown on the page that answers the form,
once: nothing stores it to show again."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError
from sqladmin import BaseView, expose
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from garderobe.accounts.apikeys import service as api_keys
from garderobe.accounts.apikeys.schemas import ApiKeyIn, ApiKeyOut, RotateIn
from garderobe.accounts.apikeys.scopes import Scope
from garderobe.admin import audit
from garderobe.admin.auth import signed_in_admin, stores_of
from garderobe.errors import DomainError
from garderobe.uow import unit_of_work

TARGET = "api-key"


def _key_in(form: Any) -> ApiKeyIn:
    """The form as the API's body: expiry is a date (the key stops at its start, UTC)."""
    day = str(form.get("expires_on", "")).strip()
    expires = datetime.fromisoformat(day).replace(tzinfo=UTC) if day else None
    return ApiKeyIn.model_validate(
        {
            "name": str(form.get("name", "")).strip(),
            "scopes": form.getlist("scopes"),
            "expires_at": expires,
        }
    )


class ApiKeyAdmin(BaseView):
    name = "API keys"
    icon = "fa-solid fa-key"
    identity = "api-keys"

    async def _page(self, request: Request, **context: Any) -> Response:
        async with stores_of(request).reader() as session:
            found = [ApiKeyOut.of(key) for key in await api_keys.list_keys(session)]
        context = {"keys": found, "scopes": list(Scope), "problems": [], **context}
        status = 422 if context["problems"] else 200
        return await self.templates.TemplateResponse(
            request, "garderobe_admin/api_keys.html", context, status_code=status
        )

    @expose("/api-keys", methods=["GET"], identity="api-keys")
    async def list_keys(self, request: Request) -> Response:
        return await self._page(request)

    @expose("/api-keys", methods=["POST"], identity="api-keys-create")
    async def create_key(self, request: Request) -> Response:
        actor = await signed_in_admin(request)
        if actor is None:
            return Response("Refused.", status_code=400)
        form = await request.form()
        try:
            data = _key_in(form)
            async with unit_of_work(stores_of(request)) as session:
                key, full_key = await api_keys.create(session, actor, data)
                after = {"name": key.name, "scopes": key.scopes, "expires_at": key.expires_at}
                audit.record(
                    session, actor, action="create", target=TARGET, target_id=str(key.id),
                    before=None, after=after,
                )  # fmt: skip
        except (ValueError, ValidationError) as bad:
            return await self._page(request, problems=[str(bad)])
        except DomainError as refused:
            return await self._page(request, problems=[refused.detail])
        return await self._page(request, issued={"name": key.name, "key": full_key})

    @expose("/api-keys/{key_id}/{change}", methods=["POST"], identity="api-keys-change")
    async def change_key(self, request: Request) -> Response:
        """Rotate (default overlap) or revoke, as the API's POST …/rotate and …/revoke."""
        actor = await signed_in_admin(request)
        change = request.path_params["change"]
        try:
            key_id = uuid.UUID(request.path_params["key_id"])
        except ValueError:
            return Response("No such key.", status_code=404)
        if actor is None or change not in ("rotate", "revoke"):
            return Response("Refused.", status_code=400)
        try:
            async with unit_of_work(stores_of(request)) as session:
                key = await api_keys.get(session, key_id, lock=True)
                if change == "rotate":
                    full_key = await api_keys.rotate(session, key, RotateIn().overlap_seconds)
                else:
                    await api_keys.revoke(session, key)
                audit.record(
                    session, actor, action=change, target=TARGET, target_id=str(key.id),
                    before=None, after={"name": key.name},
                )  # fmt: skip
        except DomainError as refused:
            return await self._page(request, problems=[refused.detail])
        if change == "rotate":
            return await self._page(request, issued={"name": key.name, "key": full_key})
        return RedirectResponse(request.url_for("admin:view-api-keys"), status_code=302)

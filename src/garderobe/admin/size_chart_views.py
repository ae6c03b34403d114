"""Brand size charts in the admin panel: a page of their own (the chart is a document, not
a form of columns) calling the service the API calls, audited in its transaction. A chart
that breaks a rule is shown back with every problem the 422 would name."""

from __future__ import annotations

import json
from typing import Any

import yaml
from sqladmin import BaseView, expose
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from garderobe.admin import audit
from garderobe.admin.auth import signed_in_admin, stores_of
from garderobe.catalog.fit import charts
from garderobe.catalog.fit import presenters as fit_presenters
from garderobe.errors import DomainError
from garderobe.sizing.charts import garment_kinds
from garderobe.uow import unit_of_work

MAX_CHART_TEXT = 200_000


def _problems(error: DomainError) -> list[str]:
    found = error.extensions.get("errors") or []
    return [f"{p['field']}: {p['message']}" for p in found] or [error.detail]


def _read_chart(text: str) -> dict[str, Any]:
    """The chart pasted as YAML or JSON (JSON is YAML); ValueError for anything else."""
    if len(text) > MAX_CHART_TEXT:
        raise ValueError("The chart is too long.")
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ValueError(f"Not YAML or JSON: {exc}") from None
    if not isinstance(data, dict):
        raise ValueError("A chart is an object with primary, systems, rows and source.")
    plain: dict[str, Any] = json.loads(json.dumps(data, default=str))  # dates as text
    return plain


class SizeChartAdmin(BaseView):
    name = "Brand size charts"
    icon = "fa-solid fa-ruler"
    identity = "size-charts"

    async def _page(self, request: Request, **context: Any) -> Response:
        async with stores_of(request).reader() as session:
            found = [fit_presenters.brand_chart_out(c) for c in await charts.brand_charts(session)]
        context = {"charts": found, "kinds": garment_kinds(), "problems": [], **context}
        status = 422 if context["problems"] else 200
        return await self.templates.TemplateResponse(
            request, "garderobe_admin/size_charts.html", context, status_code=status
        )

    @expose("/size-charts", methods=["GET"], identity="size-charts")
    async def list_charts(self, request: Request) -> Response:
        return await self._page(request)

    @expose("/size-charts", methods=["POST"], identity="size-charts-put")
    async def put_chart(self, request: Request) -> Response:
        """Add or replace a brand's chart: `charts.put_brand_chart`, as PUT does."""
        actor = await signed_in_admin(request)
        if actor is None:
            return Response("Refused.", status_code=400)
        form = await request.form()
        brand, kind = str(form.get("brand", "")).strip(), str(form.get("kind", "")).strip()
        text = str(form.get("chart", ""))
        try:
            data = _read_chart(text)
            async with unit_of_work(stores_of(request)) as session:
                _, created = await charts.put_brand_chart(session, brand, kind, data)
                after = {"brand": brand, "kind": kind, "rows": len(data.get("rows") or [])}
                action = "create" if created else "update"
                audit.record(
                    session,
                    actor,
                    action=action,
                    target="size-chart",
                    target_id=f"{brand}/{kind}",
                    before=None,
                    after=after,
                )
        except ValueError as bad:
            return await self._page(request, problems=[str(bad)], form=form)
        except DomainError as refused:
            return await self._page(request, problems=_problems(refused), form=form)
        return RedirectResponse(request.url_for("admin:view-size-charts"), status_code=302)

    @expose("/size-charts/{brand}/{kind}/delete", methods=["POST"], identity="size-charts-delete")
    async def delete_chart(self, request: Request) -> Response:
        actor = await signed_in_admin(request)
        brand, kind = request.path_params["brand"], request.path_params["kind"]
        if actor is None:
            return Response("Refused.", status_code=400)
        try:
            async with unit_of_work(stores_of(request)) as session:
                await charts.delete_brand_chart(session, brand, kind)
                audit.record(
                    session,
                    actor,
                    action="delete",
                    target="size-chart",
                    target_id=f"{brand}/{kind}",
                    before={"brand": brand, "kind": kind},
                    after=None,
                )
        except DomainError as refused:
            return Response(f"Refused: {refused.detail}", status_code=refused.status_code)
        return RedirectResponse(request.url_for("admin:view-size-charts"), status_code=302)

"""Reviews in the panel: listed by status and searched by text or item, hidden and restored
only by actions that run the API's own moderation (`reviews.service.moderate`), so the
item's rating summary changes with them, with an audit row in the same transaction."""

from __future__ import annotations

import uuid

from sqladmin import ModelView, action
from sqladmin.filters import StaticValuesFilter
from sqladmin.flash import flash
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from garderobe.accounts.models import User
from garderobe.admin import audit
from garderobe.admin.auth import signed_in_admin, stores_of
from garderobe.errors import DomainError
from garderobe.reviews import service
from garderobe.reviews.models import MAX_REASON, Review, ReviewStatus
from garderobe.uow import unit_of_work

# The panel's actions take no form: a reason may come as `?reason=`, else this one.
DEFAULT_REASON = "moderated in the admin panel"


async def moderate_review(
    request: Request, actor: User, review_id: uuid.UUID, wanted: ReviewStatus, reason: str
) -> None:
    """Hide or restore one review as `POST /admin/reviews/{id}/hide|restore` does, plus the
    audit row, in one transaction."""
    async with unit_of_work(stores_of(request)) as session:
        before, review = await service.moderate(session, actor, review_id, wanted, reason)
        audit.record(
            session,
            actor,
            action=f"status:{wanted.value}",
            target="review",
            target_id=str(review.id),
            before={"status": before},
            after={"status": review.status, "reason": reason},
        )


class ReviewAdmin(ModelView, model=Review):
    name_plural = "Reviews"
    icon = "fa-solid fa-star"
    can_create = can_edit = can_delete = False
    column_list = [
        Review.created_at,
        Review.item_id,
        Review.rating,
        Review.title,
        Review.status,
        Review.moderation_reason,
    ]
    column_searchable_list = [Review.title, Review.body, Review.item_id]
    column_filters = [
        StaticValuesFilter(
            Review.status, [(s.value, s.value) for s in ReviewStatus], title="Status"
        )
    ]
    column_default_sort = [(Review.created_at, True)]

    async def _moderate(self, request: Request, wanted: ReviewStatus) -> Response:
        actor = await signed_in_admin(request)
        if actor is None:
            return RedirectResponse(request.url_for("admin:login"), status_code=302)
        pks = [pk for pk in request.query_params.get("pks", "").split(",") if pk]
        reason = request.query_params.get("reason", DEFAULT_REASON)[:MAX_REASON] or DEFAULT_REASON
        for pk in pks:
            try:
                await moderate_review(request, actor, uuid.UUID(pk), wanted, reason)
            except (DomainError, ValueError) as refused:
                flash(request, f"{pk}: {refused}", "danger", title="Refused")
        return RedirectResponse(request.url_for("admin:list", identity=self.identity), 302)

    @action(name="hide", label="Hide", confirmation_message="Hide these reviews?")
    async def hide(self, request: Request) -> Response:
        return await self._moderate(request, ReviewStatus.HIDDEN)

    @action(name="restore", label="Restore", confirmation_message="Show these reviews again?")
    async def restore(self, request: Request) -> Response:
        return await self._moderate(request, ReviewStatus.VISIBLE)

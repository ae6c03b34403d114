"""Discounts in the database: the rules a checkout may apply, their redemption (never past
a limit, however many buyers race for it), and the admins' CRUD."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from garderobe.errors import Conflict, NotFound
from garderobe.pricing.discounts.rules import DiscountScope, Kind, Reason, Rule
from garderobe.pricing.models import Discount, DiscountRedemption
from garderobe.pricing.schemas import DiscountIn


class DiscountNotFound(NotFound):
    slug = "discount-not-found"
    title = "Discount not found"


class DiscountCodeTaken(Conflict):
    slug = "discount-code-taken"
    title = "Another discount has this code"


class DiscountUnavailable(Conflict):
    slug = "discount-unavailable"
    title = "A discount can no longer be applied"


def _rule(discount: Discount, used_by_customer: int) -> Rule:
    return Rule(
        id=discount.id,
        code=discount.code,
        name=discount.name,
        kind=Kind(discount.kind),
        value=discount.value,
        currency=discount.currency,
        scope=DiscountScope(discount.scope),
        targets=frozenset(discount.targets),
        min_subtotal=discount.min_subtotal,
        starts_at=discount.starts_at,
        ends_at=discount.ends_at,
        usage_limit=discount.usage_limit,
        per_customer_limit=discount.per_customer_limit,
        used=discount.used,
        used_by_customer=used_by_customer,
        combinable=discount.combinable,
    )


async def rules_for(
    session: AsyncSession, codes: Sequence[str], user_id: uuid.UUID | None
) -> list[Rule]:
    """The active automatic promotions and the active discounts of the entered codes, with
    how often this customer used each."""
    wanted = [code.strip().upper() for code in codes]
    query = select(Discount).where(
        Discount.active, or_(Discount.code.is_(None), Discount.code.in_(wanted))
    )
    found = list(await session.scalars(query))
    counts: dict[uuid.UUID, int] = {}
    if user_id is not None and found:
        rows = await session.execute(
            select(DiscountRedemption.discount_id, func.count())
            .where(
                DiscountRedemption.user_id == user_id,
                DiscountRedemption.discount_id.in_([d.id for d in found]),
            )
            .group_by(DiscountRedemption.discount_id)
        )
        counts = {discount_id: n for discount_id, n in rows if discount_id is not None}
    return [_rule(d, counts.get(d.id, 0)) for d in found]


async def redeem(
    session: AsyncSession,
    applied: Sequence[tuple[Rule, int]],
    *,
    user_id: uuid.UUID,
    order_id: uuid.UUID,
    now: datetime,
) -> None:
    """Count one use of each applied discount and keep it as the order's discount line.

    The conditional UPDATE takes the discount's row lock and re-checks the limit and window
    under it: of buyers racing for the last use, one gets it and the others get 409
    `discount-unavailable` (their transaction, and so their order, rolls back). The
    per-customer count is read after the lock, so it sees every committed redemption.
    """
    for rule, amount in sorted(applied, key=lambda pair: str(pair[0].id)):
        counted = await session.scalar(
            update(Discount)
            .where(
                Discount.id == rule.id,
                Discount.active,
                or_(Discount.usage_limit.is_(None), Discount.used < Discount.usage_limit),
                or_(Discount.ends_at.is_(None), Discount.ends_at > now),
            )
            .values(used=Discount.used + 1)
            .returning(Discount.id)
        )
        if counted is None:
            raise _unavailable(rule, Reason.USAGE_LIMIT_REACHED, "was used up or has ended")
        if rule.per_customer_limit is not None:
            await _check_customer_limit(session, rule, user_id)
        session.add(
            DiscountRedemption(
                id=uuid.uuid4(),
                discount_id=rule.id,
                order_id=order_id,
                user_id=user_id,
                code=rule.code,
                name=rule.name,
                kind=rule.kind.value,
                amount=amount,
            )
        )


async def _check_customer_limit(session: AsyncSession, rule: Rule, user_id: uuid.UUID) -> None:
    uses = await session.scalar(
        select(func.count()).where(
            DiscountRedemption.discount_id == rule.id, DiscountRedemption.user_id == user_id
        )
    )
    if rule.per_customer_limit is not None and (uses or 0) >= rule.per_customer_limit:
        raise _unavailable(rule, Reason.CUSTOMER_LIMIT_REACHED, "was used as often as allowed")


def _unavailable(rule: Rule, reason: Reason, why: str) -> DiscountUnavailable:
    label = rule.code or rule.name
    return DiscountUnavailable(
        f"The discount {label} {why} since the cart was priced; nothing was ordered.",
        extensions={"code": rule.code, "reason": reason.value},
    )


async def order_discounts(session: AsyncSession, order_id: uuid.UUID) -> list[DiscountRedemption]:
    query = select(DiscountRedemption).where(DiscountRedemption.order_id == order_id)
    return list(await session.scalars(query.order_by(DiscountRedemption.name)))


async def get_all(session: AsyncSession) -> list[Discount]:
    return list(await session.scalars(select(Discount).order_by(Discount.created_at.desc())))


async def get(session: AsyncSession, discount_id: uuid.UUID, *, lock: bool = False) -> Discount:
    query = select(Discount).where(Discount.id == discount_id)
    found = await session.scalar(query.with_for_update() if lock else query)
    if found is None:
        raise DiscountNotFound(f"No discount {discount_id}.")
    return found


async def create(session: AsyncSession, body: DiscountIn) -> Discount:
    await _check_code(session, body.code, None)
    discount = Discount(id=uuid.uuid4(), used=0, **body.model_dump())
    session.add(discount)
    await session.flush()
    return discount


async def update_discount(
    session: AsyncSession, discount_id: uuid.UUID, body: DiscountIn
) -> Discount:
    """Replace a discount's terms; its redemption count stays. A usage limit below the
    uses so far is refused (409)."""
    discount = await get(session, discount_id, lock=True)
    if body.usage_limit is not None and body.usage_limit < discount.used:
        raise Conflict(
            f"It was redeemed {discount.used} times already: the limit cannot go below that.",
            extensions={"used": discount.used},
        )
    await _check_code(session, body.code, discount.id)
    for field, value in body.model_dump().items():
        setattr(discount, field, value)
    await session.flush()
    return discount


async def delete(session: AsyncSession, discount_id: uuid.UUID) -> None:
    """Delete a discount; the orders' discount lines keep their snapshot."""
    await session.delete(await get(session, discount_id))
    await session.flush()


async def _check_code(session: AsyncSession, code: str | None, own: uuid.UUID | None) -> None:
    """A code another discount has is 409 `discount-code-taken` (of two admins racing for
    one code, the unique index refuses the second: a 409 as well)."""
    if code is None:
        return
    query = select(Discount.id).where(Discount.code == code)
    if own is not None:
        query = query.where(Discount.id != own)
    if await session.scalar(query) is not None:
        raise DiscountCodeTaken(f"The code {code} is taken.")

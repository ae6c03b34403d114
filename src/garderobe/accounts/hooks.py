"""What other domains do when something happens to an account, in the same transaction.

Accounts sit below the shop's other domains and never import them; a domain that reacts to a
login (commerce adopts the guest's cart) is registered in `registry.login_hooks`, and the app
hands that list to the routes through `app.state.login_hooks`.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from garderobe.settings import Settings


@dataclass(frozen=True)
class LoggedIn:
    user_id: uuid.UUID
    # The X-Cart-Token the login carried: the guest cart of the shopper who just logged in.
    cart_token: str | None = None


LoginHook = Callable[[AsyncSession, Settings, LoggedIn], Awaitable[None]]


async def logged_in(
    hooks: Sequence[LoginHook], session: AsyncSession, settings: Settings, event: LoggedIn
) -> None:
    """Run every login hook, in order, inside the login's unit of work."""
    for hook in hooks:
        await hook(session, settings, event)

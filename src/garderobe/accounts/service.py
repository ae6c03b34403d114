"""Accounts: registration, confirmation, login, passwords, profiles, admin user management.

Functions take the request's session (one transaction, committed at the edge) and never
commit themselves. Mails go through `mailer.queue_mail`, i.e. the outbox of that transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import UTC, datetime
from typing import Any

from redis.asyncio import Redis
from sqlalchemy import func, or_, select, tuple_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from garderobe import mailer, ratelimit
from garderobe.accounts import keys, saved_sizes, sessions, verification
from garderobe.accounts.models import Address, Role
from garderobe.accounts.models import User as User  # re-exported: other domains' user type
from garderobe.accounts.security import hash_password, needs_rehash, verify_password
from garderobe.errors import Conflict, InvalidInput, NotFound, Unauthorized
from garderobe.pagination import decode_newest_first, encode_newest_first
from garderobe.settings import Settings

LOGIN_FAILURES_PER_ACCOUNT = 10
LOGIN_FAILURES_PER_IP = 30
LOGIN_WINDOW_SECONDS = 15 * 60
RESENDS_PER_WINDOW = 3
RESEND_WINDOW_SECONDS = 15 * 60


class UserNotFound(NotFound):
    slug = "user-not-found"


class EmailTaken(Conflict):
    slug = "email-taken"
    title = "Email already registered"


class InvalidCode(InvalidInput):
    slug = "invalid-confirmation-code"
    title = "Invalid confirmation code"


class InvalidCredentials(Unauthorized):
    slug = "invalid-credentials"
    title = "Invalid credentials"


def normalise_email(email: str) -> str:
    return email.strip().lower()


async def find_by_email(session: AsyncSession, email: str) -> User | None:
    return await session.scalar(
        select(User).where(func.lower(User.email) == normalise_email(email))
    )


async def get_user(session: AsyncSession, user_id: uuid.UUID) -> User:
    user = await find_user(session, user_id)
    if user is None:
        raise UserNotFound(f"No user {user_id}.")
    return user


async def find_user(session: AsyncSession, user_id: uuid.UUID) -> User | None:
    """The user, if there is one with this id."""
    return await session.get(User, user_id)


async def full_names(
    session: AsyncSession, user_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, str]:
    """The full names of the users among `user_ids`, by id (unknown ids are left out)."""
    if not user_ids:
        return {}
    rows = await session.execute(select(User.id, User.full_name).where(User.id.in_(user_ids)))
    return {row.id: row.full_name for row in rows}


async def register(
    session: AsyncSession,
    redis: Redis,
    settings: Settings,
    *,
    email: str,
    password: str,
    full_name: str,
) -> User:
    """Create a customer account and mail it a confirmation code."""
    if await find_by_email(session, email) is not None:
        raise EmailTaken("An account with this email already exists.")
    user = User(
        id=uuid.uuid4(),
        email=normalise_email(email),
        full_name=full_name,
        password_hash=hash_password(password),
        role=Role.CUSTOMER,
    )
    session.add(user)
    try:
        await session.flush()
    except IntegrityError as exc:  # a concurrent registration won the unique index
        raise EmailTaken("An account with this email already exists.") from exc
    await _send_code(session, redis, settings, user)
    return user


async def _send_code(session: AsyncSession, redis: Redis, settings: Settings, user: User) -> None:
    code = await verification.new_confirmation_code(settings, redis, user.id)
    mailer.queue_mail(
        session,
        to=user.email,
        template="confirm_email",
        context={
            "name": user.full_name or user.email,
            "code": code,
            "minutes": verification.CODE_TTL_SECONDS // 60,
        },
    )


async def confirm_email(
    session: AsyncSession, redis: Redis, settings: Settings, *, email: str, code: str
) -> User:
    user = await find_by_email(session, email)
    if user is None or user.email_confirmed:
        raise InvalidCode("The code is wrong or has expired.")
    result = await verification.check_confirmation_code(settings, redis, user.id, code)
    if result is None:
        raise InvalidCode("No valid code: request a new one.")
    if not result:
        raise InvalidCode("The code is wrong.")
    user.email_confirmed_at = datetime.now(UTC)
    return user


async def resend_code(
    session: AsyncSession, redis: Redis, settings: Settings, *, email: str
) -> None:
    """Mail a new code; rate-limited per address. Unknown or confirmed addresses get nothing."""
    await ratelimit.hit(
        redis,
        keys.confirmation_resend(normalise_email(email)),
        limit=RESENDS_PER_WINDOW,
        window_seconds=RESEND_WINDOW_SECONDS,
    )
    user = await find_by_email(session, email)
    if user is not None and not user.email_confirmed and user.is_active:
        await _send_code(session, redis, settings, user)


async def authenticate(
    session: AsyncSession, redis: Redis, *, email: str, password: str, ip: str
) -> User:
    """The user behind these credentials; rate-limited per account and per IP."""
    account_key = keys.login_failures_account(normalise_email(email))
    ip_key = keys.login_failures_ip(ip)
    await ratelimit.check(redis, account_key, LOGIN_FAILURES_PER_ACCOUNT)
    await ratelimit.check(redis, ip_key, LOGIN_FAILURES_PER_IP)
    user = await find_by_email(session, email)
    # verify_password does the same argon2 work when the user does not exist.
    if not verify_password(user.password_hash if user else None, password) or user is None:
        await ratelimit.count(redis, account_key, LOGIN_WINDOW_SECONDS)
        await ratelimit.count(redis, ip_key, LOGIN_WINDOW_SECONDS)
        raise InvalidCredentials("Wrong email or password.")
    if not user.is_active:
        raise InvalidCredentials("This account is deactivated.")
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    await redis.delete(account_key)
    return user


async def forgot_password(
    session: AsyncSession, redis: Redis, settings: Settings, *, email: str
) -> None:
    """Mail a reset link when the account exists; do equal work when it does not."""
    user = await find_by_email(session, email)
    if user is None or not user.is_active:
        await verification.burn_dummy_reset_token(settings, redis)
        return
    token = await verification.new_reset_token(settings, redis, user.id)
    mailer.queue_mail(
        session,
        to=user.email,
        template="password_reset",
        context={
            "name": user.full_name or user.email,
            "token": token,
            "link": f"{settings.public_url}/reset-password?token={token}",
            "minutes": verification.RESET_TTL_SECONDS // 60,
        },
    )


async def reset_password(
    session: AsyncSession, redis: Redis, settings: Settings, *, token: str, new_password: str
) -> User:
    user_id = await verification.take_reset_token(settings, redis, token)
    user = await session.get(User, user_id) if user_id else None
    if user is None or not user.is_active:
        raise InvalidInput(
            "The reset token is invalid, expired or already used.",
            extensions={"errors": [{"field": "body.token"}]},
        )
    await _set_password(session, redis, settings, user, new_password)
    return user


async def change_password(
    session: AsyncSession,
    redis: Redis,
    settings: Settings,
    user: User,
    *,
    current_password: str,
    new_password: str,
) -> sessions.TokenPair:
    """Change the password, end every other session, and start a fresh one for the caller."""
    if not verify_password(user.password_hash, current_password):
        raise InvalidCredentials("The current password is wrong.")
    await _set_password(session, redis, settings, user, new_password)
    return await sessions.start(settings, redis, user.id)


async def _set_password(
    session: AsyncSession, redis: Redis, settings: Settings, user: User, new_password: str
) -> None:
    user.password_hash = hash_password(new_password)
    await sessions.revoke_all(settings, redis, user.id)
    mailer.queue_mail(
        session,
        to=user.email,
        template="password_changed",
        context={"name": user.full_name or user.email},
    )


async def update_profile(
    user: User, *, full_name: str | None, phone: str | None, fields: set[str]
) -> User:
    if "full_name" in fields and full_name is not None:
        user.full_name = full_name
    if "phone" in fields:
        user.phone = phone
    return user


async def delete_account(
    session: AsyncSession, redis: Redis, settings: Settings, user: User
) -> None:
    """Deactivate and anonymise; the row stays so orders keep their customer reference."""
    original_email = user.email
    user.email = f"deleted-{user.id}@invalid"
    user.full_name = ""
    user.phone = None
    user.is_active = False
    user.password_hash = hash_password(uuid.uuid4().hex)
    for address in await session.scalars(select(Address).where(Address.user_id == user.id)):
        await session.delete(address)
    await saved_sizes.forget(session, user.id)
    await sessions.revoke_all(settings, redis, user.id)
    mailer.queue_mail(session, to=original_email, template="account_deleted", context={})


async def admin_update(
    session: AsyncSession,
    redis: Redis,
    settings: Settings,
    user: User,
    *,
    role: Role | None,
    is_active: bool | None,
) -> User:
    if role is not None:
        user.role = role
    if is_active is not None and is_active != user.is_active:
        user.is_active = is_active
        if not is_active:
            await sessions.revoke_all(settings, redis, user.id)
    return user


async def list_users(
    session: AsyncSession,
    *,
    email: str | None,
    role: Role | None,
    active: bool | None,
    cursor: str | None,
    limit: int,
) -> tuple[list[User], str | None]:
    """Newest first, keyset-paginated on (created_at, id): stable while users sign up."""
    query = select(User).order_by(User.created_at.desc(), User.id.desc()).limit(limit + 1)
    if email:
        query = query.where(User.email.ilike(f"%{email.replace('%', '')}%"))
    if role is not None:
        query = query.where(User.role == role)
    if active is not None:
        query = query.where(User.is_active.is_(active))
    if cursor:
        created, user_id = decode_newest_first(cursor)
        query = query.where(or_(tuple_(User.created_at, User.id) < tuple_(created, user_id)))
    users = list(await session.scalars(query))
    last = users[limit - 1] if len(users) > limit else None
    next_cursor = encode_newest_first(last.created_at, last.id) if last else None
    return users[:limit], next_cursor


async def create_admin(session: AsyncSession, *, email: str, password: str) -> User:
    """The first admin (CLI): confirmed, active, admin role."""
    if await find_by_email(session, email) is not None:
        raise EmailTaken("An account with this email already exists.")
    user = User(
        id=uuid.uuid4(),
        email=normalise_email(email),
        password_hash=hash_password(password),
        role=Role.ADMIN,
        email_confirmed_at=datetime.now(UTC),
        full_name="Administrator",
    )
    session.add(user)
    await session.flush()
    return user


async def create_confirmed_customer(
    session: AsyncSession, *, email: str, password: str, full_name: str
) -> User:
    """A customer whose address counts as confirmed, without a confirmation mail (the dev
    accounts `garderobe dev` creates; customers themselves go through `register`)."""
    if await find_by_email(session, email) is not None:
        raise EmailTaken("An account with this email already exists.")
    user = User(
        id=uuid.uuid4(),
        email=normalise_email(email),
        full_name=full_name,
        password_hash=hash_password(password),
        role=Role.CUSTOMER,
        email_confirmed_at=datetime.now(UTC),
    )
    session.add(user)
    await session.flush()
    return user


async def get_user_for_admin(
    session: AsyncSession, user_id: uuid.UUID
) -> tuple[User, set[uuid.UUID]]:
    """A user and, of their id, whether they saved sizes (admins see only that)."""
    user = await get_user(session, user_id)
    return user, await saved_sizes.have_saved(session, [user.id])


async def list_users_for_admin(
    session: AsyncSession, **filters: Any
) -> tuple[list[User], str | None, set[uuid.UUID]]:
    """A page of users, the next cursor, and which of them saved sizes."""
    users, next_cursor = await list_users(session, **filters)
    return list(users), next_cursor, await saved_sizes.have_saved(session, [u.id for u in users])

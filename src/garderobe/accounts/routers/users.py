"""/api/v1/users: the caller's profile and addresses; user management for admins."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, status

from garderobe.accounts import addresses, service
from garderobe.accounts.dependencies import AdminUser, CurrentUser
from garderobe.accounts.models import Role, User
from garderobe.accounts.schemas import (
    AddressIn,
    AddressOut,
    AddressUpdateIn,
    AdminUserUpdateIn,
    ProfileUpdateIn,
    UserOut,
    UserPage,
)
from garderobe.api.deps import DbSession, RedisDep, SettingsDep

router = APIRouter(prefix="/api/v1/users", tags=["users"])
_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"description": "Problem: not found (also for another user's address)"}
}


@router.get("/me", response_model=UserOut, summary="The caller's profile")
async def me(user: CurrentUser) -> UserOut:
    return UserOut.model_validate(user)


@router.patch("/me", response_model=UserOut, summary="Update name and phone")
async def update_me(body: ProfileUpdateIn, user: CurrentUser, session: DbSession) -> UserOut:
    await service.update_profile(
        user, full_name=body.full_name, phone=body.phone, fields=body.model_fields_set
    )
    await session.flush()
    return UserOut.model_validate(user)


@router.delete(
    "/me",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Deactivate the account and anonymise personal data (orders are kept)",
)
async def delete_me(
    user: CurrentUser, session: DbSession, redis: RedisDep, settings: SettingsDep
) -> None:
    await service.delete_account(session, redis, settings, user)


@router.get("/me/addresses", response_model=list[AddressOut], summary="The caller's addresses")
async def list_my_addresses(user: CurrentUser, session: DbSession) -> list[AddressOut]:
    return [AddressOut.model_validate(a) for a in await addresses.list_addresses(session, user.id)]


@router.post(
    "/me/addresses",
    status_code=status.HTTP_201_CREATED,
    response_model=AddressOut,
    summary="Add an address (the first one, or is_default=true, becomes the default)",
)
async def create_my_address(body: AddressIn, user: CurrentUser, session: DbSession) -> AddressOut:
    address = await addresses.create_address(session, user.id, body.model_dump())
    return AddressOut.model_validate(address)


@router.get("/me/addresses/{address_id}", response_model=AddressOut, responses=_NOT_FOUND)
async def get_my_address(
    address_id: uuid.UUID, user: CurrentUser, session: DbSession
) -> AddressOut:
    return AddressOut.model_validate(await addresses.get_address(session, user.id, address_id))


@router.patch("/me/addresses/{address_id}", response_model=AddressOut, responses=_NOT_FOUND)
async def update_my_address(
    address_id: uuid.UUID, body: AddressUpdateIn, user: CurrentUser, session: DbSession
) -> AddressOut:
    changes = body.model_dump(exclude_unset=True)
    address = await addresses.update_address(session, user.id, address_id, changes)
    return AddressOut.model_validate(address)


@router.delete(
    "/me/addresses/{address_id}", status_code=status.HTTP_204_NO_CONTENT, responses=_NOT_FOUND
)
async def delete_my_address(address_id: uuid.UUID, user: CurrentUser, session: DbSession) -> None:
    await addresses.delete_address(session, user.id, address_id)


@router.get("", response_model=UserPage, summary="List users (admin), newest first")
async def list_users(
    _: AdminUser,
    session: DbSession,
    email: Annotated[str | None, Query(description="Part of the email address")] = None,
    role: Role | None = None,
    active: bool | None = None,
    cursor: Annotated[str | None, Query(description="`next_cursor` of the previous page")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> UserPage:
    users, next_cursor, sized = await service.list_users_for_admin(
        session, email=email, role=role, active=active, cursor=cursor, limit=limit
    )
    return UserPage(items=[_admin_out(u, sized) for u in users], next_cursor=next_cursor)


def _admin_out(user: User, sized: set[uuid.UUID]) -> UserOut:
    out = UserOut.model_validate(user)
    out.has_saved_sizes = user.id in sized
    return out


@router.get("/{user_id}", response_model=UserOut, responses=_NOT_FOUND, summary="One user (admin)")
async def get_user(user_id: uuid.UUID, _: AdminUser, session: DbSession) -> UserOut:
    user, sized = await service.get_user_for_admin(session, user_id)
    return _admin_out(user, sized)


@router.patch(
    "/{user_id}",
    response_model=UserOut,
    responses=_NOT_FOUND,
    summary="Change a user's role or active flag (admin); deactivation ends sessions",
)
async def update_user(
    user_id: uuid.UUID,
    body: AdminUserUpdateIn,
    _: AdminUser,
    session: DbSession,
    redis: RedisDep,
    settings: SettingsDep,
) -> UserOut:
    user = await service.get_user(session, user_id)
    await service.admin_update(
        session, redis, settings, user, role=body.role, is_active=body.is_active
    )
    await session.flush()
    return UserOut.model_validate(user)

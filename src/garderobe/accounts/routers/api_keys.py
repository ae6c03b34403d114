"""/api/v1/admin/api-keys: issue, list, rotate and revoke API keys (signed-in admins only:
no key may manage keys, see accounts.apikeys.scopes)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, status

from garderobe.accounts.apikeys import service
from garderobe.accounts.apikeys.models import ApiKey
from garderobe.accounts.apikeys.schemas import ApiKeyIn, ApiKeyOut, IssuedApiKey, RotateIn
from garderobe.accounts.dependencies import AdminUser
from garderobe.api.deps import DbSession

router = APIRouter(prefix="/api/v1/admin/api-keys", tags=["api-keys"])
_NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "Problem: no such key"}}


async def valid_api_key(key_id: uuid.UUID, _: AdminUser, session: DbSession) -> ApiKey:
    """The key named in the path (locked for the change), or 404."""
    return await service.get(session, key_id, lock=True)


KeyInPath = Annotated[ApiKey, Depends(valid_api_key)]


@router.post(
    "",
    response_model=IssuedApiKey,
    status_code=status.HTTP_201_CREATED,
    summary="Issue a key (admin); the response is the only time the full key is shown",
)
async def create_api_key(body: ApiKeyIn, admin: AdminUser, session: DbSession) -> IssuedApiKey:
    key, full_key = await service.create(session, admin, body)
    return IssuedApiKey.issued(key, full_key)


@router.get("", response_model=list[ApiKeyOut], summary="Every key, newest first (admin)")
async def list_api_keys(_: AdminUser, session: DbSession) -> list[ApiKeyOut]:
    return [ApiKeyOut.of(key) for key in await service.list_keys(session)]


@router.get("/{key_id}", response_model=ApiKeyOut, responses=_NOT_FOUND, summary="One key (admin)")
async def get_api_key(key: KeyInPath) -> ApiKeyOut:
    return ApiKeyOut.of(key)


@router.post(
    "/{key_id}/rotate",
    response_model=IssuedApiKey,
    responses={**_NOT_FOUND, 409: {"description": "Problem: the key is revoked or expired"}},
    summary="A new secret for the key; the old one works for `overlap_seconds` more",
)
async def rotate_api_key(
    key: KeyInPath, session: DbSession, body: RotateIn | None = None
) -> IssuedApiKey:
    full_key = await service.rotate(session, key, (body or RotateIn()).overlap_seconds)
    return IssuedApiKey.issued(key, full_key)


@router.post(
    "/{key_id}/revoke",
    response_model=ApiKeyOut,
    responses=_NOT_FOUND,
    summary="Revoke the key: refused from the next request on (the row is kept)",
)
async def revoke_api_key(key: KeyInPath, session: DbSession) -> ApiKeyOut:
    return ApiKeyOut.of(await service.revoke(session, key))

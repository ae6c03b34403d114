"""/api/v1/search: ranked, typo-tolerant full-text search and autocomplete."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from garderobe.accounts.dependencies import OptionalUser
from garderobe.api.conditional import cached_json
from garderobe.catalog.browse import service as browse
from garderobe.catalog.browse.schemas import SearchOut
from garderobe.catalog.dependencies import ReaderDep
from garderobe.catalog.routers.problems import READ

router = APIRouter(prefix="/api/v1/search", tags=["search"])
Q = Annotated[
    str,
    Query(
        min_length=1, max_length=200, pattern=r"\S", description="Search words (typos tolerated)"
    ),
]


@router.get(
    "",
    response_model=SearchOut,
    responses=READ,
    summary="Ranked items with highlighted snippets, plus matching categories and brands",
    description="For admins the answer also lists the suppliers whose name matches "
    "(`suppliers`); for anyone else that member is left out.",
)
async def search_items(
    q: Q,
    request: Request,
    reader: ReaderDep,
    user: OptionalUser,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> Response:
    admin = user is not None and user.is_admin
    return cached_json(request, await browse.search_items(reader, q, limit, admin=admin))


@router.get(
    "/suggest",
    response_model=list[str],
    responses=READ,
    summary="Autocomplete suggestions",
    description="Brand and category names, then item titles; for admins supplier names first.",
)
async def suggest(
    q: Q,
    request: Request,
    reader: ReaderDep,
    user: OptionalUser,
    limit: Annotated[int, Query(ge=1, le=20)] = 10,
) -> Response:
    admin = user is not None and user.is_admin
    return cached_json(request, await browse.suggest(reader, q, limit, admin=admin))

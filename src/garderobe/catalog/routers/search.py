"""/api/v1/search: ranked, typo-tolerant full-text search and autocomplete."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, Field, TypeAdapter
from sqlalchemy.ext.asyncio import AsyncSession

from garderobe.accounts.dependencies import OptionalUser
from garderobe.api.conditional import cached_json
from garderobe.api.deps import ReadSession, SettingsDep, StoresDep
from garderobe.catalog import cache, index, search, suppliers
from garderobe.catalog.dependencies import MemoryIndexDep
from garderobe.catalog.documents import Money
from garderobe.catalog.memory_index import MemoryIndex
from garderobe.catalog.schemas import SupplierRef
from garderobe.infra.cache import digested

router = APIRouter(prefix="/api/v1/search", tags=["search"])
Q = Annotated[
    str,
    Query(
        min_length=1, max_length=200, pattern=r"\S", description="Search words (typos tolerated)"
    ),
]


class SearchItem(BaseModel):
    id: str
    title: str = Field(description="Plain text (escape it before putting it into HTML)")
    brand: str = Field(description="Plain text")
    categories: list[str]
    price: Money
    snippet: str = Field(
        description="HTML: the matching part of the title and description with every `<`, `>`, "
        "`&` and quote of the item text escaped, and only the matched words wrapped in "
        "`<mark>`…`</mark>`. Safe to insert as HTML."
    )
    score: float


_SUGGESTIONS = TypeAdapter(list[str])


class SearchOut(BaseModel):
    query_terms: list[str]
    items: list[SearchItem]
    categories: list[str]
    brands: list[str]
    suppliers: list[SupplierRef] | None = Field(
        default=None,
        description="Admins only (left out for others): suppliers whose name matches",
    )


async def _search_body(
    session: AsyncSession, q: str, limit: int, *, admin: bool, memory: MemoryIndex | None
) -> tuple[bytes, str]:
    terms, hits = await search.search(session, q, limit, memory)
    suggestions = await search.suggest_names(session, q, terms)
    out = SearchOut(
        query_terms=terms,
        items=[
            SearchItem(
                id=h.item_id,
                title=h.title,
                brand=h.brand_name,
                categories=h.category_names.split(index.CATEGORY_SEPARATOR),
                price=Money(amount=h.price_amount, currency=h.currency),
                snippet=h.snippet,
                score=round(h.score, 4),
            )
            for h in hits
        ],
        categories=suggestions["category"],
        brands=suggestions["brand"],
    )
    if not admin:
        return digested(out.model_dump_json(exclude={"suppliers"}).encode())
    found = await suppliers.matching(session, q)
    out.suppliers = [SupplierRef(slug=s.slug, name=s.name) for s in found]
    return digested(out.model_dump_json().encode())


async def _suggest_body(
    session: AsyncSession, q: str, limit: int, *, admin: bool, memory: MemoryIndex | None
) -> tuple[bytes, str]:
    found = await search.suggest(session, q, limit, memory)
    if admin:  # supplier names first: an admin typing one is looking for it
        names = [s.name for s in await suppliers.matching(session, q, limit)]
        found = list(dict.fromkeys(names + found))[:limit]
    return digested(_SUGGESTIONS.dump_json(found))


_READ: dict[int | str, dict[str, Any]] = {
    304: {"description": "Not modified: the If-None-Match ETag is still current"},
}


@router.get(
    "",
    response_model=SearchOut,
    responses=_READ,
    summary="Ranked items with highlighted snippets, plus matching categories and brands",
    description="For admins the answer also lists the suppliers whose name matches "
    "(`suppliers`); for anyone else that member is left out.",
)
async def search_items(
    q: Q,
    request: Request,
    session: ReadSession,
    user: OptionalUser,
    stores: StoresDep,
    settings: SettingsDep,
    memory: MemoryIndexDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> Response:
    admin = user is not None and user.is_admin
    key = cache.key("search", {"q": " ".join(q.split()), "limit": limit, "admin": admin})
    cached = await cache.response_cache(stores.redis, settings).get_or_compute(
        key, lambda: _search_body(session, q, limit, admin=admin, memory=memory)
    )
    return cached_json(request, cached)


@router.get(
    "/suggest",
    response_model=list[str],
    responses=_READ,
    summary="Autocomplete suggestions",
    description="Brand and category names, then item titles; for admins supplier names first.",
)
async def suggest(
    q: Q,
    request: Request,
    session: ReadSession,
    user: OptionalUser,
    stores: StoresDep,
    settings: SettingsDep,
    memory: MemoryIndexDep,
    limit: Annotated[int, Query(ge=1, le=20)] = 10,
) -> Response:
    admin = user is not None and user.is_admin
    key = cache.key("suggest", {"q": " ".join(q.split()), "limit": limit, "admin": admin})
    cached = await cache.response_cache(stores.redis, settings).get_or_compute(
        key, lambda: _suggest_body(session, q, limit, admin=admin, memory=memory)
    )
    return cached_json(request, cached)

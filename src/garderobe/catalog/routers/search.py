"""/api/v1/search: ranked, typo-tolerant full-text search and autocomplete."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, Field, TypeAdapter
from sqlalchemy.ext.asyncio import AsyncSession

from garderobe.api.conditional import cached_json
from garderobe.api.deps import DbSession, SettingsDep, StoresDep
from garderobe.catalog import cache, index, search
from garderobe.catalog.documents import Money
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


async def _search_body(session: AsyncSession, q: str, limit: int) -> tuple[bytes, str]:
    terms, hits = await search.search(session, q, limit)
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
    return digested(out.model_dump_json().encode())


async def _suggest_body(session: AsyncSession, q: str, limit: int) -> tuple[bytes, str]:
    return digested(_SUGGESTIONS.dump_json(await search.suggest(session, q, limit)))


_READ: dict[int | str, dict[str, Any]] = {
    304: {"description": "Not modified: the If-None-Match ETag is still current"},
}


@router.get(
    "",
    response_model=SearchOut,
    responses=_READ,
    summary="Ranked items with highlighted snippets, plus matching categories and brands",
)
async def search_items(
    q: Q,
    request: Request,
    session: DbSession,
    stores: StoresDep,
    settings: SettingsDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> Response:
    key = cache.key("search", {"q": " ".join(q.split()), "limit": limit})
    cached = await cache.response_cache(stores.redis, settings).get_or_compute(
        key, lambda: _search_body(session, q, limit)
    )
    return cached_json(request, cached)


@router.get(
    "/suggest", response_model=list[str], responses=_READ, summary="Autocomplete suggestions"
)
async def suggest(
    q: Q,
    request: Request,
    session: DbSession,
    stores: StoresDep,
    settings: SettingsDep,
    limit: Annotated[int, Query(ge=1, le=20)] = 10,
) -> Response:
    key = cache.key("suggest", {"q": " ".join(q.split()), "limit": limit})
    cached = await cache.response_cache(stores.redis, settings).get_or_compute(
        key, lambda: _suggest_body(session, q, limit)
    )
    return cached_json(request, cached)
